/**
 * scenarios/ — the scenario YAML schema, its loader (file:line:column errors), the device/model/
 * link catalog, and example scenarios.
 * Reading guide: `types.ts` (the resolved Scenario every consumer uses).
 */
export * from './types.js';
export { loadScenario, parseScenario, validateScenarioObject, readScenarioObject } from './load-scenario.js';
export type { LoadResult, ReadResult } from './load-scenario.js';
export { formatIssues } from './issues.js';
export { isPlainObject } from './plain-object.js';
export { policyChoiceFor } from './policy-params.js';
export type { ScenarioIssue } from './issues.js';
export { scenarioJsonSchema } from './schema.js';
export { DEVICE_CATALOG } from './catalog/devices.js';
export { LINK_CATALOG } from './catalog/links.js';
export { MODEL_CATALOG } from './catalog/models.js';
export { dedupeIssues, issueBuilder, loadYamlFile, parseYamlSource, readYamlText, zodIssuesAt } from './yaml-source.js';
export type { Located, YamlSource } from './yaml-source.js';
export { DEFAULT_MAX_YAML_BYTES, MAX_YAML_ALIAS_COUNT, SCENARIO_LIMITS, envBound, meanRatePerS } from './limits.js';
export { pathToString, didYouMean } from './issues.js';
