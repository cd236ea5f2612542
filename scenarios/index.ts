/**
 * scenarios/ — the scenario YAML schema, its loader (file:line:column errors), the device/model/
 * link catalog, and example scenarios.
 * Reading guide: `types.ts` (the resolved Scenario every consumer uses).
 */
export * from './types.js';
