/**
 * sim/ — the deterministic discrete-event simulator.
 * Reading guide: `simulate.ts` (the entry point and event flow), `host/` (world state, views,
 * placement, sync), `models/` (perf estimator, LLM continuous batching, segmentation batching),
 * `network/` (routes + FIFO link serializer), `faults/`, `metrics/` (pure summarizer, canonical
 * JSON — reused by the runtime), `kernel/` (heap + RNG streams, domain-free).
 * Formulas: docs/sim-models.md. Invariants: docs/invariants.md.
 */
export { simulate, type SimulateOptions } from './simulate.js';
export { resultToJson, canonicalJson, RunSummarizer, meetsSlo, Samples } from './metrics/index.js';
export { devicePerf, LlmStagePerf, ItemPerf } from './models/perf.js';
export {
  declaredRate,
  serviceInfos,
  linkStates,
  initialDemand,
  zeroDemandNotes,
  FIRST_WINDOW_S,
  type InitialDemand,
} from './host/static-views.js';
export { LinkNetwork } from './network/link-network.js';
export { EventKernel, RngStreams, rngStream } from './kernel/index.js';
export * from './calibrate/index.js';
export { Timeline } from './host/timeline.js';
