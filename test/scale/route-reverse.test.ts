/**
 * Issue #15: a route read backwards from the destination's table costs what the source's own
 * table gives, bit for bit — on a tree (unique routes) and on a ring with equal-cost routes
 * (where the reverse must not be used, since tie-breaking is per source).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinkState } from '../../policies/index.js';
import { transferTimeS } from '../../policies/index.js';
import { link } from '../policies/view-builder.js';

/** Fresh link objects each time: a new array is a new cache entry, so tables start empty. */
function ring(n: number, bw: (i: number) => number, lat: (i: number) => number): () => LinkState[] {
  return () => Array.from({ length: n }, (_, i) => link(`n${i}`, `n${(i + 1) % n}`, bw(i), lat(i)));
}

/** The module keeps 8 link snapshots by content: 8 other snapshots evict an equal-content one. */
let flushes = 0;
function flushSignatureCache(): void {
  for (let k = 0; k < 8; k++) transferTimeS([link('x', 'y', 1e9 + ++flushes, 1e-3)], 'x', 'y', 1);
}

describe('reverse routes', () => {
  it('device → ingress after ingress → everything equals a cold query', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 9 }),
        fc.array(fc.constantFrom(1e8, 1e9, 1e10), { minLength: 9, maxLength: 9 }),
        fc.array(fc.constantFrom(1e-4, 1e-3, 2e-3), { minLength: 9, maxLength: 9 }),
        fc.nat(),
        fc.integer({ min: 1, max: 1e6 }),
        (n, bws, lats, pick, bytes) => {
          const make = ring(
            n,
            (i) => bws[i]!,
            (i) => lats[i]!,
          );
          const src = `n${pick % n}`;
          const warm = make();
          // n0's table first (it asks for ≥ 32 destinations, so it builds the full one).
          for (let k = 0; k < 40; k++) for (let i = 0; i < n; i++) transferTimeS(warm, 'n0', `n${i}`, k);
          const viaReverse = transferTimeS(warm, src, 'n0', bytes);
          flushSignatureCache();
          const cold = make();
          expect(viaReverse).toBe(transferTimeS(cold, src, 'n0', bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});
