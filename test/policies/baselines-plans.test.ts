/**
 * The simple baselines' plans in detail (cloud-edge even/opt, edge-solo, the static replica plan
 * of the router baselines, byDemand order): which device is "the cloud" and "the edge", the
 * fall-backs when a split does not fit, and the reasons the plans give. Figures in view-builder.
 */
import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../policies/index.js';
import { cloudEdgePlan } from '../../policies/baselines/cloud-edge.js';
import { edgeSoloPlan } from '../../policies/baselines/edge-solo.js';
import { byDemand } from '../../policies/baselines/planned-policy.js';
import { staticEverywherePlan } from '../../policies/baselines/routers.js';
import { stagesKey } from '../../policies/placement-helpers.js';
import { device, link, service, testRng, view } from './view-builder.js';

const GB = 1e9;
const keys = (p: { instances: readonly { stages: Parameters<typeof stagesKey>[0] }[] }) =>
  p.instances.map((i) => stagesKey(i.stages));

describe('baselines › cloud-edge', () => {
  it('cloud › the fastest gpu server (then id); edge › the nearest other device', () => {
    const ds = [
      device('g1', 'gpu4', { gpus: 2 }),
      device('g0', 'gpu4'),
      device('gz', 'gpu4', { alive: false }),
      device('far', 'orin'),
      device('near', 'pi'),
    ];
    const links = [
      link('g0', 's1', 1e10, 0.0001),
      link('g1', 's1', 1e10, 0.0001),
      link('near', 's1', 1e9, 0.0001),
      link('far', 's1', 1e9, 0.01),
    ];
    const p = cloudEdgePlan(view({ devices: ds, links, services: [service('chat')] }), 'even');
    // Same figures for both gpu4 boxes (whole-box perf): the tie goes to g0 by id.
    expect(keys(p)).toEqual(['near[0,16)x1>g0[16,32)x4']);
    expect(p.reason).toBe('cloud-edge-even: chat: near[0,16)>g0[16,32)');
    // A faster server type (decode 300 tok/s against 150) wins whatever its id.
    const chat = service('chat');
    const fast = service('chat', { perf: { ...chat.perf, gpu4b: { ...chat.perf['gpu4']!, decodeTokPerS: 300 } } });
    const withFast = ds.map((d) => (d.id === 'g1' ? { ...d, type: 'gpu4b' } : d));
    expect(keys(cloudEdgePlan(view({ devices: withFast, links, services: [fast] }), 'even'))).toEqual([
      'near[0,16)x1>g1[16,32)x2',
    ]);
  });
  it('even › the nearest edge cannot hold its half › the next edge; none can › the cloud alone; no cloud › nothing', () => {
    // big: 40 GB, half = 20 GB: not on the Pi (7.2 GB), on the orin (57.6 GB).
    const ds = [device('g0', 'gpu4'), device('pi0', 'pi'), device('orin0', 'orin')];
    const links = [link('g0', 's1', 1e10, 0.0001), link('pi0', 's1', 1e9, 0.0001), link('orin0', 's1', 1e9, 0.001)];
    expect(keys(cloudEdgePlan(view({ devices: ds, links, services: [service('big')] }), 'even'))).toEqual([
      'orin0[0,40)x1>g0[40,80)x4',
    ]);
    const noOrin = ds.filter((d) => d.id !== 'orin0');
    expect(keys(cloudEdgePlan(view({ devices: noOrin, links, services: [service('big')] }), 'even'))).toEqual([
      'g0[0,80)x4',
    ]);
    const noCloud = cloudEdgePlan(view({ devices: ds.slice(1), links, services: [service('big')] }), 'even');
    expect(noCloud).toEqual({ instances: [], reason: 'cloud-edge-even: big: no cloud/edge split fits' });
  });
  it('opt › no edge device › the cloud alone; the cloud full › nothing', () => {
    const g = [device('g0', 'gpu4')];
    expect(keys(cloudEdgePlan(view({ devices: g, services: [service('chat')] }), 'opt'))).toEqual(['g0[0,32)x4']);
    const full = service('chat', { model: { ...service('chat').model, weightBytes: 100 * GB } });
    expect(cloudEdgePlan(view({ devices: g, services: [full] }), 'opt').instances).toEqual([]);
  });
  it('opt › services by demand › the first takes the memory the second would need', () => {
    // Two 50 GB models on one gpu4 (86.4 GB): only the busier one is placed.
    const m = (name: string, demandRps: number) =>
      service('chat', { name, demandRps, model: { ...service('chat').model, weightBytes: 50 * GB } });
    const p = cloudEdgePlan(view({ devices: [device('g0', 'gpu4')], services: [m('a', 1), m('b', 3)] }), 'opt');
    expect(p.instances.map((i) => i.service)).toEqual(['b']);
    expect(p.reason).toBe('cloud-edge-opt: b: g0[0,32); a: no cloud/edge split fits');
  });
  it('policies › names and their plans', () => {
    const v = view({ devices: [device('g0', 'gpu4'), device('o', 'orin')], services: [service('chat')] });
    for (const n of ['cloud-edge-even', 'cloud-edge-opt', 'edge-solo'] as const) {
      const p = POLICIES[n].create({});
      expect(p.name).toBe(n);
      expect(p.place(v, testRng(1)).reason.startsWith(n)).toBe(true);
    }
  });
});

describe('baselines › edge-solo', () => {
  it('only gpu servers › they count as the edge; a multi-GPU box at its full degree', () => {
    const p = edgeSoloPlan(view({ devices: [device('g0', 'gpu4')], services: [service('chat')] }));
    expect(keys(p)).toEqual(['g0[0,32)x4']);
    expect(p.reason).toBe('edge-solo: chat→g0');
  });
  it('the best edge by e2e; a dead one never; memory taken by a busier service first', () => {
    const ds = [device('p', 'pi'), device('o', 'orin'), device('o2', 'orin', { alive: false }), device('g', 'gpu4')];
    const mid = (name: string, demandRps: number) =>
      service('chat', { name, demandRps, model: { ...service('chat').model, weightBytes: 40 * GB } });
    const p = edgeSoloPlan(
      view({ devices: ds, services: [mid('a', 1), mid('b', 2), service('chat', { demandRps: 0.5 })] }),
    );
    expect(p.instances.map((i) => `${i.service}:${stagesKey(i.stages)}`)).toEqual(['b:o[0,32)x1', 'chat:o[0,32)x1']);
    expect(p.reason).toBe('edge-solo: b→o, a: fits no edge device, chat→o');
  });
});

describe('baselines › static replicas and order', () => {
  it('staticEverywherePlan › one replica per alive device with figures at the smallest degree, while memory lasts', () => {
    const ds = [
      device('g', 'gpu4'),
      device('o', 'orin', { alive: false }),
      device('p', 'pi'),
      device('f', 'fpga', { memoryBytesPerGpu: 1e12 }),
    ];
    const plan = staticEverywherePlan(view({ devices: ds, services: [service('big'), service('chat')] }));
    expect(plan.map((i) => `${i.service}:${stagesKey(i.stages)}`)).toEqual([
      'big:g[0,80)x2',
      'chat:g[0,32)x1',
      'chat:p[0,32)x1',
    ]);
    // A second 40 GB service still fits gpu4 (86.4 GB); a third does not.
    const b = (name: string) => service('big', { name });
    const three = staticEverywherePlan(view({ devices: [device('g', 'gpu4')], services: [b('x'), b('y'), b('z')] }));
    expect(three.map((i) => i.service)).toEqual(['x', 'y']);
  });
  it('router policies › static plan with its reason; names', () => {
    const v = view({ devices: [device('p', 'pi')], services: [service('chat')] });
    for (const n of ['round-robin', 'least-loaded', 'power-of-two'] as const) {
      const p = POLICIES[n].create({});
      expect(p.name).toBe(n);
      expect(p.placementPeriodS).toBeUndefined();
      expect(p.place(v, testRng(1))).toEqual({
        instances: [{ service: 'chat', stages: [{ device: 'p', firstLayer: 0, endLayer: 32, gpus: 1 }] }],
        reason: 'static: one replica per fitting device',
      });
    }
  });
  it('byDemand › highest demand first, then name', () => {
    const s = [
      { name: 'b', demandRps: 1 },
      { name: 'c', demandRps: 2 },
      { name: 'a', demandRps: 1 },
      { name: 'a', demandRps: 1 },
    ];
    expect(byDemand(s).map((x) => x.name)).toEqual(['c', 'a', 'a', 'b']);
    expect(s.map((x) => x.name)).toEqual(['b', 'c', 'a', 'a']);
  });
});
