/**
 * Busy time of tensor-parallel peers: every member of a group works through the whole step (each
 * on its 1/n), so the root's busy interval is mirrored on the peers' GPU lanes — utilisation and
 * energy then count all members. The timing itself comes from the root (the step cost already is
 * the slowest member's); a peer busy with other work does not delay the group (documented
 * simplification, docs/sim-models.md "Cross-device parallelism").
 */
import type { Instance } from '../host/instance.js';
import type { World } from '../host/world.js';

/** Marks the peers of stage `stage` (or of every stage when −1) busy over [startS, startS + durS). */
export function peersRun(w: World, inst: Instance, stage: number, startS: number, durS: number): void {
  const devs = inst.peerDevices;
  for (let q = 0; q < devs.length; q++) {
    if (stage >= 0 && inst.peerStage[q] !== stage) continue;
    w.runOnLanes(devs[q]!, inst.peerLanes[q]!, startS, durS, inst.index);
  }
}

/** Takes back the peers' busy time of [fromS, toS) (a decode run cut short). */
export function peersRelease(w: World, inst: Instance, fromS: number, toS: number): void {
  const devs = inst.peerDevices;
  for (let q = 0; q < devs.length; q++) w.releaseLanes(devs[q]!, inst.peerLanes[q]!, fromS, toS, inst.index);
}
