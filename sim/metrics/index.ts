/**
 * sim/metrics — pure, kernel-free: the run summarizer (outcomes → RunResult), exact latency
 * samples, SLO verdicts, notes that explain a result, and canonical JSON. The live runtime
 * imports this folder alone.
 */
export {
  RunSummarizer,
  meetsSlo,
  type RunMeta,
  type ServiceMeta,
  type DeviceMeta,
  type LinkMeta,
} from './summarizer.js';
export { Samples } from './samples.js';
export { canonicalJson, resultToJson } from './canonical-json.js';
export { explainRun } from './notes.js';
export { noReadyFractions } from './ready-time.js';
