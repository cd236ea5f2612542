import { describe, expect, it } from 'vitest';
import { openArrivals, type ArrivalSpec, type MutableArrival, type TokenSpec } from '../../traces/index.js';
import { rngStream } from '../../sim/kernel/index.js';

const FIXED: TokenSpec = { dist: 'fixed', value: 1 };

function open(spec: ArrivalSpec, horizonS: number, seed = 1, tokens: TokenSpec = FIXED, output: TokenSpec = FIXED) {
  return openArrivals(spec, {
    promptTokens: tokens,
    outputTokens: output,
    arrivalRng: rngStream(seed, 'arrivals:test'),
    tokenRng: rngStream(seed, 'tokens:test'),
    horizonS,
  });
}

/** Pulls every arrival time (up to `limit`). */
function times(spec: ArrivalSpec, horizonS: number, seed = 1, limit = 2_000_000): Float64Array {
  const src = open(spec, horizonS, seed);
  const out: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
  const buf = new Float64Array(limit);
  let n = 0;
  while (n < limit && src.next(out)) buf[n++] = out.timeS;
  src.close();
  return buf.subarray(0, n);
}

/** Mean and coefficient of variation of the inter-arrival gaps (first gap measured from 0). */
function gapStats(t: Float64Array): { mean: number; cv: number } {
  let s = 0;
  let s2 = 0;
  let prev = 0;
  for (const x of t) {
    const g = x - prev;
    prev = x;
    s += g;
    s2 += g * g;
  }
  const mean = s / t.length;
  return { mean, cv: Math.sqrt(s2 / t.length - mean * mean) / mean };
}

describe('openArrivals › poisson › long run', () => {
  it('has mean rate within 2% and inter-arrival CV within 5% of 1', () => {
    const t = times({ process: 'poisson', ratePerS: 50 }, 5000);
    expect(t.length).toBeGreaterThan(200_000);
    const { mean, cv } = gapStats(t);
    expect(Math.abs(1 / mean / 50 - 1)).toBeLessThan(0.02);
    expect(Math.abs(cv - 1)).toBeLessThan(0.05);
  });
});

describe('openArrivals › gamma › long run', () => {
  for (const cv of [0.5, 2, 4]) {
    it(`cv=${cv} has mean rate within 2% and CV within 5%`, () => {
      const t = times({ process: 'gamma', ratePerS: 100, cv }, 2500);
      expect(t.length).toBeGreaterThan(200_000);
      const s = gapStats(t);
      expect(Math.abs(1 / s.mean / 100 - 1)).toBeLessThan(0.02);
      expect(Math.abs(s.cv / cv - 1)).toBeLessThan(0.05);
    });
  }
  it('cv=0 is a fixed period', () => {
    const t = times({ process: 'gamma', ratePerS: 4, cv: 0 }, 10);
    expect(t.length).toBe(39);
    expect(t[0]).toBeCloseTo(0.25, 12);
    expect(t[38]).toBeCloseTo(9.75, 9);
  });
});

describe('openArrivals › seeded determinism', () => {
  const specs: ArrivalSpec[] = [
    { process: 'poisson', ratePerS: 10 },
    { process: 'gamma', ratePerS: 10, cv: 3 },
    { process: 'diurnal', meanRatePerS: 10, amplitude: 0.5, periodS: 20 },
    { process: 'onoff', onRatePerS: 30, meanOnS: 2, meanOffS: 3 },
    { process: 'periodic', streams: 7, fps: 15 },
  ];
  for (const spec of specs) {
    it(`${spec.process}: same seed gives the same arrivals, another seed others`, () => {
      const a = times(spec, 100, 42);
      const b = times(spec, 100, 42);
      const c = times(spec, 100, 43);
      expect(a.length).toBeGreaterThan(100);
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(Array.from(c.subarray(0, 50))).not.toEqual(Array.from(a.subarray(0, 50)));
    });
  }
  it('token draws do not shift arrival times', () => {
    const spec: ArrivalSpec = { process: 'poisson', ratePerS: 10 };
    const out: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
    const a = open(spec, 100, 5, FIXED);
    const b = open(spec, 100, 5, { dist: 'lognormal', mean: 500, cv: 2 });
    for (let i = 0; i < 500; i++) {
      expect(a.next(out)).toBe(true);
      const ta = out.timeS;
      expect(b.next(out)).toBe(true);
      expect(out.timeS).toBe(ta);
    }
  });
});

describe('openArrivals › periodic › camera streams', () => {
  it('each stream emits exactly one frame per 1/fps, streams keep their phase', () => {
    const n = 5;
    const fps = 30;
    const t = times({ process: 'periodic', streams: n, fps }, 20);
    expect(t.length).toBe(n * fps * 20);
    let worstGapError = 0;
    let outOfOrder = 0;
    for (let k = 0; k + n < t.length; k++) {
      worstGapError = Math.max(worstGapError, Math.abs(t[k + n]! - t[k]! - 1 / fps));
      if (k > 0 && t[k]! < t[k - 1]!) outOfOrder++;
    }
    expect(worstGapError).toBeLessThan(1e-9);
    expect(outOfOrder).toBe(0);
    // Phases lie within the first period and are not all equal.
    expect(t[n - 1]!).toBeLessThan(1 / fps);
    expect(t[n - 1]! - t[0]!).toBeGreaterThan(0);
  });
});

describe('openArrivals › diurnal › rate shape', () => {
  it('arrivals per phase bin follow mean·(1 + a·sin(2πt/P))', () => {
    const mean = 100;
    const a = 0.6;
    const period = 100;
    const horizon = 4000; // 40 periods, ~400k arrivals
    const t = times({ process: 'diurnal', meanRatePerS: mean, amplitude: a, periodS: period }, horizon);
    expect(Math.abs(t.length / horizon / mean - 1)).toBeLessThan(0.02);
    const bins = 10;
    const counts = new Array<number>(bins).fill(0);
    for (const x of t) counts[Math.floor(((x % period) / period) * bins)]!++;
    for (let b = 0; b < bins; b++) {
      // Expected count: integral of the rate over the bin, times the number of periods.
      const t0 = (b * period) / bins;
      const t1 = ((b + 1) * period) / bins;
      const w = (2 * Math.PI) / period;
      const integral = mean * (t1 - t0) + ((mean * a) / w) * (Math.cos(w * t0) - Math.cos(w * t1));
      const expected = integral * (horizon / period);
      expect(Math.abs(counts[b]! / expected - 1)).toBeLessThan(0.03);
    }
  });
});

describe('openArrivals › onoff › long run', () => {
  it('long-run rate is onRate·on/(on+off) within 2%, and arrivals are burstier than Poisson', () => {
    const t = times({ process: 'onoff', onRatePerS: 200, meanOnS: 1, meanOffS: 3 }, 5000);
    expect(t.length).toBeGreaterThan(200_000);
    expect(Math.abs(t.length / 5000 / 50 - 1)).toBeLessThan(0.02);
    expect(gapStats(t).cv).toBeGreaterThan(1.5);
  });
});

describe('openArrivals › horizon', () => {
  it('never produces an arrival at or after the horizon and stays ended', () => {
    const src = open({ process: 'poisson', ratePerS: 1000 }, 2);
    const out: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
    let last = 0;
    while (src.next(out)) last = out.timeS;
    expect(last).toBeLessThan(2);
    expect(last).toBeGreaterThan(1.9);
    expect(src.next(out)).toBe(false);
  });
});

describe('openArrivals › token sampling › lognormal', () => {
  it('has the given mean and CV (within 2% / 5%), integers ≥ 1, clipped at max', () => {
    const src = open(
      { process: 'poisson', ratePerS: 1000 },
      250,
      9,
      { dist: 'lognormal', mean: 800, cv: 1.5 },
      { dist: 'lognormal', mean: 3, cv: 2, max: 40 },
    );
    const out: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
    let n = 0;
    let s = 0;
    let s2 = 0;
    let minOut = Infinity;
    let maxOut = 0;
    let nonInteger = 0;
    while (src.next(out)) {
      n++;
      s += out.promptTokens;
      s2 += out.promptTokens * out.promptTokens;
      if (!Number.isInteger(out.promptTokens) || out.promptTokens < 1) nonInteger++;
      minOut = Math.min(minOut, out.outputTokens);
      maxOut = Math.max(maxOut, out.outputTokens);
    }
    expect(n).toBeGreaterThan(200_000);
    const mean = s / n;
    const cv = Math.sqrt(s2 / n - mean * mean) / mean;
    expect(Math.abs(mean / 800 - 1)).toBeLessThan(0.02);
    expect(Math.abs(cv / 1.5 - 1)).toBeLessThan(0.05);
    expect(nonInteger).toBe(0);
    expect(minOut).toBe(1);
    expect(maxOut).toBe(40);
  });
  it('uniform covers both ends', () => {
    const src = open({ process: 'poisson', ratePerS: 100 }, 100, 3, { dist: 'uniform', min: 2, max: 4 });
    const out: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
    const seen = new Set<number>();
    while (src.next(out)) seen.add(out.promptTokens);
    expect([...seen].sort()).toEqual([2, 3, 4]);
  });
});
