/**
 * scenarios/ — the scenario YAML schema, its loader (file:line:column errors), the device/model/
 * link catalog (data files users extend: scenarios/catalog/*.yaml), and example scenarios.
 * Reading guide: `types.ts` (the resolved Scenario every consumer uses).
 */
export * from './types.js';
export {
  DEFAULT_FRAMEWORK,
  FP16_ACCUMULATE_FRAMEWORKS,
  SERVING_FRAMEWORKS,
  isServingFramework,
  type ServingFramework,
} from './frameworks.js';
export { loadScenario, parseScenario, validateScenarioObject, readScenarioObject } from './load-scenario.js';
export type { LoadResult, ReadResult } from './load-scenario.js';
export { didYouMean, formatIssues } from './issues.js';
export { isPlainObject } from './plain-object.js';
export { scaleLoad } from './load-scale.js';
export { policyChoiceFor } from './policy-params.js';
export { loadPolicyModule, createPolicy, moduleChoice, type PolicyModuleResult } from './policy-module.js';
export type { ScenarioIssue } from './issues.js';
export { scenarioJsonSchema } from './schema.js';
export { dedupeIssues, issueBuilder, loadYamlFile, parseYamlSource, readYamlText, zodIssuesAt } from './yaml-source.js';
export type { Located, YamlSource } from './yaml-source.js';
export { DEFAULT_MAX_YAML_BYTES, MAX_YAML_ALIAS_COUNT, SCENARIO_LIMITS, envBound, meanRatePerS } from './limits.js';
export { pathToString } from './issues.js';
export type { LoadOptions } from './load-scenario.js';
export { builtinCatalog } from './catalog/builtin.js';
export { profileRowOf } from './catalog/build.js';
export { loadCatalogFile, parseCatalogText } from './catalog/load-catalog.js';
export { PROFILE_CSV_COLUMNS, formatProfileCsv, parseProfileCsv } from './catalog/profile-csv.js';
export { readCsvTable, type CsvRecord, type CsvTable } from './csv-table.js';
export type { RawProfile as CatalogProfileRow } from './catalog/schema.js';
import { builtinCatalog as builtin } from './catalog/builtin.js';
/** The built-in catalog's entries by key (scenarios/catalog/*.yaml). */
export const DEVICE_CATALOG = builtin().devices;
export const LINK_CATALOG = builtin().links;
export const MODEL_CATALOG = builtin().models;
