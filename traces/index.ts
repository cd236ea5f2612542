/**
 * traces/ — arrival specifications, trace readers and synthetic generators.
 * Reading guide: `types.ts` (specs and the synchronous pull interface `ArrivalSource`).
 */
export * from './types.js';
export { openArrivals } from './open-arrivals.js';
export { tokenSampler, lognormalParams, type TokenSampler } from './token-sampler.js';
export { TraceFormatError } from './trace-error.js';
export { TraceReader, type TraceReadOptions } from './trace-reader.js';
export { TraceArrivals } from './trace-arrivals.js';
export { traceSummary, replayCount, type TraceSummary, type TokenStats } from './trace-summary.js';
