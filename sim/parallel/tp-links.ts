/**
 * A tensor-parallel stage across devices as the links and the members see it, per engine step:
 *
 *  - the step starts when the root's and every member's GPU lanes are free — a member busy with
 *    other work (another instance sharing its GPU) delays the whole group, since each sync waits
 *    for every slice (a TP step finishes when its slowest member does);
 *  - and when the group's links are free of other traffic: the step's syncs then occupy the
 *    links — per member and direction `syncs · tokens · hidden · 2 B` (SYNCS_PER_LAYER syncs per
 *    layer of the stage), on the route root ↔ member, so the root's link carries n − 1 of them.
 *    Two groups (or a group and a pipeline's transfers, or requests) on one link thus queue
 *    behind each other, and scaling saturates once the link is the bottleneck.
 *
 * The step cost (tensor-parallel.ts) still prices the syncs alone on the links; this adds the
 * wait for others. Simplification: a step's syncs are reserved as one block at its start (they
 * are spread over the step in reality), so two groups that are not saturating a link interleave
 * without delaying each other. docs/sim-models.md "Cross-device parallelism".
 */
import type { Instance } from '../host/instance.js';
import type { World } from '../host/world.js';
import { SYNC_BYTES_PER_VALUE, SYNCS_PER_LAYER } from '../../policies/tp-sync.js';

/** Latest busy-until of `lanes` after cutting other instances' decode runs on them (as runOnLanes does). */
function lanesFreeAt(w: World, lanes: Int32Array, owner: number, t: number): number {
  const L = w.lanes;
  let at = t;
  for (let i = 0; i < lanes.length; i++) {
    const l = lanes[i]!;
    const o = L.owner[l]!;
    if (o >= 0 && o !== owner) w.interruptRun(w.instances[o]!);
    const b = L.busyUntil[l]!;
    if (b > at) at = b;
  }
  return at;
}

/** True when stage `k` of `inst` is tensor-parallel over other devices. */
export function hasPeers(inst: Instance, k: number): boolean {
  const ps = inst.peerStage;
  for (let q = 0; q < ps.length; q++) if (ps[q] === k) return true;
  return false;
}

/**
 * Earliest time ≥ `readyS` at which stage `k`'s root and members are free and its sync links
 * carry no earlier traffic.
 */
export function tpReadyS(w: World, inst: Instance, k: number, readyS: number): number {
  const root = inst.stageDevices[k]!;
  let t = lanesFreeAt(w, inst.stageLanes[k]!, inst.index, readyS);
  const devs = inst.peerDevices;
  for (let q = 0; q < devs.length; q++)
    if (inst.peerStage[q] === k) t = lanesFreeAt(w, inst.peerLanes[q]!, inst.index, t);
  // Links: wait until every route root ↔ member is free at the same instant (a wait on one may
  // let another fill up, so repeat until none moves; each pass only moves later).
  for (let pass = 0; pass < 4; pass++) {
    let moved = false;
    for (let q = 0; q < devs.length; q++) {
      if (inst.peerStage[q] !== k) continue;
      const d = devs[q]!;
      const wait = Math.max(w.network.waitS(root, d, t), w.network.waitS(d, root, t));
      if (wait > 0) {
        t += wait;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return t;
}

/** Reserves the links for the syncs of a step of `tokens` tokens of stage `k`, from `startS`. */
export function tpOccupyLinks(w: World, inst: Instance, k: number, startS: number, tokens: number): void {
  const st = inst.stages[k]!;
  const hidden = w.scenario.services[inst.service]!.model.hidden;
  const bytes = SYNCS_PER_LAYER * (st.endLayer - st.firstLayer) * tokens * hidden * SYNC_BYTES_PER_VALUE;
  const root = inst.stageDevices[k]!;
  const devs = inst.peerDevices;
  for (let q = 0; q < devs.length; q++) {
    if (inst.peerStage[q] !== k) continue;
    w.network.occupy(root, devs[q]!, bytes, startS);
    w.network.occupy(devs[q]!, root, bytes, startS);
  }
}
