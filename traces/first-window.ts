/**
 * The opening window of a trace as a planner would see it after watching it: arrival rate and
 * mean token counts of the arrivals in [0, windowS) of the *transformed* stream (same reader,
 * time window, rate scale and token clipping as the simulator's arrivals). Hosts seed a trace
 * service's planning view with it, so the first placement does not plan for demand 0 and a
 * default request shape (issue 11: EPARA dropped 88% of the real chat trace planning blind).
 */
import type { ArrivalSpec, MutableArrival } from './types.js';
import { openTraceArrivals } from './trace-arrivals.js';

export interface FirstWindow {
  readonly windowS: number;
  readonly arrivals: number;
  /** arrivals / windowS. */
  readonly ratePerS: number;
  /** Mean recorded token counts after clipping; null when the format records none. */
  readonly meanPromptTokens: number | null;
  readonly meanOutputTokens: number | null;
}

/** Missing token counts stay NaN here (no RNG draw): they are left out of the means. */
const unrecorded = (): number => Number.NaN;

/** Reads only the first `windowS` seconds of the stream; throws TraceFormatError on a bad file. */
export function traceFirstWindow(spec: Extract<ArrivalSpec, { process: 'trace' }>, windowS: number): FirstWindow {
  if (!(windowS > 0)) throw new RangeError(`first window must be > 0 s (got ${windowS})`);
  const src = openTraceArrivals(spec, windowS, unrecorded, unrecorded);
  const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
  let n = 0;
  let withTokens = 0;
  let prompt = 0;
  let output = 0;
  try {
    while (src.next(a)) {
      n++;
      if (!Number.isNaN(a.promptTokens) && !Number.isNaN(a.outputTokens)) {
        withTokens++;
        prompt += a.promptTokens;
        output += a.outputTokens;
      }
    }
  } finally {
    src.close();
  }
  return {
    windowS,
    arrivals: n,
    ratePerS: n / windowS,
    meanPromptTokens: withTokens > 0 ? prompt / withTokens : null,
    meanOutputTokens: withTokens > 0 ? output / withTokens : null,
  };
}
