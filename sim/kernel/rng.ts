/**
 * Seeded random streams, one per named subsystem (`arrivals:chat`, `faults`, `policy:epara`).
 *
 * Each stream is seeded from `root seed + name`, so adding a device or a service creates new
 * streams without shifting the draws of any other. Uses seedrandom's Alea generator (fast, good
 * statistical quality for simulation; not cryptographic). The draws are the ones the models need:
 * exponential, normal, lognormal, gamma (Marsaglia–Tsang), Zipf (by inversion of a cached CDF).
 */
import seedrandom from 'seedrandom';

export interface RngStream {
  readonly name: string;
  /** Uniform on [0, 1). */
  next(): number;
  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number;
  /** Standard normal scaled: mean + sd·Z. */
  normal(mean: number, sd: number): number;
  /** Lognormal with parameters of the underlying normal (mu, sigma). */
  lognormal(mu: number, sigma: number): number;
  /** Gamma with shape k and scale θ (mean kθ). */
  gamma(shape: number, scale: number): number;
  /** Zipf rank in 1..n with exponent s (P(k) ∝ k^-s). */
  zipf(n: number, s: number): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
}

type Prng = () => number;

class AleaStream implements RngStream {
  private spareNormal = NaN;
  private zipfCdf: Float64Array | undefined;
  private zipfKey = '';

  constructor(readonly name: string, private readonly prng: Prng) {}

  next(): number {
    return this.prng();
  }

  exponential(rate: number): number {
    // 1 - u is in (0, 1], so the log is finite.
    return -Math.log(1 - this.prng()) / rate;
  }

  normal(mean: number, sd: number): number {
    let z: number;
    if (!Number.isNaN(this.spareNormal)) {
      z = this.spareNormal;
      this.spareNormal = NaN;
    } else {
      // Marsaglia polar method: two normals per accepted pair.
      let u: number, v: number, s: number;
      do {
        u = 2 * this.prng() - 1;
        v = 2 * this.prng() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      this.spareNormal = v * f;
      z = u * f;
    }
    return mean + sd * z;
  }

  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  gamma(shape: number, scale: number): number {
    if (shape <= 0 || scale <= 0) throw new RangeError(`gamma needs shape > 0 and scale > 0 (got ${shape}, ${scale})`);
    if (shape < 1) {
      // Boost: X = G(k+1) · U^(1/k).
      return this.gamma(shape + 1, scale) * Math.pow(1 - this.prng(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = this.normal(0, 1);
      const v0 = 1 + c * z;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = 1 - this.prng();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  }

  zipf(n: number, s: number): number {
    const key = `${n}:${s}`;
    if (this.zipfKey !== key || this.zipfCdf === undefined) {
      const cdf = new Float64Array(n);
      let acc = 0;
      for (let k = 1; k <= n; k++) {
        acc += Math.pow(k, -s);
        cdf[k - 1] = acc;
      }
      for (let i = 0; i < n; i++) cdf[i] = cdf[i]! / acc;
      this.zipfCdf = cdf;
      this.zipfKey = key;
    }
    const u = this.prng();
    const cdf = this.zipfCdf;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  int(n: number): number {
    return Math.floor(this.prng() * n);
  }
}

/** Creates the stream `name` under `rootSeed`; the same pair always yields the same draws. */
export function rngStream(rootSeed: number | string, name: string): RngStream {
  return new AleaStream(name, seedrandom.alea(`parasim/${rootSeed}/${name}`));
}

/** Hands out named streams under one root seed, creating each once. */
export class RngStreams {
  private readonly streams = new Map<string, RngStream>();
  constructor(readonly rootSeed: number) {}
  get(name: string): RngStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = rngStream(this.rootSeed, name);
      this.streams.set(name, s);
    }
    return s;
  }
}
