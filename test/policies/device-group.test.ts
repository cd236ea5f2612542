/**
 * The device-group baseline (policies/baselines/device-group.ts): one instance per LLM service
 * over every alive device of its ingress site, tensor-parallel (1/n of the weights each) or a
 * pipeline (layers in proportion to each device's room), within min(free memory, 0.9 × memory)
 * less what the plan already put there. Pi: 8 GB → 7.2 GB of room; orin 57.6 GB; chat 4.5 GB.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceState } from '../../policies/index.js';
import { POLICIES } from '../../policies/index.js';
import { deviceGroupPlan } from '../../policies/baselines/device-group.js';
import { stagesKey } from '../../policies/placement-helpers.js';
import { device, service, testRng, view } from './view-builder.js';

const GB = 1e9;
const pis = (n: number, o: Partial<DeviceState> = {}) => Array.from({ length: n }, (_, i) => device(`p${i}`, 'pi', o));
const plan = (devices: DeviceState[], services = [service('chat')], mode: 'tp' | 'pp' = 'tp') =>
  deviceGroupPlan(view({ devices, services }), mode);
const keys = (p: ReturnType<typeof plan>) => p.instances.map((i) => `${i.service}:${stagesKey(i.stages)}`);
const llm = (name: string, gb: number, demandRps = 1, layers = 32) =>
  service('chat', { name, demandRps, model: { ...service('chat').model, weightBytes: gb * GB, layers } });

describe('device-group › tensor parallel', () => {
  it('tp › chat over four Pis at the ingress site › root p0 with three peers; the reason names the group', () => {
    const p = plan([...pis(4), device('x', 'pi', { site: 's2' }), device('d', 'pi', { alive: false })]);
    expect(p.instances).toEqual([
      { service: 'chat', stages: [{ device: 'p0', peers: ['p1', 'p2', 'p3'], firstLayer: 0, endLayer: 32, gpus: 1 }] },
    ]);
    expect(p.reason).toBe('device-group: chat→tp over p0+p1+p2+p3');
  });
  it('tp › one device › no peers field', () => {
    expect(plan(pis(1)).instances[0]!.stages).toEqual([{ device: 'p0', firstLayer: 0, endLayer: 32, gpus: 1 }]);
  });
  it('tp › 40 GB over 4 Pis (10 GB each > 7.2) › none; over 6 (6.7 GB each) › one group', () => {
    expect(plan(pis(4), [service('big')])).toEqual({
      instances: [],
      reason: 'device-group: big: the group cannot hold it',
    });
    expect(keys(plan(pis(6), [service('big')]))).toEqual(['big:p0+p1+p2+p3+p4+p5[0,80)x1']);
  });
  it('room › free memory below the weight share binds; so does what an earlier service took', () => {
    // 1 GB free on p3: 4.5/4 = 1.125 GB does not fit.
    expect(plan([...pis(3), device('p3', 'pi', { freeMemoryBytes: 1 * GB })]).instances).toEqual([]);
    // Two 12 GB services over 4 Pis: 3 GB each, twice = 6 GB ≤ 7.2; a third would need 9 GB.
    const p = plan(pis(4), [llm('a', 12, 3), llm('b', 12, 2), llm('c', 12, 1)]);
    expect(p.instances.map((i) => i.service)).toEqual(['a', 'b']);
    expect(p.reason).toContain('c: the group cannot hold it');
  });
  it('site › ingress named by a device id counts that device; no device at the site › all alive ones', () => {
    const ds = [
      device('a', 'pi', { site: 's1' }),
      device('b', 'pi', { site: 's2' }),
      device('c', 'pi', { site: 's3' }),
    ];
    expect(keys(plan(ds, [service('chat', { ingress: 'b' })]))).toEqual(['chat:b[0,32)x1']);
    expect(keys(plan(ds, [service('chat', { ingress: 'nowhere' })]))).toEqual(['chat:a+b+c[0,32)x1']);
    expect(plan([device('a', 'pi', { alive: false })])).toEqual({
      instances: [],
      reason: 'device-group: chat: no alive device',
    });
  });
  it('per-item services › whole on the first device of the site with room', () => {
    const ds = [device('tiny', 'pi', { freeMemoryBytes: 1e6 }), ...pis(2)];
    expect(keys(plan(ds, [service('seg')]))).toEqual(['seg:p0[0,10)x1']);
    expect(plan([device('tiny', 'pi', { freeMemoryBytes: 1e6 })], [service('seg')]).instances).toEqual([]);
  });
});

describe('device-group › pipeline', () => {
  it('pp › four equal Pis › 8 layers each', () => {
    expect(keys(plan(pis(4), [service('chat')], 'pp'))).toEqual(['chat:p0[0,8)x1>p1[8,16)x1>p2[16,24)x1>p3[24,32)x1']);
  });
  it('pp › Pi (7.2 GB) then orin (57.6 GB) › 3 and 29 layers (floor of 32·7.2/64.8)', () => {
    expect(keys(plan([device('p', 'pi'), device('o', 'orin')], [service('chat')], 'pp'))).toEqual([
      'chat:p[0,3)x1>o[3,32)x1',
    ]);
  });
  it('pp › a device with little room still gets one layer; the next never leaves the rest without one', () => {
    // Rooms 0.2, 7.2, 7.2 GB: floor(32·0.2/14.6) = 0 → 1 layer; the middle ends at 16, the last 16 more.
    const ds = [device('a', 'pi', { freeMemoryBytes: 0.2 * GB }), device('b', 'pi'), device('c', 'pi')];
    expect(keys(plan(ds, [llm('m', 4.5, 1, 32)], 'pp'))).toEqual(['m:a[0,1)x1>b[1,16)x1>c[16,32)x1']);
    // A last device with little room: its share of layers must still fit.
    const tail = [device('b', 'pi'), device('a', 'pi', { freeMemoryBytes: 0.1 * GB })];
    expect(plan(tail, [llm('m', 4.5, 1, 32)], 'pp').instances).toEqual([]);
  });
  it('pp › more devices than layers, or too little room in total › none', () => {
    expect(plan(pis(3), [llm('m', 1, 1, 2)], 'pp').instances).toEqual([]);
    expect(plan(pis(4), [service('big')], 'pp').instances).toEqual([]);
    expect(keys(plan(pis(6), [service('big')], 'pp'))).toHaveLength(1);
  });
  it('policy › mode param pp or tp (default)', () => {
    const v = view({ devices: pis(2), services: [service('chat')] });
    expect(keys(POLICIES['device-group'].create({ mode: 'pp' }).place(v, testRng(1)))).toEqual([
      'chat:p0[0,16)x1>p1[16,32)x1',
    ]);
    expect(keys(POLICIES['device-group'].create({}).place(v, testRng(1)))).toEqual(['chat:p0+p1[0,32)x1']);
    expect(POLICIES['device-group'].create({}).name).toBe('device-group');
  });
});
