/**
 * reports/ — results → one self-contained HTML page (plotly inlined, works offline) and a CSV.
 * Reading guide: `read.ts` (tolerant result/JSONL/capacity/validation parsers), `group.ts`
 * (facet × policy × load cells, seeds as the only replicates), `series.ts` (per-service values,
 * +∞ latencies), `stats.ts` (mean, t confidence interval), `capacity.ts` (goodput capacity,
 * censoring, best-baseline rule), `figures-*.ts` (pure plotly specs), `tables.ts`, `csv.ts`,
 * `html.ts` (assembly + escaping), `build.ts` (`buildReport`, `reportCsv`), `write.ts` (file I/O,
 * output-path checks, atomic write). Imports only policies/ types.
 */
export * from './types.js';
export { buildReport, loadPlotlySource, reportCsv } from './build.js';
export { planFigure, planPage, type PlanReport } from './plan.js';
export { readResultFiles, readValidationFile, writeReport, writeAtomically, outputPathProblem } from './write.js';
export { readResultsText, readValidationText, isRunResult, mixedSweeps } from './read.js';
export type { ReadOutcome } from './read.js';
export { groupEntries, chooseX, comparePolicies, plural } from './group.js';
export type { Cell, Facet, Grouped } from './group.js';
export { summarize, tQuantile975 } from './stats.js';
export type { Summary } from './stats.js';
export {
  goodputCapacity,
  formatCapacity,
  censorMark,
  capacityRatio,
  bestBaselines,
  BEST_BASELINE_RULE,
} from './capacity.js';
export type { Capacity, CapacityPoint } from './capacity.js';
export { capacityRows, identicalPolicies } from './tables.js';
export type { CapacityRow } from './tables.js';
export { escapeHtml, jsonForScript, scriptSafeSource } from './escape.js';
