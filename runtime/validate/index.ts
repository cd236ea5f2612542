/**
 * runtime/validate — sim vs live: profile each agent, simulate and replay the same scenario per
 * policy × load, compare per metric (docs/validation.md).
 * Reading guide: `compare.ts` (pure: rows, relative errors, median goodput error, threshold),
 * `validate.ts` (orchestration), `sim-window.ts` (sim measured like the replay), `report-text.ts` (table and JSON).
 */
export {
  compareResults, compareCell, relativeError, medianAbsGoodputError, exceedsThreshold,
  type MetricName, type MetricRow, type CellComparison,
} from './compare.js';
export { validateOnTestbed, DEFAULT_PROFILE_GRID, type ValidateOptions, type ValidationReport, type ValidateResult, type CellRun, type ProfileGrid } from './validate.js';
export { validationText, validationJson } from './report-text.js';
