/**
 * Properties every registered policy must keep, over random views (view-builder.randomView):
 * plans fit device memory and use only alive devices, cover each model's layers exactly once;
 * every request is routed to a ready, alive instance of its service or dropped with a reason;
 * the same sequence of calls gives the same decisions.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ClusterView, DropReason, PlacementPlan, Policy, RouteDecision } from '../../policies/index.js';
import { POLICIES, POLICY_NAMES, deviceWeightCapacity, planMemoryByDevice } from '../../policies/index.js';
import { instance, nodeView, randomView, request, testRng } from './view-builder.js';

const DROP_REASONS: readonly DropReason[] = [
  'no-instance',
  'all-devices-down',
  'overloaded',
  'slo-infeasible',
  'stale-view',
];

/** What a host would do with a plan: every planned instance becomes ready (ids p0, p1, …). */
function applyPlan(v: ClusterView, plan: PlacementPlan): ClusterView {
  return {
    ...v,
    now: v.now + 1,
    instances: plan.instances.map((p, i) => instance(`p${i}`, p.service, p.stages, { queued: i % 3, running: i % 2 })),
  };
}

function checkPlan(v: ClusterView, plan: PlacementPlan): void {
  expect(plan.reason.length).toBeGreaterThan(0);
  const byId = new Map(v.devices.map((d) => [d.id, d]));
  for (const inst of plan.instances) {
    const svc = v.services.find((s) => s.name === inst.service);
    expect(svc, `planned service ${inst.service} exists`).toBeDefined();
    let at = 0;
    for (const s of inst.stages) {
      const d = byId.get(s.device);
      expect(d?.alive, `stage on alive device ${s.device}`).toBe(true);
      expect(s.gpus).toBeGreaterThanOrEqual(1);
      expect(s.gpus).toBeLessThanOrEqual(d!.gpus);
      expect(s.firstLayer).toBe(at);
      expect(s.endLayer).toBeGreaterThan(s.firstLayer);
      at = s.endLayer;
    }
    expect(at).toBe(svc!.model.layers);
  }
  for (const [id, bytes] of planMemoryByDevice(v, plan.instances)) {
    expect(bytes, `memory on ${id}`).toBeLessThanOrEqual(deviceWeightCapacity(byId.get(id)!) + 1);
  }
}

function checkRoute(v: ClusterView, service: string, d: RouteDecision): void {
  if (d.kind === 'drop') {
    expect(DROP_REASONS).toContain(d.reason);
    return;
  }
  expect(d.reason.length).toBeGreaterThan(0);
  const inst = v.instances.find((i) => i.id === d.instanceId);
  expect(inst?.state).toBe('ready');
  expect(inst?.service).toBe(service);
  const alive = new Set(v.devices.filter((x) => x.alive).map((x) => x.id));
  for (const s of inst!.stages) expect(alive.has(s.device)).toBe(true);
}

/** One run of a policy over a random view: place, apply, route a few requests; returns all decisions. */
function exercise(policy: Policy, seed: number): unknown[] {
  const rng = testRng(seed ^ 0x5eed);
  const v0 = randomView(seed);
  const plan = policy.place(v0, rng);
  checkPlan(v0, plan);
  const v1 = applyPlan(v0, plan);
  const out: unknown[] = [plan];
  for (let r = 0; r < 6; r++) {
    const svc = v1.services[r % v1.services.length]!;
    const d = policy.route(
      request(svc.name, r, { promptTokens: 64 + 100 * r, outputTokens: 16 + 10 * r }),
      nodeView(v1, r % 2 ? 's1' : 's2'),
      rng,
    );
    checkRoute(v1, svc.name, d);
    out.push(d);
  }
  // A second placement on the applied view exercises keep/move logic.
  const plan2 = policy.place({ ...v1, now: v1.now + 60 }, rng);
  checkPlan(v1, plan2);
  out.push(plan2);
  return out;
}

describe('policies › every registered policy over random views', () => {
  for (const name of POLICY_NAMES) {
    it(`${name} › random clusters › plans fit memory on alive devices and routes are valid`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
          exercise(POLICIES[name].create({}), seed);
        }),
        { numRuns: 25 },
      );
    });

    it(`${name} › same seed › same decisions`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
          const a = exercise(POLICIES[name].create({}), seed);
          const b = exercise(POLICIES[name].create({}), seed);
          expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        }),
        { numRuns: 6 },
      );
    });

    it(`${name} › all devices dead › nothing placed and requests dropped as all-devices-down`, () => {
      const v0 = randomView(7);
      const dead = { ...v0, devices: v0.devices.map((d) => ({ ...d, alive: false })) };
      const policy = POLICIES[name].create({});
      const plan = policy.place(dead, testRng(1));
      expect(plan.instances).toEqual([]);
      const d = policy.route(request(dead.services[0]!.name), nodeView(dead), testRng(2));
      expect(d).toMatchObject({ kind: 'drop', reason: 'all-devices-down' });
    });
  }
});
