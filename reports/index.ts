/**
 * reports/ — results → one self-contained HTML page (plotly inlined, works offline).
 * Reading guide: `read.ts` (tolerant result/JSONL/validation parsers), `group.ts` (policy × load
 * cells, seeds as replicates), `stats.ts` (mean, t confidence interval), `capacity.ts` (goodput
 * capacity), `figures-*.ts` (pure plotly specs), `tables.ts`, `html.ts` (assembly + escaping),
 * `build.ts` (`buildReport`), `write.ts` (file I/O, atomic write). Imports only policies/ types.
 */
export * from './types.js';
export { buildReport, loadPlotlySource } from './build.js';
export { readResultFiles, readValidationFile, writeReport } from './write.js';
export { readResultsText, readValidationText, isRunResult } from './read.js';
export { groupEntries, chooseX, comparePolicies } from './group.js';
export type { Cell, Grouped } from './group.js';
export { summarize, tQuantile975 } from './stats.js';
export type { Summary } from './stats.js';
export { goodputCapacity, capacityTable } from './capacity.js';
export type { Capacity, CapacityPoint, CapacityRow } from './capacity.js';
export { escapeHtml, jsonForScript, scriptSafeSource } from './escape.js';
