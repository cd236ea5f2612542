/**
 * The split cost models: chain-costs.ts (EdgeShard's DP problem: stage, cut, in and out costs per
 * objective, memory limits as Infinity, other services' load as a 1/(1 − u) stretch) and
 * split-latency.ts (adaptive split's predicted latency under load, planned load, and the view with
 * a service's own load taken out). Figures from view-builder: orin runs chat at prefill 1500
 * tok/s, decode 28 tok/s (112 at batch 8); pi at 50 and 2 tok/s; a chat request is 512 + 128 tokens.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceState } from '../../policies/index.js';
import {
  blockBoundary,
  chainProblem,
  dpCandidates,
  fullTensorDegree,
  MAX_BLOCKS,
  toStages,
} from '../../policies/chain-costs.js';
import { MemoryLedger } from '../../policies/memory-ledger.js';
import { addPlannedLoad, deviceLoad, MAX_RHO, predictChain, withoutOwnLoad } from '../../policies/split-latency.js';
import { device, instance, link, service, view, whole } from './view-builder.js';

const GB = 1e9;
const orinChatS = 512 / 1500 + 128 / 28; // prefill + 128 tokens at batch 1, whole model
const orinChatBusyS = 512 / 1500 + 128 / 112;

describe('chain-costs › shapes', () => {
  it('fullTensorDegree › largest power of two ≤ GPUs', () => {
    expect([1, 2, 3, 4, 6, 8, 9].map((g) => fullTensorDegree(device('d', 'gpu4', { gpus: g })))).toEqual([
      1, 2, 2, 4, 4, 8, 8,
    ]);
    expect(fullTensorDegree(device('d', 'gpu4', { gpus: 0 }))).toBe(1);
  });
  it('blockBoundary › rounded layer index of a block start', () => {
    expect([0, 1, 2, 3].map((b) => blockBoundary(80, 24, b))).toEqual([0, 3, 7, 10]);
    expect(blockBoundary(80, 24, 24)).toBe(80);
  });
  it('chainProblem › blocks = min(layers, 24); devices capped at 10; objective sum or max', () => {
    const ds = Array.from({ length: 12 }, (_, i) => device(`o${i}`, 'orin'));
    const v = view({ devices: ds, services: [] });
    const cp = chainProblem(v, service('big'), ds, new MemoryLedger(ds), 'latency');
    expect(cp.blocks).toBe(MAX_BLOCKS);
    expect(cp.problem.layers).toBe(24);
    expect(cp.devices.map((d) => d.id)).toEqual(ds.slice(0, 10).map((d) => d.id));
    expect(cp.problem.devices).toBe(10);
    expect(cp.problem.objective).toBe('sum');
    expect(chainProblem(v, service('seg'), ds, new MemoryLedger(ds), 'throughput').problem.objective).toBe('max');
    expect(chainProblem(v, service('seg'), ds, new MemoryLedger(ds), 'throughput').blocks).toBe(10);
  });
  it('toStages › DP parts back to layer ranges at each device’s full TP degree', () => {
    const ds = [device('g', 'gpu4'), device('o', 'orin')];
    const cp = chainProblem(view({ devices: ds, services: [] }), service('big'), ds, new MemoryLedger(ds), 'latency');
    expect(
      toStages(service('big'), cp, [
        { device: 0, first: 0, end: 3 },
        { device: 1, first: 3, end: 24 },
      ]),
    ).toEqual([
      { device: 'g', firstLayer: 0, endLayer: 10, gpus: 4 },
      { device: 'o', firstLayer: 10, endLayer: 80, gpus: 1 },
    ]);
  });
});

describe('chain-costs › costs', () => {
  const ds = [device('o', 'orin'), device('p', 'pi')];
  const links = [link('o', 's1', 1e9, 0.001), link('p', 's1', 1e8, 0.002)];
  const v = view({ devices: ds, links, services: [] });
  const chat = service('chat');

  it('stageCost › latency: prefill + output tokens at batch 1; throughput: busy time at best batch', () => {
    const lat = chainProblem(v, chat, ds, new MemoryLedger(ds), 'latency').problem;
    const thr = chainProblem(v, chat, ds, new MemoryLedger(ds), 'throughput').problem;
    expect(lat.stageCost(0, 0, 24)).toBeCloseTo(orinChatS, 9);
    expect(lat.stageCost(0, 0, 12)).toBeCloseTo(orinChatS / 2, 9);
    expect(thr.stageCost(0, 0, 24)).toBeCloseTo(orinChatBusyS, 9);
    // Tabulated: asking twice gives the same figure.
    expect(lat.stageCost(0, 0, 12)).toBeCloseTo(orinChatS / 2, 9);
  });
  it('stageCost › weights over what the ledger has left, or over the device’s memory › Infinity', () => {
    const ledger = new MemoryLedger(ds);
    ledger.reserve(chat, [
      { device: 'p', firstLayer: 0, endLayer: 16, gpus: 1 },
      { device: 'p', firstLayer: 0, endLayer: 16, gpus: 1 },
    ]);
    // Pi: 7.2 GB budget − 4.5 GB = 2.7 GB left: 16 layers (12 of 24 blocks, 2.25 GB) fit, 24 (3.375 GB) do not.
    const p = chainProblem(v, chat, ds, ledger, 'latency').problem;
    expect(p.stageCost(1, 0, 12)).toBeCloseTo((0.5 * 512) / 50 + (128 * 0.5) / 2, 9);
    expect(p.stageCost(1, 0, 18)).toBe(Infinity);
    // Device memory (1 GPU × 8 GB × 0.9) binds even with a generous ledger entry: 3 of 80 layers
    // (4.5 GB) fit, 7 (10.5 GB) do not.
    const huge = service('huge');
    const roomy = new MemoryLedger([device('p', 'pi', { memoryBytesPerGpu: 1000 * GB }), ds[0]!]);
    const hp = chainProblem(v, { ...huge, perf: { ...huge.perf, pi: chat.perf['pi']! } }, ds, roomy, 'latency').problem;
    expect(hp.stageCost(1, 0, 1)).toBeLessThan(Infinity);
    expect(hp.stageCost(1, 0, 2)).toBe(Infinity);
  });
  it('stageCost › a device without figures › Infinity', () => {
    const f = [device('f', 'fpga', { memoryBytesPerGpu: 100 * GB })];
    expect(
      chainProblem(view({ devices: f, services: [] }), chat, f, new MemoryLedger(f), 'latency').problem.stageCost(
        0,
        0,
        1,
      ),
    ).toBe(Infinity);
  });
  it('stageCost › others’ load u › stretched by 1/(1 − u), u clamped to [0, 0.99]', () => {
    const at = (u: number) =>
      chainProblem(v, chat, ds, new MemoryLedger(ds), 'latency', new Map([['o', u]])).problem.stageCost(0, 0, 24);
    expect(at(0.5)).toBeCloseTo(2 * orinChatS, 9);
    expect(at(-1)).toBeCloseTo(orinChatS, 9);
    expect(at(5)).toBeCloseTo(orinChatS / (1 - MAX_RHO), 6);
  });
  it('cutCost › latency: prompt activations once + one token’s per output token; throughput: the bottleneck hop', () => {
    const lat = chainProblem(v, chat, ds, new MemoryLedger(ds), 'latency').problem;
    const thr = chainProblem(v, chat, ds, new MemoryLedger(ds), 'throughput').problem;
    const hop = (bytes: number) => 0.001 + (8 * bytes) / 1e9 + 0.002 + (8 * bytes) / 1e8;
    expect(lat.cutCost(0, 1, 3)).toBeCloseTo(hop(512 * 8192) + 128 * hop(8192), 9);
    expect(lat.cutCost(0, 1, 3)).toBeCloseTo(lat.cutCost(0, 1, 5), 12);
    expect(thr.cutCost(0, 1, 3)).toBeCloseTo((8 * 640 * 8192) / 1e8, 9);
    // Segmentation: the frame once, no per-token term.
    const seg = chainProblem(v, service('seg'), ds, new MemoryLedger(ds), 'latency').problem;
    expect(seg.cutCost(1, 0, 3)).toBeCloseTo(hop(1.2e6), 9);
  });
  it('inCost / outCost › latency: transfer; throughput: serialization on the slowest hop', () => {
    const lat = chainProblem(v, chat, ds, new MemoryLedger(ds), 'latency').problem;
    const thr = chainProblem(v, chat, ds, new MemoryLedger(ds), 'throughput').problem;
    expect(lat.inCost(1)).toBeCloseTo(0.002 + (8 * 2048) / 1e8, 12);
    expect(lat.outCost(1)).toBeCloseTo(0.002 + (8 * 4) / 1e8, 12);
    expect(thr.inCost(1)).toBeCloseTo((8 * 2048) / 1e8, 12);
    expect(thr.outCost(1)).toBeCloseTo((8 * 512) / 1e8, 12);
    const seg = chainProblem(v, service('seg'), ds, new MemoryLedger(ds), 'latency').problem;
    expect(seg.outCost(0)).toBeCloseTo(0.001 + (8 * 0.4e6) / 1e9, 12);
  });
});

describe('chain-costs › DP candidates', () => {
  it('dpCandidates › alive, with figures and memory left, fastest first then by id, at most 8', () => {
    const ds: DeviceState[] = [
      device('p2', 'pi'),
      device('o', 'orin'),
      device('p1', 'pi'),
      device('dead', 'gpu4', { alive: false }),
      device('f', 'fpga'),
      device('g', 'gpu4'),
    ];
    expect(dpCandidates(service('chat'), ds, new MemoryLedger(ds)).map((d) => d.id)).toEqual(['g', 'o', 'p1', 'p2']);
    const many = Array.from({ length: 10 }, (_, i) => device(`p${i}`, 'pi'));
    expect(dpCandidates(service('chat'), many, new MemoryLedger(many))).toHaveLength(8);
  });
  it('dpCandidates › segmentation › by 1/item latency; others’ load › only the free share counts', () => {
    const ds = [device('o', 'orin'), device('g', 'gpu4'), device('p', 'pi')];
    expect(dpCandidates(service('seg'), ds, new MemoryLedger(ds)).map((d) => d.id)).toEqual(['g', 'o', 'p']);
    // gpu4 decodes chat at 150 tok/s, orin 28: with gpu4 90% loaded (15 left) orin leads.
    const load = new Map([['g', 0.9]]);
    expect(dpCandidates(service('chat'), ds, new MemoryLedger(ds), load).map((d) => d.id)).toEqual(['o', 'g', 'p']);
  });
  it('dpCandidates › no memory left on a device › left out', () => {
    const ds = [device('o', 'orin'), device('p', 'pi')];
    const ledger = new MemoryLedger(ds);
    ledger.reserve(service('chat', { model: { ...service('chat').model, weightBytes: 7.2 * GB } }), whole('p', 32));
    ledger.reserve(service('chat'), whole('p', 32));
    expect(dpCandidates(service('chat'), ds, ledger).map((d) => d.id)).toEqual(['o']);
  });
});

describe('split-latency', () => {
  const orin = device('o', 'orin');
  it('deviceLoad › max(measured, planned + extra), within [0, 1]', () => {
    expect(deviceLoad(device('o', 'orin', { utilization: 0.3 }), new Map([['o', 0.1]]), 0.1)).toBeCloseTo(0.3, 12);
    expect(deviceLoad(device('o', 'orin', { utilization: 0.3 }), new Map([['o', 0.3]]), 0.1)).toBeCloseTo(0.4, 12);
    expect(deviceLoad(orin, new Map(), 2)).toBe(1);
    expect(deviceLoad(orin, new Map([['o', -1]]))).toBe(0);
  });
  it('predictChain › chat whole on orin, 0.1 rps › compute / (1 − 0.1·busy)', () => {
    const s = service('chat', { demandRps: 0.1 });
    const t = predictChain(view({ devices: [orin], services: [] }), s, whole('o', 32), new Map());
    expect(t).toBeCloseTo(orinChatS / (1 - 0.1 * orinChatBusyS), 9);
    // Negative demand counts as none.
    expect(
      predictChain(
        view({ devices: [orin], services: [] }),
        service('chat', { demandRps: -1 }),
        whole('o', 32),
        new Map(),
      ),
    ).toBeCloseTo(orinChatS, 9);
  });
  it('predictChain › measured utilization above the plan › it stretches; overload capped at 0.99', () => {
    const busy = device('o', 'orin', { utilization: 0.5 });
    const s = service('chat', { demandRps: 0 });
    expect(predictChain(view({ devices: [busy], services: [] }), s, whole('o', 32), new Map())).toBeCloseTo(
      2 * orinChatS,
      9,
    );
    expect(predictChain(view({ devices: [orin], services: [] }), s, whole('o', 32), new Map([['o', 3]]))).toBeCloseTo(
      orinChatS / 0.01,
      6,
    );
  });
  it('predictChain › two stages over links › in + both halves + prompt and per-token cut + out', () => {
    const ds = [orin, device('p', 'pi')];
    const links = [link('o', 's1', 1e9, 0.001), link('p', 's1', 1e8, 0.002)];
    const s = service('chat', { demandRps: 0 });
    const stages = [
      { device: 'o', firstLayer: 0, endLayer: 16, gpus: 1 },
      { device: 'p', firstLayer: 16, endLayer: 32, gpus: 1 },
    ];
    const hop = (bytes: number) => 0.001 + (8 * bytes) / 1e9 + 0.002 + (8 * bytes) / 1e8;
    const want =
      0.001 +
      (8 * 2048) / 1e9 +
      orinChatS / 2 +
      (0.5 * 512) / 50 +
      (0.5 * 128) / 2 +
      hop(512 * 8192) +
      128 * hop(8192) +
      0.002 +
      32 / 1e8;
    expect(predictChain(view({ devices: ds, links, services: [] }), s, stages, new Map())).toBeCloseTo(want, 9);
    const seg = service('seg', { demandRps: 0 });
    const segStages = [
      { device: 'o', firstLayer: 0, endLayer: 5, gpus: 1 },
      { device: 'p', firstLayer: 5, endLayer: 10, gpus: 1 },
    ];
    const segWant = 0.001 + (8 * 1.2e6) / 1e9 + 0.01 + 0.125 + hop(1.2e6) + 0.002 + (8 * 0.4e6) / 1e8;
    expect(predictChain(view({ devices: ds, links, services: [] }), seg, segStages, new Map())).toBeCloseTo(segWant, 9);
  });
  it('predictChain › TP group › the busiest member sets the stretch', () => {
    const ds = [device('a', 'pi'), device('b', 'pi', { utilization: 0.5 })];
    const links = [link('a', 's1', 1e9, 0), link('b', 's1', 1e9, 0)];
    const v = view({ devices: ds, links, services: [] });
    const s = service('chat', { demandRps: 0 });
    const st = [{ device: 'a', peers: ['b'], firstLayer: 0, endLayer: 32, gpus: 1 }];
    const idle = predictChain(
      view({ devices: [device('a', 'pi'), device('b', 'pi')], links, services: [] }),
      s,
      st,
      new Map(),
    );
    // Zero-latency 1 Gb/s links: in (2048 B) and out (4 B) are unchanged, the compute doubles (ρ = 0.5).
    const io = (8 * 2048) / 1e9 + 32 / 1e9;
    expect(predictChain(v, s, st, new Map()) - io).toBeCloseTo(2 * (idle - io), 9);
  });
  it('predictChain › no stages, unknown device, device without figures › Infinity', () => {
    const v = view({ devices: [orin, device('f', 'fpga')], services: [] });
    expect(predictChain(v, service('chat'), [], new Map())).toBe(Infinity);
    expect(predictChain(v, service('chat'), whole('x', 32), new Map())).toBe(Infinity);
    expect(predictChain(v, service('chat'), whole('f', 32), new Map())).toBe(Infinity);
  });
  it('addPlannedLoad › demand × busy per request on every member; unknown device › nothing', () => {
    const ds = [orin, device('o2', 'orin')];
    const v = view({ devices: ds, links: [link('o', 's1', 1e9, 0), link('o2', 's1', 1e9, 0)], services: [] });
    const load = new Map([['o', 0.25]]);
    addPlannedLoad(v, service('chat', { demandRps: 0.1 }), whole('o', 32), load);
    expect(load.get('o')).toBeCloseTo(0.25 + 0.1 * orinChatBusyS, 12);
    addPlannedLoad(v, service('chat', { demandRps: -2 }), whole('o2', 32), load);
    expect(load.get('o2')).toBe(0);
    const before = new Map(load);
    addPlannedLoad(v, service('chat'), whole('zz', 32), load);
    expect(load).toEqual(before);
    const tp = new Map<string, number>();
    addPlannedLoad(
      v,
      service('big', { demandRps: 1 }),
      [{ device: 'o', peers: ['o2'], firstLayer: 0, endLayer: 80, gpus: 1 }],
      tp,
    );
    expect(tp.get('o')).toBeGreaterThan(0);
    expect(tp.get('o2')).toBe(tp.get('o'));
  });
  it('withoutOwnLoad › measured load split by modelled load of the live instances there', () => {
    // orin at 60 %: chat (demand 0.1, busy 1.484 s → 0.148) and seg (30 fps at 1/80 s → 0.375)
    // share it; chat's part 0.148/0.523 is removed.
    const o = device('o', 'orin', { utilization: 0.6 });
    const chat = service('chat', { demandRps: 0.1 });
    const seg = service('seg');
    const v = view({
      devices: [o, device('p', 'pi', { utilization: 0.5 })],
      services: [chat, seg],
      instances: [
        instance('c', 'chat', whole('o', 32)),
        instance('s', 'seg', whole('o', 10)),
        instance('s2', 'seg', whole('p', 10), { state: 'loading' }),
      ],
    });
    const segShare = (30 / 2) * (1 / 80);
    const chatShare = 0.1 * orinChatBusyS;
    const out = withoutOwnLoad(v, chat);
    expect(out.devices[0]!.utilization).toBeCloseTo(0.6 * (1 - chatShare / (chatShare + segShare)), 9);
    expect(out.devices[1]!.utilization).toBe(0.5);
    // From seg's side: orin keeps chat's part, the Pi (seg only) drops to 0.
    const fromSeg = withoutOwnLoad(v, seg);
    expect(fromSeg.devices[0]!.utilization).toBeCloseTo(0.6 * (chatShare / (chatShare + segShare)), 9);
    expect(fromSeg.devices[1]!.utilization).toBeCloseTo(0, 12);
  });
  it('withoutOwnLoad › no modelled load › by instance counts; no live instance of the service › view unchanged', () => {
    const o = device('o', 'orin', { utilization: 0.6 });
    const v = view({
      devices: [o],
      services: [service('chat', { demandRps: 0 }), service('seg', { demandRps: 0 })],
      instances: [
        instance('c', 'chat', whole('o', 32)),
        instance('s', 'seg', whole('o', 10), { state: 'pending' }),
        instance('s2', 'seg', whole('o', 10)),
        instance('x', 'ghost', whole('o', 10)),
        instance('f', 'chat', whole('o', 32), { state: 'failed' }),
      ],
    });
    expect(withoutOwnLoad(v, service('chat', { demandRps: 0 })).devices[0]!.utilization).toBeCloseTo(0.6 * (2 / 3), 12);
    const none = view({
      devices: [o],
      services: [],
      instances: [instance('f', 'chat', whole('o', 32), { state: 'draining' })],
    });
    expect(withoutOwnLoad(none, service('chat'))).toBe(none);
  });
});
