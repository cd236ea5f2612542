/**
 * traces/ — arrival specifications, trace readers and synthetic generators.
 * Reading guide: `types.ts` (specs and the synchronous pull interface `ArrivalSource`).
 */
export * from './types.js';
