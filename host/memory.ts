/**
 * Weight memory, the same on both hosts. A pipeline stage holds its share of the model's weights:
 * its layers' share for an LLM (a stage with 3/4 of the layers holds 3/4 of the weights), an
 * equal share per stage otherwise; a tensor-parallel stage holds 1/n of its share on each of its
 * n members (root and peers). Only active instances (pending, loading, ready) hold weights: a
 * draining instance's weights are free at once, so its replacement can load beside it while it
 * finishes its in-flight work (the live controller undeploys it before deploying the plan's new
 * instances), and a failed instance holds none (its device crashed or its deploy failed).
 */
import type { Lifecycle, Stage } from '../policies/index.js';
import type { ServiceConfig } from '../scenarios/index.js';
import { isActive } from './plan.js';

/** Fraction of the model's weights each stage holds. */
export function stageShares(s: ServiceConfig, stages: readonly Stage[]): number[] {
  return stages.map((st) => (s.kind === 'llm' ? (st.endLayer - st.firstLayer) / s.model.layers : 1 / stages.length));
}

/** Weight bytes each stage holds (over all its members). */
export function stageWeights(s: ServiceConfig, stages: readonly Stage[]): Float64Array {
  return Float64Array.from(stageShares(s, stages), (f) => s.model.weightBytes * f);
}

/** Device ids holding a stage: the root, then its tensor-parallel peers. */
export function stageMembers(st: Stage): string[] {
  return [st.device, ...(st.peers ?? [])];
}

/** Weight bytes an instance needs per device index (tensor-parallel members hold 1/n each). */
export function weightNeed(
  stages: readonly Stage[],
  weights: ArrayLike<number>,
  deviceIndex: (id: string) => number,
): Map<number, number> {
  const need = new Map<number, number>();
  stages.forEach((st, k) => {
    const members = stageMembers(st);
    for (const id of members) {
      const d = deviceIndex(id);
      need.set(d, (need.get(d) ?? 0) + weights[k]! / members.length);
    }
  });
  return need;
}

/** Whether an instance in `state` holds its weights. */
export function holdsWeights(state: Lifecycle): boolean {
  return isActive(state);
}

/** Weight bytes held per device by the instances that hold theirs. */
export function heldWeights(
  devices: number,
  instances: Iterable<{ readonly state: Lifecycle; readonly need: ReadonlyMap<number, number> }>,
): Float64Array {
  const used = new Float64Array(devices);
  for (const inst of instances) {
    if (!holdsWeights(inst.state)) continue;
    for (const [d, b] of inst.need) used[d] = used[d]! + b;
  }
  return used;
}

/** Free bytes per device: capacity minus the weights held there. */
export function freeMemory(capacity: ArrayLike<number>, held: ArrayLike<number>): Float64Array {
  return Float64Array.from(held, (u, d) => Math.max(0, capacity[d]! - u));
}

/** The first device whose memory the new weights `need` would overflow, or −1 when they fit. */
export function overflowDevice(
  need: ReadonlyMap<number, number>,
  held: ArrayLike<number>,
  capacity: ArrayLike<number>,
): number {
  for (const [d, b] of need) if (held[d]! + b > capacity[d]!) return d;
  return -1;
}
