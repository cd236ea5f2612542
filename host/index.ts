/**
 * host/ — what the simulator (sim/host) and the live controller (runtime/controller) share, so
 * one policy sees the same views and gets its plans applied by the same rules under both clocks:
 * device views from the scenario (`views.ts`), the plan-matching key, the plan diff and the plan
 * checks (`plan.ts`, `plan-checks.ts`), weight memory per stage and which lifecycle states hold it
 * (`memory.ts`), and the fault rules: what a crash does to instances, when to re-place
 * (`faults.ts`), observed demand (`demand.ts`). Clocks and I/O stay on their sides. Each rule's choice: docs/decisions.md
 * ("One host layer").
 */
export { deviceStates } from './views.js';
export { instanceKey, isActive, diffPlan, type Placed, type PlanDiff, type FreshInstance } from './plan.js';
export { planProblem, type PlacementTopology } from './plan-checks.js';
export {
  stageShares,
  stageWeights,
  stageMembers,
  weightNeed,
  holdsWeights,
  heldWeights,
  freeMemory,
  overflowDevice,
} from './memory.js';
export { DemandMeter } from './demand.js';
export { failsOnCrash, visibleInViews, replaceAfterFault } from './faults.js';
