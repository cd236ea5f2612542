/**
 * The routable-instance cache (policies/routing.ts, keyed by ClusterView.version) and the
 * simulator's version bumps: a cached route must never differ from one computed afresh, through
 * placement, loading, crashes, recoveries and (sync mode) peer timeouts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  POLICIES,
  type ClusterView,
  type InstanceState,
  type NodeView,
  type Policy,
  type PlannedInstance,
  type SyncSpec,
} from '../../policies/index.js';
import { ClassicRouter, routableInstances } from '../../policies/routing.js';
import { loadScenario } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';
import { device as viewDevice, instance, service, view, whole } from '../policies/view-builder.js';
import { device, llmService, scenario } from './fixtures.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The same policy, but every view it sees has no `version`, so nothing is cached. */
function uncached(p: Policy): Policy {
  return {
    name: p.name,
    placementPeriodS: p.placementPeriodS,
    sync: p.sync,
    place: (v, rng) => p.place(v, rng),
    route: (req, v, rng) => {
      const { version: _omit, ...fresh } = v;
      return p.route(req, fresh as NodeView, rng);
    },
  };
}

/** Fixed plan, round-robin over routableInstances (so the cache is exercised), optional sync. */
function fixedPlanRouter(instances: PlannedInstance[], sync?: SyncSpec): Policy {
  const router = new ClassicRouter('round-robin');
  return {
    name: 'fixed-plan-rr',
    placementPeriodS: undefined,
    sync,
    place: () => ({ instances, reason: 'test' }),
    route: (req, v, rng) => router.route(v, req.service, rng),
  };
}

describe('routableInstances › view with a version', () => {
  const devices = [viewDevice('g0', 'gpu4'), viewDevice('g1', 'gpu4')];
  const a: Mutable<InstanceState> = { ...instance('chat#1', 'chat', whole('g1', 32)) };
  const b: Mutable<InstanceState> = { ...instance('chat#0', 'chat', whole('g0', 32)) };
  const v: Mutable<ClusterView> = { ...view({ devices, services: [service('chat')], instances: [a, b] }), version: 1 };

  it('routableInstances › same version › one shared, frozen, id-ordered list', () => {
    const first = routableInstances(v, 'chat');
    expect(first.map((i) => i.id)).toEqual(['chat#0', 'chat#1']);
    expect(routableInstances(v, 'chat')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
  it('routableInstances › state changes and version bumps › list recomputed', () => {
    a.state = 'draining';
    v.version = 2;
    expect(routableInstances(v, 'chat').map((i) => i.id)).toEqual(['chat#0']);
    a.state = 'ready';
    v.version = 3;
    expect(routableInstances(v, 'chat').map((i) => i.id)).toEqual(['chat#0', 'chat#1']);
  });
  it('routableInstances › view without version › computed afresh every call', () => {
    const plain: Mutable<ClusterView> = view({ devices, services: [service('chat')], instances: [a, b] });
    const first = routableInstances(plain, 'chat');
    a.state = 'failed';
    expect(routableInstances(plain, 'chat').map((i) => i.id)).toEqual(['chat#0']);
    expect(first).toHaveLength(2);
    a.state = 'ready';
  });
});

describe('simulate › cached routing › same results as uncached', () => {
  it('simulate › device crashes and recoveries (faults/device-crash, round-robin) › identical result', () => {
    const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scenarios/faults/device-crash.yaml');
    const loaded = loadScenario(file);
    if (!loaded.ok) throw new Error('scenario did not load');
    const sc = { ...loaded.value, horizonS: 410 };
    const withCache = simulate(sc, { policyImpl: POLICIES['round-robin'].create({}) });
    const without = simulate(sc, { policyImpl: uncached(POLICIES['round-robin'].create({})) });
    expect(withCache.totals.failed + withCache.totals.dropped).toBeGreaterThan(0);
    expect(withCache.totals).toEqual(without.totals);
    expect(JSON.stringify(withCache) === JSON.stringify(without)).toBe(true);
  });
  it('simulate › sync mode, crashed peer times out › identical result', () => {
    const whole1 = (d: string) => ({ service: 'chat', stages: [{ device: d, firstLayer: 0, endLayer: 10, gpus: 1 }] });
    const sc = scenario({
      devices: [device('gpu0'), device('gpu1'), device('gpu2')],
      services: [llmService({ arrivals: { process: 'poisson', ratePerS: 8 } })],
      faults: [
        { kind: 'device-crash', device: 'gpu1', atS: 20, recoverAfterS: 15 },
        { kind: 'device-crash', device: 'gpu2', atS: 30, recoverAfterS: null },
      ],
      horizonS: 60,
    });
    const plan = [whole1('gpu0'), whole1('gpu1'), whole1('gpu2')];
    const spec = { periodS: 1, messageBytes: 1000 };
    const withCache = simulate(sc, { policyImpl: fixedPlanRouter(plan, spec) });
    const without = simulate(sc, { policyImpl: uncached(fixedPlanRouter(plan, spec)) });
    expect(withCache.totals.failed).toBeGreaterThan(0);
    expect(withCache.totals).toEqual(without.totals);
    expect(JSON.stringify(withCache) === JSON.stringify(without)).toBe(true);
  });
});
