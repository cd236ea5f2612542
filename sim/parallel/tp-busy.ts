/**
 * Busy time of tensor-parallel peers: every member of a group works through the whole step (each
 * on its 1/n), so the root's busy interval is mirrored on the peers' GPU lanes — utilisation and
 * energy then count all members. The step cost is the slowest member's, and a step starts only
 * when every member is free (tp-links.ts): a member busy with other work delays the group.
 */
import type { Instance } from '../host/instance.js';
import type { World } from '../host/world.js';

/** Marks the peers of stage `stage` busy over [startS, startS + durS). */
export function peersRun(w: World, inst: Instance, stage: number, startS: number, durS: number): void {
  const devs = inst.peerDevices;
  for (let q = 0; q < devs.length; q++) {
    if (inst.peerStage[q] !== stage) continue;
    w.runOnLanes(devs[q]!, inst.peerLanes[q]!, startS, durS, inst.index);
  }
}
