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
export { loadPolicyModule, createPolicy, moduleChoice, type PolicyModuleResult } from './policy-module.js';
export type { ScenarioIssue } from './issues.js';
export { scenarioJsonSchema } from './schema.js';
export { DEVICE_CATALOG } from './catalog/devices.js';
export { LINK_CATALOG } from './catalog/links.js';
export { MODEL_CATALOG } from './catalog/models.js';
