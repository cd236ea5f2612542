/**
 * EPARA's scheduler value as planned (policies/epara/scheduler.ts `schedule`): a candidate's
 * capacity is 1 / its bottleneck, discounted by the share of the period a new instance spends
 * loading (weights / load bandwidth, at most 0.9) and weighted 0.05 when it misses the SLO
 * unloaded; the value counts min(target, served) with target = demand × headroom, or 0.001 for a
 * service without demand. One orin: chat's busy time 512/1500 + 128/112 = 1.484 s → 0.6738 req/s.
 */
import { describe, expect, it } from 'vitest';
import { INFEASIBLE_WEIGHT, schedule } from '../../policies/epara/scheduler.js';
import { device, instance, link, service, view, whole } from './view-builder.js';

const opt = { migrationThreshold: 0.1, loadBytesPerS: 1e9, placementPeriodS: 60, demandHeadroom: 1.25 };
const o = [device('o', 'orin')];
const cap = 1 / (512 / 1500 + 128 / 112);
const on = (
  demandRps: number,
  extra: Partial<Parameters<typeof service>[1]> = {},
  instances = [] as ReturnType<typeof instance>[],
) => view({ devices: o, services: [service('chat', { demandRps, ...extra })], instances });

describe('epara › scheduler value', () => {
  it('new instance › capacity less the loading share: 4.5 GB at 1 GB/s is 4.5 s of a 60 s period', () => {
    const r = schedule(on(100), o, opt);
    expect(r.instances).toEqual([{ service: 'chat', stages: whole('o', 32) }]);
    expect(r.value).toBeCloseTo(cap * (1 - 4.5 / 60), 9);
    expect(r).toMatchObject({ kept: 0, loaded: 1, choice: 'keep' });
  });
  it('new instance › at 0.1 GB/s 45 s of 60 lost; a 1 s period caps the loss at 90%', () => {
    expect(schedule(on(100), o, { ...opt, loadBytesPerS: 1e8 }).value).toBeCloseTo(cap * 0.25, 9);
    expect(schedule(on(100), o, { ...opt, placementPeriodS: 1 }).value).toBeCloseTo(cap * 0.1, 9);
  });
  it('existing instance › no loading discount; kept', () => {
    const r = schedule(on(100, {}, [instance('i', 'chat', whole('o', 32))]), o, opt);
    expect(r.value).toBeCloseTo(cap, 9);
    expect(r).toMatchObject({ kept: 1, loaded: 0, choice: 'keep' });
  });
  it('SLO missed unloaded everywhere › placed anyway at weight 0.05 (the service stays reachable)', () => {
    const r = schedule(on(100, { slo: { kind: 'token', ttftS: 1, tpotS: 0.001 } }), o, opt);
    expect(r.instances).toHaveLength(1);
    expect(r.value).toBeCloseTo(cap * (1 - 4.5 / 60) * INFEASIBLE_WEIGHT, 9);
  });
  it('target › demand × headroom (0.1 → 0.125); no demand › presence 0.001', () => {
    expect(schedule(on(0.1), o, opt).value).toBeCloseTo(0.125, 12);
    expect(schedule(on(0), o, opt).value).toBeCloseTo(0.001, 12);
    expect(schedule(on(0.1), o, { ...opt, demandHeadroom: 2 }).value).toBeCloseTo(0.2, 12);
  });
  it('services › category and allocation reported per service', () => {
    const r = schedule(on(1), o, opt);
    expect(r.services.get('chat')).toEqual({
      category: { sensitivity: 'latency', gpus: 'single' },
      allocation: { mode: 'replica', degree: 1 },
    });
  });
  it('usable devices › only those given (and alive) take instances', () => {
    const two = [device('o', 'orin'), device('o2', 'orin')];
    const v = view({ devices: two, services: [service('chat', { demandRps: 100 })] });
    expect(schedule(v, [two[1]!], opt).instances).toEqual([{ service: 'chat', stages: whole('o2', 32) }]);
    expect(schedule(v, [{ ...two[1]!, alive: false }], opt).instances).toEqual([]);
  });
  it('existing instances › pending, loading and ready on usable devices are kept; failed, draining or off-usable are not', () => {
    for (const state of ['pending', 'loading', 'ready'] as const)
      expect(schedule(on(100, {}, [instance('i', 'chat', whole('o', 32), { state })]), o, opt).kept, state).toBe(1);
    for (const state of ['failed', 'draining', 'gone'] as const)
      expect(schedule(on(100, {}, [instance('i', 'chat', whole('o', 32), { state })]), o, opt).kept, state).toBe(0);
    const two = [device('o', 'orin'), device('o2', 'orin')];
    const chain = [
      { device: 'o', firstLayer: 0, endLayer: 16, gpus: 1 },
      { device: 'o2', firstLayer: 16, endLayer: 32, gpus: 1 },
    ];
    const v = view({
      devices: two,
      services: [service('chat', { demandRps: 100 })],
      instances: [instance('i', 'chat', chain)],
    });
    expect(schedule(v, two, opt).kept).toBe(1);
    expect(schedule(v, [two[0]!], opt).kept).toBe(0);
  });
  it('existing instances › pinned in id order: with demand for one, the instance first by id is the one kept', () => {
    const oo = [device('o0', 'orin'), device('o1', 'orin')];
    const v = view({
      devices: oo,
      services: [service('chat', { demandRps: 0.1 })],
      instances: [instance('b', 'chat', whole('o0', 32)), instance('a', 'chat', whole('o1', 32))],
    });
    expect(schedule(v, oo, opt)).toMatchObject({
      instances: [{ service: 'chat', stages: whole('o1', 32) }],
      kept: 1,
      loaded: 0,
    });
  });
  it('unreachable shapes › not candidates: a device the ingress cannot reach gets nothing', () => {
    const two = [device('o', 'orin'), device('far', 'orin')];
    const links = [link('o', 's1', 1e9, 0), link('far', 's9', 1e9, 0)];
    const v = view({ devices: two, links, services: [service('chat', { demandRps: 100 })] });
    expect(schedule(v, two, opt).instances).toEqual([{ service: 'chat', stages: whole('o', 32) }]);
  });
  it('coverage › two services, room for one, equal in size › the first by name', () => {
    const p = [device('p', 'pi')];
    const mk = (name: string) => service('chat', { name, demandRps: 0.1, slo: { kind: 'e2e', e2eS: 1000 } });
    const r = schedule(view({ devices: p, services: [mk('b'), mk('a')] }), p, opt);
    expect(r.instances.map((i) => i.service)).toEqual(['a']);
  });
});
