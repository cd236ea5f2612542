/**
 * runtime/validate — sim vs live: profile each agent, simulate and replay the same scenario per
 * policy × load, compare per metric (docs/validation.md).
 * Reading guide: `compare.ts` (pure: rows, relative errors, medians per service, threshold),
 * `validate.ts` (orchestration: inputs, profile, calibration replay, cells), `twin.ts` (a cell's
 * simulated twin from what the run measured), `resimulate.ts` (the twins again against a recorded
 * report's live figures), `sim-window.ts` (sim measured like the replay),
 * `profile-pairs.ts` (profiling every device type × model pair), `round-trip-links.ts` (the measured
 * agent round trip as link figures; testbed frame sizes), `trace-override.ts` (another trace), `report-text.ts` (table and JSON).
 */
export {
  compareResults,
  compareCell,
  compareToRecorded,
  figureOf,
  relativeError,
  medianAbsGoodputError,
  exceedsThreshold,
  medianError,
  summarizeServices,
  worstServiceMedian,
  type MetricName,
  type MetricRow,
  type CellComparison,
  type ServiceErrorSummary,
} from './compare.js';
export {
  validateOnTestbed,
  DEFAULT_PROFILE_GRID,
  type ValidateOptions,
  type ValidationReport,
  type ValidateResult,
  type CellRun,
  type CellRecordKey,
  type TwinInputs,
  type ProfileGrid,
} from './validate.js';
export { validationText, validationJson } from './report-text.js';
export { resimulate, readRecorded, type RecordedValidation, type ResimulateOptions } from './resimulate.js';
export { withRoundTrip, withTestbedFrames } from './round-trip-links.js';
export { withTraceOverride, type TraceOverride } from './trace-override.js';
