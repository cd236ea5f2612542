/**
 * Token-count sampling from a `TokenSpec`. A sampler is a closure built once per service, so a
 * draw allocates nothing. Counts are integers ≥ 1 (a request always has a prompt and produces
 * at least one token).
 */
import type { RandomDraws, TokenSpec } from './types.js';

export type TokenSampler = () => number;

/**
 * Lognormal parameters from the mean and coefficient of variation of the lognormal itself:
 * sigma² = ln(1 + cv²), mu = ln(mean) − sigma²/2 (so that E[X] = mean, sd/mean = cv).
 */
export function lognormalParams(mean: number, cv: number): { mu: number; sigma: number } {
  const sigma2 = Math.log(1 + cv * cv);
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

/** Builds a sampler; throws RangeError on parameters a validated scenario cannot contain. */
export function tokenSampler(spec: TokenSpec, rng: RandomDraws): TokenSampler {
  switch (spec.dist) {
    case 'fixed': {
      if (!(spec.value >= 1)) throw new RangeError(`fixed token count must be ≥ 1 (got ${spec.value})`);
      const v = Math.round(spec.value);
      return () => v;
    }
    case 'lognormal': {
      if (!(spec.mean > 0) || !(spec.cv >= 0)) {
        throw new RangeError(`lognormal tokens need mean > 0 and cv ≥ 0 (got ${spec.mean}, ${spec.cv})`);
      }
      const { mu, sigma } = lognormalParams(spec.mean, spec.cv);
      const max = spec.max ?? Number.POSITIVE_INFINITY;
      return () => {
        const x = Math.round(rng.lognormal(mu, sigma));
        return x < 1 ? 1 : x > max ? max : x;
      };
    }
    case 'uniform': {
      const lo = Math.max(1, Math.ceil(spec.min));
      const hi = Math.floor(spec.max);
      if (!(hi >= lo)) throw new RangeError(`uniform tokens need 1 ≤ min ≤ max (got ${spec.min}, ${spec.max})`);
      const span = hi - lo + 1;
      // Integer uniform on [min, max], both ends included.
      return () => lo + Math.floor(rng.next() * span);
    }
    default: {
      const never: never = spec;
      throw new Error(`unknown token distribution ${JSON.stringify(never)}`);
    }
  }
}
