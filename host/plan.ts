/**
 * Diffing a PlacementPlan against the placed instances. The plan is the desired set: a placed
 * active instance (pending, loading or ready) with the same key as a planned one is kept (first
 * come, first matched, in placement order); planned instances without a match are fresh; the
 * unmatched active rest drain. The key is the service name and the policies' `stagesKey` (devices,
 * layers, GPUs, tensor-parallel peers, GPU fraction): two plans that differ in any of these are
 * different instances on both hosts.
 */
import { stagesKey, type Lifecycle, type PlacementPlan, type PlannedInstance, type Stage } from '../policies/index.js';

/** The plan-matching key of an instance of `service` on `stages`. */
export function instanceKey(service: string, stages: readonly Stage[]): string {
  return `${service}|${stagesKey(stages)}`;
}

/** States a plan may keep (or drain): the instance holds, or is about to hold, its weights. */
export function isActive(state: Lifecycle): boolean {
  return state === 'pending' || state === 'loading' || state === 'ready';
}

export interface Placed {
  readonly key: string;
  readonly state: Lifecycle;
}

export interface FreshInstance {
  readonly planned: PlannedInstance;
  readonly key: string;
}

export interface PlanDiff<T extends Placed> {
  readonly kept: readonly T[];
  readonly fresh: readonly FreshInstance[];
  /** Grouped by key, keys in order of first placement (the order the simulator drains them in). */
  readonly drained: readonly T[];
  /** Planned instances of services the scenario does not have (each host notes and ignores them). */
  readonly unknownServices: readonly string[];
}

export function diffPlan<T extends Placed>(
  plan: PlacementPlan,
  placed: readonly T[],
  hasService: (name: string) => boolean,
): PlanDiff<T> {
  const pool = new Map<string, T[]>();
  for (const inst of placed) {
    if (!isActive(inst.state)) continue;
    const list = pool.get(inst.key);
    if (list === undefined) pool.set(inst.key, [inst]);
    else list.push(inst);
  }
  const kept: T[] = [];
  const fresh: FreshInstance[] = [];
  const unknownServices: string[] = [];
  for (const p of plan.instances) {
    if (!hasService(p.service)) {
      unknownServices.push(p.service);
      continue;
    }
    const key = instanceKey(p.service, p.stages);
    const match = pool.get(key)?.shift();
    if (match !== undefined) kept.push(match);
    else fresh.push({ planned: p, key });
  }
  const drained: T[] = [];
  for (const list of pool.values()) drained.push(...list);
  return { kept, fresh, drained, unknownServices };
}
