/**
 * sweeps/ — parameter sweeps over scenarios: many simulations on a worker-thread pool, one
 * JSONL line per cell, byte-identical whatever the worker count, resumable, shardable.
 * Reading guide: `sweep-file.ts` (the sweep YAML), `cells.ts` (grid expansion, keys, shards),
 * `runner.ts` (pool, resume, canonical rewrite), `capacity.ts` (goodput-capacity bisection),
 * `results-file.ts` (line format, recovery, merge checks), `queue/` (Redis queue mode: coordinator,
 * workers, code version; loaded only by `--queue` and `parasim worker`). User docs: docs/sweeps.md.
 */
export { loadSweepFile, type Axis, type CapacityMode, type SweepDefinition } from './sweep-file.js';
export {
  cellKey,
  coordinatesText,
  duplicateKeys,
  expandGrid,
  gridPoints,
  inShard,
  makeCell,
  parseShard,
  resolveScenario,
  type CellInfo,
  type ResolvedCell,
  type Shard,
} from './cells.js';
export { parseFieldPath, pathProblem, setAtPath, getAtPath } from './field-path.js';
export { scaleLoad } from '../scenarios/index.js';
export { stableJson, shortHash, codeVersion, packageRoot } from './canonical.js';
export {
  mergeParts,
  readResultLines,
  writeLinesAtomically,
  type ResultLine,
  type MergeOutcome,
} from './results-file.js';
export {
  runSweep,
  capacityFileFor,
  type SweepProgress,
  type SweepRunOptions,
  type SweepRunSummary,
  type CellFailure,
  type CellExecutor,
} from './runner.js';
export { availableCores } from './cell-pool.js';
export {
  advance,
  newSearch,
  nextLoads,
  probeAttainments,
  serviceCapacities,
  type CapacitySearch,
  type Probe,
  type ServiceCapacity,
} from './capacity.js';
export { CellPool } from './cell-pool.js';
export {
  PlanError,
  planDevices,
  planMix,
  planScenario,
  type MixAnswer,
  type PlanAnswer,
  type PlanOptions,
  type PlanResult,
  type PlanSimulate,
} from './device-plan.js';
export type { CellOutcome, CellTask } from './worker.js';
