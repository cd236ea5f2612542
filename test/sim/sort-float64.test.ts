import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from '../../sim/metrics/sort-float64.js';

/** Bit-exact comparison (distinguishes −0 from +0; every NaN equal). */
function bits(a: Float64Array): string[] {
  return Array.from(a, (x) => (Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : String(x)));
}

/**
 * Index of the first element where `a` and `b` differ bit-exactly, −1 when equal. Asserted as a
 * number rather than by diffing the arrays: a failure on 50,000 elements then reports at once
 * (a diff of two such arrays takes minutes, which made a broken sort look like a hang).
 */
function firstDifference(a: Float64Array, b: Float64Array): number {
  const x = bits(a);
  const y = bits(b);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  return x.findIndex((v, i) => v !== y[i]);
}

describe('sortFloat64', () => {
  it('sortFloat64 › arbitrary doubles incl. ±0, ±∞, NaN › same order as Float64Array.prototype.sort', () => {
    fc.assert(
      // size 'max': lengths over the whole range — fast-check's default size stays below the
      // 256 elements where the radix sort takes over from the built-in one.
      fc.property(fc.array(fc.double(), { minLength: 0, maxLength: 2000, size: 'max' }), (xs) => {
        const a = Float64Array.from(xs);
        const b = a.slice().sort();
        sortFloat64(a);
        return firstDifference(a, b) === -1;
      }),
      // No shrinking: shrinking a failing 2000-element array takes over a minute (a broken sort
      // then looks like a hang); the first counterexample is reported as found.
      { numRuns: 200, endOnFailure: true },
    );
  });

  it('sortFloat64 › large latency-like sample with duplicates › matches the built-in sort', () => {
    const a = new Float64Array(50_000);
    let s = 12345;
    for (let i = 0; i < a.length; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      a[i] = i % 7 === 0 ? 0.25 : (s / 2147483648) * 3600 * (i % 3 === 0 ? 1e-3 : 1);
    }
    a[10] = -0;
    a[11] = 0;
    a[12] = NaN;
    a[13] = Infinity;
    a[14] = -1e-300;
    const b = a.slice().sort();
    sortFloat64(a);
    expect(firstDifference(a, b)).toBe(-1);
  });

  it('sortFloat64 › all keys share their high bytes › still sorted (skipped passes)', () => {
    const a = Float64Array.from({ length: 1000 }, (_, i) => 1 + ((i * 7919) % 1000) * 2 ** -52);
    const b = a.slice().sort();
    sortFloat64(a);
    expect(firstDifference(a, b)).toBe(-1);
  });

  it('sortFloat64 › NaNs with the sign bit set › still last, as the built-in sort puts them', () => {
    // 300 values (radix path), every 10th a NaN whose bits are negative (0xFFF8…): keyed as a
    // number it would sort first.
    const a = Float64Array.from({ length: 300 }, (_, i) => 150 - i);
    const view = new DataView(a.buffer);
    for (let i = 0; i < 300; i += 10) {
      view.setUint32(8 * i, 0, true);
      view.setUint32(8 * i + 4, 0xfff80000, true);
    }
    expect(Number.isNaN(a[0]!)).toBe(true);
    sortFloat64(a);
    expect(Array.from(a.subarray(0, 270)).every((x) => !Number.isNaN(x))).toBe(true);
    expect(Array.from(a.subarray(270)).every((x) => Number.isNaN(x))).toBe(true);
    expect(a[0]).toBe(-149);
    expect(a[269]).toBe(149);
  });
});
