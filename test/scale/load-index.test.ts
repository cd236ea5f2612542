/**
 * Issue #15: the least-loaded index gives the scan's answer (least load, first in id order) at
 * every decision of a real run, and a tournament tree agrees with a scan under random updates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  POLICIES,
  type ClusterView,
  type NodeView,
  type Policy,
  type RequestInfo,
  type Rng,
} from '../../policies/index.js';
import { MinTree } from '../../policies/load-tree.js';
import { leastLoaded, routableInstances } from '../../policies/routing.js';
import { fleetScenario } from '../../scenarios/fleet.js';
import { validateScenarioObject } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';

function fleet(sites: number, policy: string, horizonS = 20) {
  const r = validateScenarioObject(fleetScenario({ sites, policy, horizonS }), 'fleet');
  if (!r.ok) throw new Error('fleet scenario invalid');
  return r.value;
}

describe('MinTree', () => {
  it('agrees with a left-to-right scan (first least) under random key changes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 5 })), { maxLength: 60 }),
        (init, changes) => {
          const keys = [...init];
          const t = new MinTree(keys.length);
          t.fill((k) => keys[k]!);
          for (const [p, v] of changes) {
            const pos = p % keys.length;
            keys[pos] = v;
            t.set(pos, v);
            let best = 0;
            for (let k = 1; k < keys.length; k++) if (keys[k]! < keys[best]!) best = k;
            expect(t.argmin()).toBe(best);
          }
        },
      ),
    );
  });
});

describe('host load index', () => {
  it('answers every least-loaded decision of a 64-device run as the scan does', () => {
    const inner = POLICIES['least-loaded'].create({});
    let checked = 0;
    const policy: Policy = {
      name: inner.name,
      placementPeriodS: inner.placementPeriodS,
      sync: inner.sync,
      place: (view: ClusterView, rng: Rng) => inner.place(view, rng),
      route: (req: RequestInfo, view: NodeView, rng: Rng) => {
        expect(view.loadIndex).toBeDefined();
        const ready = routableInstances(view, req.service);
        if (ready.length > 0) {
          expect(view.loadIndex!.leastLoaded(view, req.service)).toBe(leastLoaded(ready));
          checked++;
        }
        return inner.route(req, view, rng);
      },
    };
    const withIndex = simulate(fleet(8, 'least-loaded'), { policyImpl: policy });
    expect(checked).toBeGreaterThan(3000);
    expect(withIndex.totals.offered).toBe(checked + withIndex.totals.dropped);
  });

  it('is not offered to a policy that syncs (its views hold copies, not live objects)', () => {
    const inner = POLICIES.epara.create({});
    let seen = 0;
    const policy: Policy = {
      name: inner.name,
      placementPeriodS: inner.placementPeriodS,
      sync: inner.sync,
      place: (view, rng) => inner.place(view, rng),
      route: (req, view, rng) => {
        if (view.loadIndex !== undefined) seen++;
        return inner.route(req, view, rng);
      },
    };
    simulate(fleet(2, 'epara', 5), { policyImpl: policy });
    expect(seen).toBe(0);
  });
});
