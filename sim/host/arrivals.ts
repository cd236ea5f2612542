/**
 * Arrival sources per service. Uses `openArrivals` from traces/ (the owner of arrival semantics)
 * when it is available; until then a minimal built-in generator covers the synthetic processes
 * (poisson, gamma, periodic, diurnal, onoff) so the simulator runs end to end.
 */
import * as traces from '../../traces/index.js';
import type { ArrivalOptions, ArrivalSource, ArrivalSpec, MutableArrival, RandomDraws, TokenSpec } from '../../traces/index.js';

type OpenArrivals = (spec: ArrivalSpec, opts: ArrivalOptions) => ArrivalSource;

export function openServiceArrivals(spec: ArrivalSpec, opts: ArrivalOptions): ArrivalSource {
  const shared = (traces as unknown as { openArrivals?: OpenArrivals }).openArrivals;
  if (shared !== undefined) return shared(spec, opts);
  return builtin(spec, opts);
}

function drawTokens(spec: TokenSpec, rng: RandomDraws): number {
  switch (spec.dist) {
    case 'fixed': return spec.value;
    case 'uniform': return spec.min + Math.floor(rng.next() * (spec.max - spec.min + 1));
    case 'lognormal': {
      const sigma2 = Math.log(1 + spec.cv * spec.cv);
      const v = Math.max(1, Math.round(rng.lognormal(Math.log(spec.mean) - sigma2 / 2, Math.sqrt(sigma2))));
      return spec.max !== undefined ? Math.min(v, spec.max) : v;
    }
  }
}

function builtin(spec: ArrivalSpec, o: ArrivalOptions): ArrivalSource {
  const r = o.arrivalRng;
  let t = 0;
  let phases: Float64Array | null = null;
  let onUntil = 0;
  const gap = (): number => {
    switch (spec.process) {
      case 'poisson': return r.exponential(spec.ratePerS);
      case 'gamma': { const k = 1 / (spec.cv * spec.cv); return r.gamma(k, 1 / (k * spec.ratePerS)); }
      case 'diurnal': {
        // Thinning against the peak rate.
        const peak = spec.meanRatePerS * (1 + spec.amplitude);
        let u = t;
        for (;;) {
          u += r.exponential(peak);
          const rate = spec.meanRatePerS * (1 + spec.amplitude * Math.sin((2 * Math.PI * u) / spec.periodS));
          if (r.next() * peak <= rate) return u - t;
        }
      }
      case 'onoff': {
        let u = t + r.exponential(spec.onRatePerS);
        while (u >= onUntil) {
          const off = r.exponential(1 / spec.meanOffS);
          const start = Math.max(onUntil, t) + off;
          onUntil = start + r.exponential(1 / spec.meanOnS);
          u = start + r.exponential(spec.onRatePerS);
        }
        return u - t;
      }
      default: return NaN;
    }
  };
  if (spec.process === 'trace') throw new Error('trace arrivals need traces/openArrivals (not available yet)');
  if (spec.process === 'onoff') onUntil = r.exponential(1 / spec.meanOnS);
  return {
    next(out: MutableArrival): boolean {
      if (spec.process === 'periodic') {
        if (phases === null) phases = Float64Array.from({ length: spec.streams }, () => r.next() / spec.fps);
        let best = 0;
        for (let i = 1; i < phases.length; i++) if (phases[i]! < phases[best]!) best = i;
        t = phases[best]!;
        phases[best] = t + 1 / spec.fps;
      } else {
        t += gap();
      }
      if (!(t < o.horizonS)) return false;
      out.timeS = t;
      out.promptTokens = drawTokens(o.promptTokens, o.tokenRng);
      out.outputTokens = drawTokens(o.outputTokens, o.tokenRng);
      return true;
    },
    close() {},
  };
}
