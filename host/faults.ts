/**
 * Fault rules, the same on both hosts. A device that crashes (or whose agent restarted) fails
 * every instance with a stage or tensor-parallel peer on it that is not already gone or failed:
 * its requests end `failed` (`device-crash`), its weights are free, and it stays in the views as
 * `failed` (a policy sees what it lost). After a crash or a recovery, a policy without a placement
 * period is asked to re-place at once; a policy with a period re-places at its next period (its
 * own health check decides how soon: EPARA's `health_check_s`), so its placement calls, and the
 * state it keeps across them, are the same under both clocks.
 */
import type { Lifecycle, Policy } from '../policies/index.js';

/** Whether an instance in `state` on a crashed device becomes `failed`. */
export function failsOnCrash(state: Lifecycle): boolean {
  return state !== 'gone' && state !== 'failed';
}

/** Whether an instance in `state` appears in the policy views (failed ones stay visible). */
export function visibleInViews(state: Lifecycle): boolean {
  return state !== 'gone';
}

/** Whether a device crash or recovery triggers an immediate placement for `policy`. */
export function replaceAfterFault(policy: Pick<Policy, 'placementPeriodS'>): boolean {
  return policy.placementPeriodS === undefined;
}
