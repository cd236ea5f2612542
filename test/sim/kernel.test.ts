import { describe, expect, it } from 'vitest';
import { EventKernel, rngStream } from '../../sim/kernel/index.js';
import { erlangCMeanWait, simulateMmc } from '../../sim/queueing/mmc.js';

function recorder() {
  const kernel = new EventKernel(4);
  const log: string[] = [];
  const LOG = kernel.register((p) => {
    log.push(`${kernel.now}:${p}`);
  });
  return { kernel, log, LOG };
}

describe('kernel › ordering', () => {
  it('kernel › events at different times › run in time order', () => {
    const { kernel, log, LOG } = recorder();
    kernel.schedule(3, LOG, 3);
    kernel.schedule(1, LOG, 1);
    kernel.schedule(2, LOG, 2);
    kernel.run();
    expect(log).toEqual(['1:1', '2:2', '3:3']);
  });

  it('kernel › equal times › lower priority first, then insertion order (seq)', () => {
    const { kernel, log, LOG } = recorder();
    kernel.schedule(1, LOG, 10, 5);
    kernel.schedule(1, LOG, 11, 0);
    kernel.schedule(1, LOG, 12, 5);
    kernel.schedule(1, LOG, 13, 0);
    kernel.run();
    expect(log).toEqual(['1:11', '1:13', '1:10', '1:12']);
  });

  it('kernel › zero-delay event › is queued, not run inline', () => {
    const kernel = new EventKernel();
    const log: number[] = [];
    const B = kernel.register((p) => {
      log.push(p);
    });
    const A = kernel.register((p) => {
      kernel.schedule(0, B, p + 100);
      log.push(p);
    });
    kernel.schedule(0, A, 1);
    kernel.schedule(0, B, 2);
    kernel.run();
    expect(log).toEqual([1, 2, 101]);
  });

  it('kernel › many random events with growth › pop in (time, seq) order', () => {
    const kernel = new EventKernel(2);
    const rng = rngStream(7, 'test');
    const seen: Array<[number, number]> = [];
    const H = kernel.register((p) => {
      seen.push([kernel.now, p]);
    });
    for (let i = 0; i < 5000; i++) kernel.schedule(Math.floor(rng.next() * 100), H, i);
    kernel.run();
    expect(seen).toHaveLength(5000);
    for (let i = 1; i < seen.length; i++) {
      const [t0, p0] = seen[i - 1]!;
      const [t1, p1] = seen[i]!;
      expect(t1 > t0 || (t1 === t0 && p1 > p0)).toBe(true);
    }
  });

  it('kernel › scheduling in the past › throws', () => {
    const { kernel, LOG } = recorder();
    kernel.schedule(5, LOG);
    kernel.run();
    expect(() => kernel.scheduleAt(1, LOG)).toThrow(/before now/);
  });

  it('kernel › handler returning a value (e.g. a promise) › is refused', () => {
    const kernel = new EventKernel();
    const bad = kernel.register((async () => undefined) as unknown as (p: number) => void);
    kernel.schedule(1, bad);
    expect(() => kernel.run()).toThrow(/must be synchronous/);
  });
});

describe('kernel › cancel', () => {
  it('kernel › cancelled event › never runs and cancel reports it once', () => {
    const { kernel, log, LOG } = recorder();
    kernel.schedule(1, LOG, 1);
    const h = kernel.schedule(2, LOG, 2);
    kernel.schedule(3, LOG, 3);
    expect(kernel.cancel(h)).toBe(true);
    expect(kernel.cancel(h)).toBe(false);
    kernel.run();
    expect(log).toEqual(['1:1', '3:3']);
  });

  it('kernel › stale handle after the slot is reused › does not cancel the new event', () => {
    const { kernel, log, LOG } = recorder();
    const h = kernel.schedule(1, LOG, 1);
    kernel.run();
    kernel.schedule(1, LOG, 2); // likely reuses the freed slot
    expect(kernel.cancel(h)).toBe(false);
    kernel.run();
    expect(log).toEqual(['1:1', '2:2']);
  });
});

describe('kernel › runUntil', () => {
  it('kernel › runUntil › runs events up to and including the bound, clock ends at the bound', () => {
    const { kernel, log, LOG } = recorder();
    kernel.schedule(1, LOG, 1);
    kernel.schedule(2, LOG, 2);
    kernel.schedule(2.5, LOG, 3);
    kernel.runUntil(2);
    expect(log).toEqual(['1:1', '2:2']);
    expect(kernel.now).toBe(2);
    expect(kernel.pending).toBe(1);
    kernel.runUntil(10);
    expect(log).toEqual(['1:1', '2:2', '2.5:3']);
    expect(kernel.now).toBe(10);
  });
});

describe('kernel › analytic queues', () => {
  // ρ = 0.5 keeps the estimator's asymptotic variance small: for M/M/1 the sample mean of
  // n waits has sd ≈ sqrt(29/n) (Whitt's asymptotic variance), 0.38% at n = 2e6, so a 2%
  // tolerance is > 5 standard errors. The average over 2 seeds tightens it further.
  it('kernel › M/M/1 at ρ=0.5 › mean wait within 2% of ρ/(μ−λ)', () => {
    const lambda = 0.5;
    const mu = 1;
    const analytic = lambda / mu / (mu - lambda);
    let sum = 0;
    for (const seed of [1, 2]) {
      const r = simulateMmc(lambda, mu, 1, 2_000_000, rngStream(seed, 'arrivals'), rngStream(seed, 'service'));
      sum += r.meanWait;
    }
    const mean = sum / 2;
    expect(Math.abs(mean - analytic) / analytic).toBeLessThan(0.02);
  });

  it('kernel › M/M/3 at ρ=0.6 › mean wait within 2% of Erlang C', () => {
    const lambda = 1.8;
    const mu = 1;
    const analytic = erlangCMeanWait(lambda, mu, 3);
    let sum = 0;
    for (const seed of [3, 4]) {
      const r = simulateMmc(lambda, mu, 3, 2_000_000, rngStream(seed, 'arrivals'), rngStream(seed, 'service'));
      sum += r.meanWait;
    }
    expect(Math.abs(sum / 2 - analytic) / analytic).toBeLessThan(0.02);
  });

  it('kernel › Erlang C with c=1 › reduces to the M/M/1 formula', () => {
    expect(erlangCMeanWait(0.9, 1, 1)).toBeCloseTo(9, 10);
  });
});

describe('rng › streams', () => {
  it('rng › same seed and name › same draws; other name › other draws', () => {
    const a = rngStream(1, 'arrivals:chat');
    const b = rngStream(1, 'arrivals:chat');
    const c = rngStream(1, 'arrivals:seg');
    const xs = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
  });

  it('rng › distributions › sample means match their analytic means', () => {
    const r = rngStream(11, 'dist');
    const n = 200_000;
    let e = 0,
      g = 0,
      gs = 0,
      ln = 0;
    for (let i = 0; i < n; i++) {
      e += r.exponential(2);
      g += r.gamma(3, 2);
      gs += r.gamma(0.5, 2);
      ln += r.lognormal(0, 0.5);
    }
    expect(e / n).toBeCloseTo(0.5, 2);
    expect(g / n / 6).toBeGreaterThan(0.99);
    expect(g / n / 6).toBeLessThan(1.01);
    expect(Math.abs(gs / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(ln / n - Math.exp(0.125))).toBeLessThan(0.01);
  });

  it('rng › zipf › rank 1 is the most frequent and frequencies follow k^-s', () => {
    const r = rngStream(5, 'zipf');
    const counts = new Array(11).fill(0) as number[];
    for (let i = 0; i < 100_000; i++) counts[r.zipf(10, 1)]!++;
    const h10 = Array.from({ length: 10 }, (_, k) => 1 / (k + 1)).reduce((s, x) => s + x, 0);
    expect(counts[1]! / 100_000).toBeCloseTo(1 / h10, 2);
    expect(counts[2]! / 100_000).toBeCloseTo(0.5 / h10, 2);
    expect(counts[0]).toBe(0);
  });
});
