import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from '../../sim/metrics/sort-float64.js';

/** Bit-exact comparison (distinguishes −0 from +0; every NaN equal). */
function bits(a: Float64Array): string[] {
  return Array.from(a, (x) => (Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : String(x)));
}

describe('sortFloat64', () => {
  it('sortFloat64 › arbitrary doubles incl. ±0, ±∞, NaN › same order as Float64Array.prototype.sort', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { minLength: 0, maxLength: 2000 }), (xs) => {
        const a = Float64Array.from(xs);
        const b = a.slice().sort();
        sortFloat64(a);
        expect(bits(a)).toEqual(bits(b));
      }),
      { numRuns: 200 },
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
    expect(bits(a)).toEqual(bits(b));
  });

  it('sortFloat64 › all keys share their high bytes › still sorted (skipped passes)', () => {
    const a = Float64Array.from({ length: 1000 }, (_, i) => 1 + ((i * 7919) % 1000) * 2 ** -52);
    const b = a.slice().sort();
    sortFloat64(a);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
