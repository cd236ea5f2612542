/**
 * EPARA's GPU sharing: small single-GPU tasks get fractional claims on one accelerator
 * (Stage.gpuFraction), so a light camera stream does not monopolise a board that chat needs too.
 * Figures from view-builder: orin seg 0.02 s a frame, 80 frames/s at its best batch; chat 1.48 s
 * busy per request (0.67 req/s).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterView } from '../../policies/index.js';
import { POLICIES } from '../../policies/index.js';
import { stageTimes } from '../../policies/perf-model.js';
import { allocate } from '../../policies/epara/allocate.js';
import { device, link, service, testRng, view } from './view-builder.js';

const orin = [device('orin0', 'orin')];
const links = [link('orin0', 's1', 1e9, 0.0002)];
const units = (
  plan: { instances: readonly { stages: readonly { gpus: number; gpuFraction?: number; device: string }[] }[] },
  dev: string,
) =>
  plan.instances
    .flatMap((i) => i.stages)
    .filter((s) => s.device === dev)
    .reduce((a, s) => a + (s.gpuFraction ?? s.gpus), 0);

describe('epara › GPU sharing', () => {
  const v: ClusterView = view({
    devices: orin,
    links,
    services: [service('seg', { demandRps: 30 }), service('chat', { demandRps: 0.2 })],
  });

  it('allocate › 50 MB seg on a 64 GB orin › whole, ½ and ¼ shapes; a model over ¼ of the memory gets no ¼ shape', () => {
    const seg = allocate(v, service('seg'), { sensitivity: 'frequency', gpus: 'single' }, orin, [0.25, 0.5]);
    expect(seg.candidates.map((c) => c.stages[0]!.gpuFraction)).toEqual([undefined, 0.25, 0.5]);
    const fat = service('chat', { model: { ...service('chat').model, weightBytes: 20e9 } });
    const chat = allocate(v, fat, { sensitivity: 'latency', gpus: 'single' }, orin, [0.25, 0.5]);
    expect(chat.candidates.map((c) => c.stages[0]!.gpuFraction)).toEqual([undefined, 0.5]);
  });

  it('perf-model › a ½ share › times and busy time doubled (planned at half the accelerator)', () => {
    const whole = stageTimes(service('seg'), orin[0]!, 1, 1, { promptTokens: 0, outputTokens: 1 })!;
    const half = stageTimes(service('seg'), orin[0]!, 1, 1, { promptTokens: 0, outputTokens: 1 }, 0.5)!;
    expect(half.prefillS).toBeCloseTo(2 * whole.prefillS, 12);
    expect(half.busyS).toBeCloseTo(2 * whole.busyS, 12);
  });

  it('place › seg (30 frames/s) and chat (0.2 req/s) on one orin › both planned, ≤ 1 GPU claimed; without sharing chat gets nothing', () => {
    const shared = POLICIES.epara.create({}).place(v, testRng(1));
    expect(shared.instances.map((i) => i.service).sort()).toEqual(['chat', 'seg']);
    expect(shared.instances.find((i) => i.service === 'seg')!.stages[0]!.gpuFraction).toBe(0.5);
    expect(units(shared, 'orin0')).toBeLessThanOrEqual(1);
    const whole = POLICIES.epara.create({ gpu_sharing: false }).place(v, testRng(1));
    expect(whole.instances.map((i) => i.service)).toEqual(['seg']);
  });

  it('place › seg beyond one GPU of a gpu4 box › the rest goes to another device, not a second share beside the first', () => {
    // One GPU of gpu4 serves 500 × 0.309 = 154 frames/s; 160 frames/s (target 200) leaves 46.
    const devices = [device('gpu0', 'gpu4'), device('orin0', 'orin')];
    const plan = POLICIES.epara.create({}).place(
      view({
        devices,
        links: [link('gpu0', 's1', 1e10, 0.0001), ...links],
        services: [service('seg', { demandRps: 160 })],
      }),
      testRng(1),
    );
    const perDevice = new Map<string, number>();
    for (const i of plan.instances)
      for (const s of i.stages) perDevice.set(s.device, (perDevice.get(s.device) ?? 0) + 1);
    expect(Math.max(...perDevice.values())).toBe(1);
    expect([...perDevice.keys()].sort()).toEqual(['gpu0', 'orin0']);
  });
});
