/**
 * policies/ — the contract every host builds views for, and every placement/routing policy.
 * Reading guide: `contract.ts` (views, plans, routes, the Policy interface), `result.ts`
 * (request records and the canonical result), `registry.ts` (policies by name).
 * Imports nothing outside this folder: a policy sees a view and an RNG stream, nothing else.
 */
export * from './contract.js';
export * from './result.js';
export * from './registry.js';
export * from './placement-helpers.js';
export { resolveParams } from './params.js';
export { planMemoryByDevice, deviceWeightCapacity } from './memory-ledger.js';
export { estimateChain, sloRatio, stageWeightBytes, tpScale } from './perf-model.js';
export type { InstanceEstimate, Work } from './perf-model.js';
export { linksChanged, manageLinks, transferTimeS } from './network.js';
