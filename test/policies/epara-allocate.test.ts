/**
 * EPARA's parallelism allocator (policies/epara/allocate.ts) beyond epara.test.ts: which devices
 * get whole-box shapes, fractional GPU shares, the SLO headroom per sensitivity, and for models
 * no box holds the pipeline candidates: up to 3 disjoint DP chains, leaner chains without one
 * device of the first, and the first chain's devices as a tensor-parallel group. Figures from
 * view-builder: huge = 120 GB over 80 layers; gpu4 holds 86.4 GB, orin 57.6 GB.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceState, PlannedInstance } from '../../policies/index.js';
import { allocate, LATENCY_HEADROOM } from '../../policies/epara/allocate.js';
import { stagesKey } from '../../policies/placement-helpers.js';
import { device, link, service, view } from './view-builder.js';

const onSwitch = (ds: DeviceState[]) =>
  view({ devices: ds, links: ds.map((d) => link(d.id, 's1', 1e10, 0.0001)), services: [] });
const keys = (cs: readonly PlannedInstance[]) => cs.map((c) => stagesKey(c.stages));
const latencyMulti = { sensitivity: 'latency', gpus: 'multi' } as const;
const freqMulti = { sensitivity: 'frequency', gpus: 'multi' } as const;

describe('epara › allocator › whole-box shapes', () => {
  const ds = [
    device('g', 'gpu4'),
    device('o', 'orin'),
    device('p', 'pi'),
    device('f', 'fpga', { memoryBytesPerGpu: 1e12 }),
  ];
  const v = onSwitch(ds);
  it('latency × single › one-GPU replicas where the model has figures and fits; headroom 0.8', () => {
    const a = allocate(v, service('chat'), { sensitivity: 'latency', gpus: 'single' }, ds);
    expect(a.mode).toBe('replica');
    expect(a.degree).toBe(1);
    expect(a.maxRatio).toBe(LATENCY_HEADROOM);
    // The 1 TB fpga would hold it, but chat has no figures there.
    expect(keys(a.candidates)).toEqual(['g[0,32)x1', 'o[0,32)x1', 'p[0,32)x1']);
  });
  it('frequency › smallest degree that fits (40 GB: TP2 on gpu4), none where it fits nowhere; headroom 1', () => {
    const a = allocate(v, service('big'), { sensitivity: 'frequency', gpus: 'single' }, ds);
    expect(a.mode).toBe('data-parallel');
    expect(a.maxRatio).toBe(1);
    expect(keys(a.candidates)).toEqual(['g[0,80)x2', 'o[0,80)x1']);
    expect(a.degree).toBe(2);
  });
  it('latency × multi › full box degree; dead devices offered nothing', () => {
    const withDead = [...ds, device('g2', 'gpu4', { alive: false })];
    const a = allocate(onSwitch(withDead), service('chat'), latencyMulti, withDead);
    expect(a.mode).toBe('tensor-parallel');
    expect(keys(a.candidates)).toEqual(['g[0,32)x4', 'o[0,32)x1', 'p[0,32)x1']);
    expect(a.degree).toBe(4);
    expect(a.maxRatio).toBe(LATENCY_HEADROOM);
  });
  it('GPU shares › each fraction in (0, 1) whose share of one GPU holds the weights, one-GPU shapes only', () => {
    // seg (50 MB) fits any share; chat (4.5 GB) fits ¼ of orin (14.4 GB) but not ¼ of a Pi (1.8 GB) nor ½ (3.6 GB).
    const seg = allocate(v, service('seg'), { sensitivity: 'frequency', gpus: 'single' }, ds, [0, 0.25, 0.5, 1]);
    expect(keys(seg.candidates)).toEqual([
      'g[0,10)x1',
      'g[0,10)x1@0.25',
      'g[0,10)x1@0.5',
      'o[0,10)x1',
      'o[0,10)x1@0.25',
      'o[0,10)x1@0.5',
      'p[0,10)x1',
      'p[0,10)x1@0.25',
      'p[0,10)x1@0.5',
      // seg has figures for the fpga type, and this one has the memory.
      'f[0,10)x1',
      'f[0,10)x1@0.25',
      'f[0,10)x1@0.5',
    ]);
    const chat = allocate(v, service('chat'), { sensitivity: 'latency', gpus: 'single' }, ds, [0.25, 0.5]);
    expect(keys(chat.candidates)).toEqual([
      'g[0,32)x1',
      'g[0,32)x1@0.25',
      'g[0,32)x1@0.5',
      'o[0,32)x1',
      'o[0,32)x1@0.25',
      'o[0,32)x1@0.5',
      'p[0,32)x1',
    ]);
    // A multi-GPU shape is never shared; without fractions nothing is.
    expect(keys(allocate(v, service('chat'), latencyMulti, ds, [0.5]).candidates)).toEqual([
      'g[0,32)x4',
      'o[0,32)x1',
      'p[0,32)x1',
    ]);
    expect(keys(allocate(v, service('seg'), { sensitivity: 'frequency', gpus: 'single' }, ds).candidates)).toEqual([
      'g[0,10)x1',
      'o[0,10)x1',
      'p[0,10)x1',
      'f[0,10)x1',
    ]);
  });
  it('frequency × multi, a model that fits › data-parallel at the smallest degree, not the box’s', () => {
    const a = allocate(v, service('big'), { sensitivity: 'frequency', gpus: 'multi' }, ds);
    expect(a.mode).toBe('data-parallel');
    expect(keys(a.candidates)).toEqual(['g[0,80)x2', 'o[0,80)x1']);
  });
  it('GPU shares › weights over the share’s 0.9 budget (a quarter of orin’s memory) › not offered', () => {
    const o = device('o', 'orin');
    const over = service('chat', { model: { ...service('chat').model, weightBytes: 0.25 * o.memoryBytesPerGpu } });
    expect(
      keys(allocate(onSwitch([o]), over, { sensitivity: 'latency', gpus: 'single' }, [o], [0.25]).candidates),
    ).toEqual(['o[0,32)x1']);
  });
  it('GPU shares › weights exactly at the share’s budget › offered', () => {
    const o = device('o', 'orin');
    const exact = service('chat', {
      model: { ...service('chat').model, weightBytes: 0.25 * o.memoryBytesPerGpu * 0.9 },
    });
    expect(
      keys(allocate(onSwitch([o]), exact, { sensitivity: 'latency', gpus: 'single' }, [o], [0.25]).candidates),
    ).toEqual(['o[0,32)x1', 'o[0,32)x1@0.25']);
  });
});

describe('epara › allocator › pipelines for a model no box holds', () => {
  it('latency › up to 3 disjoint chains (8 boxes could make 4), then TP groups', () => {
    const ds = Array.from({ length: 8 }, (_, i) => device(`g${i}`, 'gpu4'));
    const a = allocate(onSwitch(ds), service('huge'), latencyMulti, ds);
    expect(a.mode).toBe('pipeline');
    const chains = a.candidates.filter((c) => c.stages.every((s) => s.peers === undefined));
    expect(chains).toHaveLength(3);
    const used = chains.flatMap((c) => c.stages.map((s) => s.device));
    expect(new Set(used).size).toBe(used.length);
    for (const c of chains) expect(c.stages.at(-1)!.endLayer).toBe(80);
    expect(a.candidates.filter((c) => c.stages[0]!.peers !== undefined).length).toBeGreaterThan(0);
    expect(a.degree).toBe(2);
  });
  it('objective › latency keeps the most layers on one box (23 + 57), throughput balances them (40 + 40)', () => {
    const ds = [device('g0', 'gpu4'), device('g1', 'gpu4'), device('o0', 'orin')];
    const lat = allocate(onSwitch(ds), service('huge'), latencyMulti, ds);
    const thr = allocate(onSwitch(ds), service('huge'), freqMulti, ds);
    expect(keys(lat.candidates)[0]).toBe('g1[0,23)x4>g0[23,80)x4');
    expect(keys(thr.candidates)[0]).toBe('g1[0,40)x4>g0[40,80)x4');
    expect(thr.maxRatio).toBe(1);
    expect(lat.maxRatio).toBe(LATENCY_HEADROOM);
  });
  it('leaner chains › the 4-orin throughput chain, and the DP again without each of its devices (3 stages)', () => {
    const ds = ['o0', 'o1', 'o2', 'o3'].map((id) => device(id, 'orin'));
    const a = allocate(onSwitch(ds), service('huge'), freqMulti, ds);
    expect(a.degree).toBe(4);
    const chains = a.candidates.filter((c) => c.stages.length > 1);
    expect(chains[0]!.stages.map((s) => s.device)).toEqual(['o3', 'o2', 'o1', 'o0']);
    const leaner = chains.slice(1).map((c) => c.stages.map((s) => s.device));
    expect(leaner).toEqual([
      ['o2', 'o1', 'o0'],
      ['o3', 'o1', 'o0'],
      ['o3', 'o2', 'o0'],
      ['o3', 'o2', 'o1'],
    ]);
  });
  it('TP groups › the first chain’s devices as one group, beside the per-switch ones', () => {
    // Latency: the chain is o2 > o1 > o0 (3 stages; without any one of them still 3: no leaner).
    // Groups: 2 orins cannot hold 60 GB each; all 4 can; and the chain's 3.
    const ds = ['o0', 'o1', 'o2', 'o3'].map((id) => device(id, 'orin'));
    const a = allocate(onSwitch(ds), service('huge'), latencyMulti, ds);
    expect(keys(a.candidates)).toEqual([
      'o2[0,10)x1>o1[10,43)x1>o0[43,80)x1',
      'o0+o1+o2+o3[0,80)x1',
      'o0+o1+o2[0,80)x1',
    ]);
    expect(a.degree).toBe(3);
  });
  it('nothing holds it at all › pipeline mode, no candidates, degree 0', () => {
    const ds = [device('p', 'pi')];
    const a = allocate(onSwitch(ds), service('huge'), latencyMulti, ds);
    expect(a).toEqual({ mode: 'pipeline', degree: 0, candidates: [], maxRatio: LATENCY_HEADROOM });
  });
});
