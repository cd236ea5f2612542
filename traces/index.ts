/**
 * traces/ — arrival specifications, trace readers and synthetic generators.
 * Reading guide: `types.ts` (specs and the synchronous pull interface `ArrivalSource`);
 * `open-arrivals.ts` (the entry point); `synthetic.ts` (generators); `trace-reader.ts` (streaming
 * readers, order/bad-row rules) with `row-decoders.ts` per format; `trace-arrivals.ts` (transforms);
 * `first-window.ts` (rate and request shape of a trace's opening window, for cold-start planning).
 */
export * from './types.js';
export { openArrivals } from './open-arrivals.js';
export { tokenSampler, lognormalParams, type TokenSampler } from './token-sampler.js';
export { TraceFormatError } from './trace-error.js';
export { TraceReader, type TraceReadOptions } from './trace-reader.js';
export { TraceArrivals } from './trace-arrivals.js';
export { traceFirstWindow, type FirstWindow } from './first-window.js';
export { traceSummary, replayCount, type TraceSummary, type TokenStats } from './trace-summary.js';
export { ClosedLoopClients, CLOSED_RETRY_S } from './closed-loop.js';
