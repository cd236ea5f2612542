/**
 * `openArrivals`: the one entry point the simulator and the runtime use to turn a service's
 * `ArrivalSpec` into a lazily pulled, time-ordered `ArrivalSource`.
 */
import type { ArrivalOptions, ArrivalSource, ArrivalSpec } from './types.js';
import { tokenSampler } from './token-sampler.js';
import { DiurnalSource, GammaSource, OnOffSource, PeriodicSource, PoissonSource } from './synthetic.js';
import { openTraceArrivals } from './trace-arrivals.js';

/**
 * Opens the arrival stream of `spec`. Synthetic processes draw times from `opts.arrivalRng` and
 * tokens from `opts.tokenRng`; traces read times (and tokens, where the format has them) from
 * the file, sampling missing token counts from the TokenSpecs. Nothing at or after
 * `opts.horizonS` is produced.
 *
 * Throws RangeError on parameters a validated scenario cannot hold, and `TraceFormatError`
 * (from `next()` as well) on unreadable trace files.
 */
export function openArrivals(spec: ArrivalSpec, opts: ArrivalOptions): ArrivalSource {
  const prompt = tokenSampler(opts.promptTokens, opts.tokenRng);
  const output = tokenSampler(opts.outputTokens, opts.tokenRng);
  const rng = opts.arrivalRng;
  const h = opts.horizonS;
  switch (spec.process) {
    case 'poisson':
      return new PoissonSource(spec.ratePerS, rng, h, prompt, output);
    case 'gamma':
      return new GammaSource(spec.ratePerS, spec.cv, rng, h, prompt, output);
    case 'diurnal':
      return new DiurnalSource(spec.meanRatePerS, spec.amplitude, spec.periodS, rng, h, prompt, output);
    case 'onoff':
      return new OnOffSource(spec.onRatePerS, spec.meanOnS, spec.meanOffS, rng, h, prompt, output);
    case 'periodic':
      return new PeriodicSource(spec.streams, spec.fps, rng, h, prompt, output);
    case 'trace':
      return openTraceArrivals(spec, h, prompt, output);
    case 'closed':
      throw new RangeError('closed-loop arrivals are issued on completions, not as a stream: use ClosedLoopClients');
    default: {
      const never: never = spec;
      throw new Error(`unknown arrival process ${JSON.stringify(never)}`);
    }
  }
}
