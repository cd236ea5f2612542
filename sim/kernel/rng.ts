/**
 * Seeded random streams, one per named subsystem (`arrivals:chat`, `faults`, `policy:epara`).
 *
 * Each stream is seeded from `root seed + name`, so adding a device or a service creates new
 * streams without shifting the draws of any other. seedrandom (ARC4) turns the string
 * `parasim/<seed>/<name>` into 128 bits of state; the draws themselves come from sfc32, a small
 * counter-based generator (passes PractRand/BigCrush, not cryptographic) written inline because
 * a generator call per draw through seedrandom's closures costs several times more in the
 * kernel's hot path (see docs/decisions.md). The draws are the ones the models need:
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

const TWO_POW_32 = 4294967296;

/** Ziggurat tables for the unit exponential, 256 layers (Marsaglia & Tsang, JSS 5(8), 2000). */
const ZIG_R = 7.697117470131487;
const ZIG_V = 3.949659822581572e-3;
const ZIG_K = new Float64Array(256);
const ZIG_W = new Float64Array(256);
const ZIG_F = new Float64Array(256);
{
  let de = ZIG_R;
  let tde = de;
  const q = ZIG_V / Math.exp(-de);
  ZIG_K[0] = (de / q) * TWO_POW_32;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / TWO_POW_32;
  ZIG_W[255] = de / TWO_POW_32;
  ZIG_F[0] = 1;
  ZIG_F[255] = Math.exp(-de);
  for (let i = 254; i >= 1; i--) {
    de = -Math.log(ZIG_V / de + Math.exp(-de));
    ZIG_K[i + 1] = (de / tde) * TWO_POW_32;
    tde = de;
    ZIG_F[i] = Math.exp(-de);
    ZIG_W[i] = de / TWO_POW_32;
  }
}

class Sfc32Stream implements RngStream {
  private spareNormal = NaN;
  private zipfCdf: Float64Array | undefined;
  private zipfKey = '';
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    readonly name: string,
    seedText: string,
  ) {
    const seeder = seedrandom(seedText);
    this.a = seeder.int32() | 0;
    this.b = seeder.int32() | 0;
    this.c = seeder.int32() | 0;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next(); // mix the seed in
  }

  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** One sfc32 step: a uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const cr = (c << 21) | (c >>> 11);
    this.c = (cr + t) | 0;
    return t >>> 0;
  }

  private prng(): number {
    return this.next();
  }

  exponential(rate: number): number {
    // Ziggurat (Marsaglia & Tsang 2000): ~98% of draws need one integer and one table lookup,
    // no logarithm — the exponential is the hottest draw (every inter-arrival and service time).
    let jz = this.nextUint32();
    let iz = jz & 255;
    if (jz < ZIG_K[iz]!) return (jz * ZIG_W[iz]!) / rate;
    for (;;) {
      if (iz === 0) return (ZIG_R - Math.log(1 - this.prng())) / rate;
      const x = jz * ZIG_W[iz]!;
      if (ZIG_F[iz]! + this.prng() * (ZIG_F[iz - 1]! - ZIG_F[iz]!) < Math.exp(-x)) return x / rate;
      jz = this.nextUint32();
      iz = jz & 255;
      if (jz < ZIG_K[iz]!) return (jz * ZIG_W[iz]!) / rate;
    }
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
  return new Sfc32Stream(name, `parasim/${rootSeed}/${name}`);
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
