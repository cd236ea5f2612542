/**
 * Issue #15: EPARA's lazy greedy takes the same candidates, in the same order, as scanning the
 * whole pool every round (the reference below is the scan it replaced), on random pools with many
 * exactly tied scores (identical devices) and fractional shares.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fill, type Candidate } from '../../policies/epara/scheduler.js';
import { device, service } from '../policies/view-builder.js';

function units(c: Candidate): number {
  return c.instance.stages.reduce((a, s) => a + (s.gpuFraction ?? s.gpus), 0);
}

/** The eager greedy: every round, score the whole pool and keep the best by the tie rule. */
function eager(fill: Fill, pool: readonly Candidate[]): void {
  const taken = new Set(fill.chosen.map((c) => c.key));
  for (;;) {
    let best: Candidate | undefined;
    let bestScore = 0;
    for (const c of pool) {
      if (taken.has(c.key)) continue;
      const score = fill.gain(c) / c.memGB;
      const tol = 1e-9 * Math.max(score, bestScore) + 1e-12;
      if (
        score > bestScore + tol ||
        (best !== undefined &&
          score > 0 &&
          Math.abs(score - bestScore) <= tol &&
          (units(c) < units(best) - 1e-12 || (Math.abs(units(c) - units(best)) <= 1e-12 && c.key < best.key)))
      ) {
        best = c;
        bestScore = score;
      }
    }
    if (!best) return;
    fill.take(best);
    taken.add(best.key);
  }
}

describe('lazy greedy', () => {
  it('chooses what the eager scan chooses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(
          fc.record({
            svc: fc.constantFrom('chat', 'seg'),
            dev: fc.nat(),
            cap: fc.constantFrom(1, 2, 5, 10, 10, 20),
            frac: fc.constantFrom(undefined, 0.5, 0.25),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        (nDev, specs, chatDemand, segDemand) => {
          const devices = Array.from({ length: nDev }, (_, i) => device(`d${i}`, i % 3 === 0 ? 'orin' : 'pi'));
          const services = { chat: service('chat'), seg: service('seg') };
          const seen = new Set<string>();
          const pool: Candidate[] = [];
          for (const s of specs) {
            const svc = services[s.svc as 'chat' | 'seg'];
            const d = devices[s.dev % nDev]!;
            const frac = svc.name === 'seg' ? s.frac : undefined;
            const key = `${svc.name}|${d.id}|${frac ?? 1}|${s.cap}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const stages = [
              {
                device: d.id,
                firstLayer: 0,
                endLayer: svc.model.layers,
                gpus: 1,
                ...(frac !== undefined ? { gpuFraction: frac } : {}),
              },
            ];
            pool.push({
              key,
              service: svc,
              instance: { service: svc.name, stages },
              existing: false,
              capacity: s.cap,
              memGB: svc.model.weightBytes / 1e9,
              feasible: true,
            });
          }
          const targets = new Map([
            ['chat', chatDemand],
            ['seg', segDemand],
          ]);
          const a = new Fill(devices, targets);
          a.greedy(pool);
          const b = new Fill(devices, targets);
          eager(b, pool);
          expect(a.chosen.map((c) => c.key)).toEqual(b.chosen.map((c) => c.key));
        },
      ),
      { numRuns: 300 },
    );
  });
});
