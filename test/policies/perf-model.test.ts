/**
 * The planning estimates (policies/perf-model.ts) on view-builder's figures, worked by hand:
 * orin (1 GPU, no TP) runs chat at prefill 1500 tok/s, decode 28 tok/s, 112 tok/s at batch 8;
 * gpu4 is a 4-GPU NVLink box (TP efficiency 0.9 per doubling); a chat request is 512 + 128 tokens.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceState } from '../../policies/index.js';
import {
  deviceNode,
  placedStageTimes,
  estimateChain,
  findDevice,
  meanWork,
  perfOn,
  requestBytes,
  sloRatio,
  stageShare,
  stageTimes,
  stageWeightBytes,
  tpScale,
} from '../../policies/perf-model.js';
import { device, link, service, view, whole } from './view-builder.js';
import { syncSeconds } from '../../policies/tp-sync.js';

const work = { promptTokens: 512, outputTokens: 128 };
const orin = device('orin0', 'orin');
const gpu = device('gpu0', 'gpu4');

describe('perf-model › device figures', () => {
  it('tpScale › NVLink 4-GPU box › g·0.9^log2(g) / (4·0.81)', () => {
    expect(tpScale(gpu, 4)).toBeCloseTo(1, 12);
    expect(tpScale(gpu, 2)).toBeCloseTo((2 * 0.9) / 3.24, 12);
    expect(tpScale(gpu, 1)).toBeCloseTo(1 / 3.24, 12);
    expect(tpScale(gpu, 0)).toBe(0);
  });
  it('tpScale › PCIe 2-GPU box (0.75 per doubling) and a 1-GPU board', () => {
    const pcie = device('p', 'gpu4', { gpus: 2, intraNode: 'pcie' });
    expect(tpScale(pcie, 1)).toBeCloseTo(1 / 1.5, 12);
    expect(tpScale(pcie, 2)).toBeCloseTo(1, 12);
    expect(tpScale(orin, 1)).toBe(1);
    expect(tpScale(device('z', 'orin', { gpus: 0 }), 1)).toBe(1);
  });
  it('perfOn › no figures, or zero speeds › undefined; usable figures › returned', () => {
    expect(perfOn(service('chat'), device('f', 'fpga'))).toBeUndefined();
    expect(perfOn(service('chat'), orin)?.prefillTokPerS).toBe(1500);
    const chat = service('chat');
    const noPrefill = service('chat', { perf: { orin: { ...chat.perf['orin']!, prefillTokPerS: 0 } } });
    const noDecode = service('chat', { perf: { orin: { ...chat.perf['orin']!, decodeTokPerS: 0 } } });
    expect(perfOn(noPrefill, orin)).toBeUndefined();
    expect(perfOn(noDecode, orin)).toBeUndefined();
    const seg = service('seg');
    expect(perfOn(seg, orin)?.itemLatencyS).toBe(0.02);
    // A segmentation model reads item latency only (its token speeds are 0).
    expect(perfOn(service('seg', { perf: { orin: { ...seg.perf['orin']!, itemLatencyS: 0 } } }), orin)).toBeUndefined();
  });
  it('meanWork › output tokens at least 1', () => {
    expect(meanWork(service('chat'))).toEqual({ promptTokens: 512, outputTokens: 128 });
    expect(meanWork(service('seg'))).toEqual({ promptTokens: 0, outputTokens: 1 });
  });
  it('stageShare / stageWeightBytes › a quarter of chat’s 32 layers › 1.125 GB', () => {
    expect(stageShare(service('chat'), { firstLayer: 8, endLayer: 16 })).toBe(0.25);
    expect(stageWeightBytes(service('chat'), { firstLayer: 8, endLayer: 16 })).toBe(1.125e9);
  });
  it('requestBytes › LLM: 4-byte token ids in and out, activations of all tokens at a cut; seg: frames', () => {
    expect(requestBytes(service('chat'), work)).toEqual({ inB: 2048, outB: 512, cutB: 640 * 8192 });
    expect(requestBytes(service('seg'), work)).toEqual({ inB: 1.2e6, outB: 0.4e6, cutB: 1.2e6 });
  });
});

describe('perf-model › stage times', () => {
  it('stageTimes › half of chat on orin › prefill, batch-1 and full-batch TPOT, busy time', () => {
    const t = stageTimes(service('chat'), orin, 0.5, 1, work)!;
    expect(t.prefillS).toBeCloseTo((0.5 * 512) / 1500, 12);
    expect(t.tpotBatch1S).toBeCloseTo(0.5 / 28, 12);
    expect(t.tpotFullS).toBeCloseTo((0.5 * 8) / 112, 12);
    expect(t.busyS).toBeCloseTo((0.5 * 512) / 1500 + (0.5 * 128) / 112, 12);
  });
  it('stageTimes › one GPU of gpu4 › figures scaled by 1/3.24', () => {
    const t = stageTimes(service('chat'), gpu, 1, 1, work)!;
    expect(t.prefillS).toBeCloseTo((512 / 20000) * 3.24, 12);
    expect(t.tpotBatch1S).toBeCloseTo((1 / 150) * 3.24, 12);
  });
  it('stageTimes › no batched figure › the batch-1 speed stands in', () => {
    const chat = service('chat');
    const s = service('chat', { perf: { orin: { ...chat.perf['orin']!, decodeTokPerSAtMaxBatch: 0 } } });
    const t = stageTimes(s, orin, 1, 1, work)!;
    expect(t.tpotFullS).toBeCloseTo(8 / 28, 12);
    expect(t.busyS).toBeCloseTo(512 / 1500 + 128 / 28, 12);
  });
  it('stageTimes › batched figure faster than the batch allows › full-batch TPOT never below batch 1', () => {
    const chat = service('chat');
    const s = service('chat', { perf: { orin: { ...chat.perf['orin']!, decodeTokPerSAtMaxBatch: 1e6, maxBatch: 0 } } });
    const t = stageTimes(s, orin, 1, 1, work)!;
    expect(t.tpotFullS).toBeCloseTo(1 / 28, 12);
    expect(t.busyS).toBeCloseTo(512 / 1500 + 128 / 1e6, 12);
  });
  it('stageTimes › gpuFraction › ½ doubles every time; clamped to [0.001, 1]', () => {
    const one = stageTimes(service('chat'), orin, 1, 1, work)!;
    const half = stageTimes(service('chat'), orin, 1, 1, work, 0.5)!;
    expect(half.prefillS).toBeCloseTo(2 * one.prefillS, 12);
    expect(half.tpotBatch1S).toBeCloseTo(2 * one.tpotBatch1S, 12);
    expect(half.busyS).toBeCloseTo(2 * one.busyS, 12);
    expect(stageTimes(service('chat'), orin, 1, 1, work, 3)!.prefillS).toBeCloseTo(one.prefillS, 12);
    expect(stageTimes(service('chat'), orin, 1, 1, work, 0)!.prefillS).toBeCloseTo(1000 * one.prefillS, 9);
  });
  it('stageTimes › segmentation › item latency, no token times, busy 1/items-per-s at max batch', () => {
    const t = stageTimes(service('seg'), orin, 0.5, 1, work)!;
    expect(t).toEqual({ prefillS: 0.01, tpotBatch1S: 0, tpotFullS: 0, busyS: 0.5 / 80 });
    const seg = service('seg');
    const noBatch = service('seg', { perf: { orin: { ...seg.perf['orin']!, itemsPerSAtMaxBatch: 0 } } });
    expect(stageTimes(noBatch, orin, 1, 1, work)!.busyS).toBeCloseTo(0.02, 12);
  });
  it('stageTimes › no figures › undefined', () => {
    expect(stageTimes(service('chat'), device('f', 'fpga'), 1, 1, work)).toBeUndefined();
  });
});

describe('perf-model › device lookup', () => {
  it('findDevice › by id, first match; follows swaps, pushes and pops of the same array', () => {
    const ds: DeviceState[] = [device('a', 'pi'), device('b', 'orin'), device('a', 'gpu4')];
    expect(findDevice(ds, 'a')?.type).toBe('pi');
    expect(findDevice(ds, 'b')?.type).toBe('orin');
    expect(findDevice(ds, 'c')).toBeUndefined();
    [ds[0], ds[1]] = [ds[1]!, ds[0]!];
    expect(findDevice(ds, 'b')).toBe(ds[0]);
    expect(findDevice(ds, 'a')).toBe(ds[1]);
    ds.push(device('c', 'pi'));
    expect(findDevice(ds, 'c')).toBe(ds[3]);
    ds.splice(0, 2);
    expect(findDevice(ds, 'b')).toBeUndefined();
    expect(findDevice(ds, 'a')?.type).toBe('gpu4');
    ds.length = 0;
    expect(findDevice(ds, 'c')).toBeUndefined();
  });
  it('deviceNode › a device the links name › itself; otherwise its site', () => {
    const links = [link('orin0', 's1', 1e9, 0.0002)];
    expect(deviceNode(links, orin)).toBe('orin0');
    expect(deviceNode(links, device('pi0', 'pi', { site: 's2' }))).toBe('s2');
  });
});

describe('perf-model › chain estimates', () => {
  const links = [link('gpu0', 's1', 1e10, 0.0001), link('orin0', 's1', 1e9, 0.0002)];
  const v = view({ devices: [gpu, orin, device('pi0', 'pi')], links, services: [] });
  // chat on orin, whole model: prefill 512/1500, TPOT 1/28 (batch 1) … 8/112 (batch 8), busy 512/1500 + 128/112.
  const prefill = 512 / 1500;
  const busy = prefill + 128 / 112;
  const inS = 0.0002 + (8 * 2048) / 1e9;
  const outS = 0.0002 + (8 * 4) / 1e9;

  it('estimateChain › one stage, idle › ttft = in + prefill + first token + out; e2e adds 127 tokens', () => {
    const e = estimateChain(v, service('chat'), whole('orin0', 32), work, 's1')!;
    expect(e.tpotS).toBeCloseTo(1 / 28, 12);
    expect(e.ttftS).toBeCloseTo(inS + prefill + 1 / 28 + outS, 12);
    expect(e.e2eS).toBeCloseTo(inS + prefill + 128 / 28 + outS, 12);
    expect(e.bottleneckS).toBeCloseTo(busy, 12);
    expect(e.capacityRps).toBeCloseTo(1 / busy, 12);
  });
  it('estimateChain › 4 running, 2 queued › TPOT 4/7 of the way to full batch, wait 2 bottlenecks', () => {
    const e = estimateChain(v, service('chat'), whole('orin0', 32), work, 's1', { queued: 2, running: 4 })!;
    const tpot = 1 / 28 + (4 / 7) * (8 / 112 - 1 / 28);
    expect(e.tpotS).toBeCloseTo(tpot, 12);
    expect(e.ttftS).toBeCloseTo(2 * busy + inS + prefill + tpot + outS, 12);
  });
  it('estimateChain › more running than the batch › full-batch TPOT; negative queue › no wait', () => {
    const e = estimateChain(v, service('chat'), whole('orin0', 32), work, 's1', { queued: -3, running: 50 })!;
    expect(e.tpotS).toBeCloseTo(8 / 112, 12);
    expect(e.ttftS).toBeCloseTo(inS + prefill + 8 / 112 + outS, 12);
  });
  it('estimateChain › maxBatch 1 everywhere › batch-1 TPOT whatever the load', () => {
    const chat = service('chat');
    const s = service('chat', { perf: { orin: { ...chat.perf['orin']!, maxBatch: 1 } } });
    expect(estimateChain(v, s, whole('orin0', 32), work, 's1', { queued: 0, running: 5 })!.tpotS).toBeCloseTo(
      1 / 28,
      12,
    );
  });
  it('estimateChain › gpu0 (TP4) then orin › cut costs per token and the prompt’s activations', () => {
    const stages = [
      { device: 'gpu0', firstLayer: 0, endLayer: 16, gpus: 4 },
      { device: 'orin0', firstLayer: 16, endLayer: 32, gpus: 1 },
    ];
    const e = estimateChain(v, service('chat'), stages, work, 's1')!;
    const hop = (bytes: number) => 0.0001 + (8 * bytes) / 1e10 + 0.0002 + (8 * bytes) / 1e9;
    const inGpu = 0.0001 + (8 * 2048) / 1e10;
    const tpot1 = 0.5 / 150 + 0.5 / 28 + hop(8192);
    expect(e.tpotS).toBeCloseTo(tpot1, 12);
    const ttft = inGpu + (0.5 * 512) / 20000 + hop(512 * 8192) + (0.5 * 512) / 1500;
    expect(e.ttftS).toBeCloseTo(ttft + tpot1 + outS, 12);
    // Bottleneck: orin's half (0.5·512/1500 + 0.5·128/112 = 0.742 s) over the cut's 5.2 MB (0.042 s).
    expect(e.bottleneckS).toBeCloseTo((0.5 * 512) / 1500 + (0.5 * 128) / 112, 12);
  });
  it('estimateChain › a link the bottleneck › capacity set by the slowest hop', () => {
    const thin = [link('gpu0', 's1', 1e5, 0.0001)];
    const e = estimateChain(
      view({ devices: [gpu], links: thin, services: [] }),
      service('seg'),
      whole('gpu0', 10, 4),
      work,
      's1',
    )!;
    // 1.2 MB frame over 100 kb/s = 96 s per item; compute 1/500 s.
    expect(e.bottleneckS).toBeCloseTo(96, 9);
    const out = estimateChain(
      view({ devices: [gpu], links: thin, services: [] }),
      service('seg', { model: { ...service('seg').model, inputBytes: 1, outputBytes: 2e6 } }),
      whole('gpu0', 10, 4),
      work,
      's1',
    )!;
    expect(out.bottleneckS).toBeCloseTo(160, 9);
  });
  it('estimateChain › segmentation › no token terms: ttft = e2e = in + item latency + out', () => {
    const e = estimateChain(v, service('seg'), whole('orin0', 10), work, 's1')!;
    const want = 0.0002 + (8 * 1.2e6) / 1e9 + 0.02 + 0.0002 + (8 * 0.4e6) / 1e9;
    expect(e.tpotS).toBe(0);
    expect(e.ttftS).toBeCloseTo(want, 12);
    expect(e.e2eS).toBeCloseTo(want, 12);
    expect(e.capacityRps).toBeCloseTo(80, 9);
  });
  it('estimateChain › devices not on any link › at their site: no network time', () => {
    const pi = device('pi0', 'pi', { site: 's1' });
    const e = estimateChain(
      view({ devices: [pi], links, services: [] }),
      service('chat'),
      whole('pi0', 32),
      work,
      's1',
    )!;
    expect(e.ttftS).toBeCloseTo(512 / 50 + 1 / 2, 12);
    const self = estimateChain(
      view({ devices: [orin], links, services: [] }),
      service('chat'),
      whole('orin0', 32),
      work,
      'orin0',
    )!;
    expect(self.ttftS).toBeCloseTo(prefill + 1 / 28, 12);
    const local = estimateChain(
      view({ devices: [orin], services: [] }),
      service('chat'),
      whole('orin0', 32),
      work,
      's1',
    )!;
    expect(local.ttftS).toBeCloseTo(prefill + 1 / 28, 12);
  });
  it('estimateChain › zero-time chain › infinite capacity', () => {
    const seg = service('seg');
    const instant = service('seg', {
      perf: { orin: { ...seg.perf['orin']!, itemLatencyS: 1e-300, itemsPerSAtMaxBatch: Infinity } },
    });
    expect(
      estimateChain(view({ devices: [orin], services: [] }), instant, whole('orin0', 10), work, 's1')!.capacityRps,
    ).toBe(Infinity);
  });
  it('estimateChain › unknown device or one without figures › undefined', () => {
    expect(estimateChain(v, service('chat'), whole('nope', 32), work, 's1')).toBeUndefined();
    expect(
      estimateChain(
        view({ devices: [device('f', 'fpga')], services: [] }),
        service('chat'),
        whole('f', 32),
        work,
        's1',
      ),
    ).toBeUndefined();
  });
  it('estimateChain › unreachable ingress › infinite times, not NaN (no queue: no 0·∞ wait)', () => {
    const e = estimateChain(v, service('chat'), whole('orin0', 32), work, 'elsewhere')!;
    expect(e.ttftS).toBe(Infinity);
    expect(e.e2eS).toBe(Infinity);
    expect(e.capacityRps).toBe(0);
  });
});

describe('perf-model › SLO ratio', () => {
  const est = { ttftS: 0.5, tpotS: 0.05, e2eS: 7 };
  it('sloRatio › token: the worse of TTFT and TPOT; e2e and frame: e2e over the bound', () => {
    expect(sloRatio({ kind: 'token', ttftS: 1, tpotS: 0.1 }, est)).toBe(0.5);
    expect(sloRatio({ kind: 'token', ttftS: 0.25, tpotS: 0.1 }, est)).toBe(2);
    expect(sloRatio({ kind: 'token', ttftS: 1, tpotS: 0.025 }, est)).toBe(2);
    expect(sloRatio({ kind: 'e2e', e2eS: 14 }, est)).toBe(0.5);
    expect(sloRatio({ kind: 'frame', deadlineS: 3.5 }, est)).toBe(2);
  });
});

describe('perf-model › stages as placed', () => {
  it('stageTimes › one GPU of gpu4 (k = 1/3.24) › full-batch TPOT and segmentation scale by it too', () => {
    const t = stageTimes(service('chat'), gpu, 1, 1, work)!;
    expect(t.tpotFullS).toBeCloseTo((64 / 3000) * 3.24, 12);
    const s = stageTimes(service('seg'), gpu, 1, 1, work)!;
    expect(s.prefillS).toBeCloseTo(0.004 * 3.24, 12);
    expect(s.busyS).toBeCloseTo(3.24 / 500, 12);
  });
  const pis = [device('p0', 'pi'), device('p1', 'pi'), device('x', 'orin', { memBandwidthBytesPerS: 1e10, gpus: 2 })];
  const links = pis.map((d) => link(d.id, 's1', 1e9, 0.0001));
  const v = view({ devices: pis, links, services: [] });
  // Two members through switch s1: path 0.2 ms, 1 Gb/s, TCP; 2 syncs per layer × 32 layers.
  const sync = (tokens: number) => 64 * syncSeconds('tcp', 2, 0.0002, 1e9, tokens * 8192);
  it('placedStageTimes › a Pi pair › half the work of one Pi plus 64 syncs of the step’s tokens', () => {
    const st = { device: 'p0', peers: ['p1'], firstLayer: 0, endLayer: 32, gpus: 1 };
    const t = placedStageTimes(v, service('chat'), st, work)!;
    expect(t.prefillS).toBeCloseTo((0.5 * 512) / 50 + sync(512), 9);
    expect(t.tpotBatch1S).toBeCloseTo(0.5 / 2 + sync(1), 9);
    // Full batch: the Pi's maxBatch 4 tokens per step.
    expect(t.tpotFullS).toBeCloseTo((0.5 * 4) / 4 + sync(4), 9);
    expect(t.busyS).toBeCloseTo((0.5 * 512) / 50 + (0.5 * 128) / 4 + sync(512) + (128 * sync(4)) / 4, 9);
  });
  it('placedStageTimes › half the layers › half the syncs', () => {
    const st = { device: 'p0', peers: ['p1'], firstLayer: 0, endLayer: 16, gpus: 1 };
    const half = (tokens: number) => 32 * syncSeconds('tcp', 2, 0.0002, 1e9, tokens * 8192);
    expect(placedStageTimes(v, service('chat'), st, work)!.tpotBatch1S).toBeCloseTo(0.25 / 2 + half(1), 9);
  });
  it('placedStageTimes › the slowest member (memory bandwidth × GPUs) sets the pace, root or not', () => {
    // x: 1e10 B/s × 2 GPUs = 2e10 > the Pi's 1.7e10: the Pi is slowest either way round.
    const a = placedStageTimes(
      v,
      service('chat'),
      { device: 'x', peers: ['p0'], firstLayer: 0, endLayer: 32, gpus: 2 },
      work,
    )!;
    const b = placedStageTimes(
      v,
      service('chat'),
      { device: 'p0', peers: ['x'], firstLayer: 0, endLayer: 32, gpus: 1 },
      work,
    )!;
    expect(a.prefillS).toBeCloseTo((0.5 * 512) / 50 + sync(512), 9);
    expect(b.prefillS).toBeCloseTo(a.prefillS, 12);
  });
  it('placedStageTimes › empty peers › a plain stage; unknown root, unknown or figure-less peer, no common switch › undefined', () => {
    const plain = { device: 'p0', firstLayer: 0, endLayer: 32, gpus: 1 };
    expect(placedStageTimes(v, service('chat'), { ...plain, peers: [] }, work)).toEqual(
      stageTimes(service('chat'), pis[0]!, 1, 1, work),
    );
    expect(placedStageTimes(v, service('chat'), { ...plain, device: 'zz' }, work)).toBeUndefined();
    expect(placedStageTimes(v, service('chat'), { ...plain, peers: ['zz'] }, work)).toBeUndefined();
    const withF = view({
      devices: [...pis, device('f', 'fpga')],
      links: [...links, link('f', 's1', 1e9, 0)],
      services: [],
    });
    expect(placedStageTimes(withF, service('chat'), { ...plain, peers: ['f'] }, work)).toBeUndefined();
    const apart = view({ devices: pis, links: [link('p0', 's1', 1e9, 0), link('p1', 's2', 1e9, 0)], services: [] });
    expect(placedStageTimes(apart, service('chat'), { ...plain, peers: ['p1'] }, work)).toBeUndefined();
  });
});

describe('perf-model › chain estimates over cuts', () => {
  const links = [link('gpu0', 's1', 1e6, 0.0001), link('orin0', 's1', 1e9, 0.0002)];
  const v = view({ devices: [gpu, orin], links, services: [] });
  it('bottleneck › the ingress hop carries the request (2 kB), not a cut’s activations', () => {
    // gpu0 behind 1 Mb/s: 2048 B = 16 ms in; the chat compute on TP4 is 0.0683 s: compute binds.
    const e = estimateChain(v, service('chat'), whole('gpu0', 32, 4), work, 's1')!;
    expect(e.bottleneckS).toBeCloseTo(512 / 20000 + 128 / 3000, 9);
  });
  it('bottleneck › a cut carries every token’s activations (5.2 MB over 1 Mb/s = 42 s)', () => {
    const stages = [
      { device: 'orin0', firstLayer: 0, endLayer: 16, gpus: 1 },
      { device: 'gpu0', firstLayer: 16, endLayer: 32, gpus: 4 },
    ];
    const e = estimateChain(v, service('chat'), stages, work, 's1')!;
    expect(e.bottleneckS).toBeCloseTo((8 * 640 * 8192) / 1e6, 9);
  });
  it('segmentation over two stages › the frame crosses the cut; no per-token terms in ttft or e2e', () => {
    const fast = [link('gpu0', 's1', 1e9, 0.001), link('orin0', 's1', 1e9, 0.002)];
    const stages = [
      { device: 'orin0', firstLayer: 0, endLayer: 5, gpus: 1 },
      { device: 'gpu0', firstLayer: 5, endLayer: 10, gpus: 4 },
    ];
    const e = estimateChain(
      view({ devices: [gpu, orin], links: fast, services: [] }),
      service('seg'),
      stages,
      work,
      's1',
    )!;
    const hop = (b: number) => 0.002 + (8 * b) / 1e9 + 0.001 + (8 * b) / 1e9;
    const want = 0.002 + (8 * 1.2e6) / 1e9 + 0.01 + hop(1.2e6) + 0.002 + 0.001 + (8 * 0.4e6) / 1e9;
    expect(e.ttftS).toBeCloseTo(want, 9);
    expect(e.e2eS).toBeCloseTo(want, 9);
  });
  it('two stages under load › TPOT interpolates to the full-batch figure including the per-token cut', () => {
    const fast = [link('gpu0', 's1', 1e9, 0.001), link('orin0', 's1', 1e9, 0.002)];
    const stages = [
      { device: 'orin0', firstLayer: 0, endLayer: 16, gpus: 1 },
      { device: 'gpu0', firstLayer: 16, endLayer: 32, gpus: 4 },
    ];
    const cut = 0.003 + (2 * 8 * 8192) / 1e9;
    const e = estimateChain(
      view({ devices: [gpu, orin], links: fast, services: [] }),
      service('chat'),
      stages,
      work,
      's1',
      { queued: 0, running: 1000 },
    )!;
    // Full batch: max batch 64 (gpu4's) over both stages: orin 0.5·8/112, gpu 0.5·64/3000, plus the cut.
    expect(e.tpotS).toBeCloseTo((0.5 * 8) / 112 + (0.5 * 64) / 3000 + cut, 9);
  });
});
