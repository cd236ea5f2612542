/** Pipeline split, tensor parallelism, segmentation batching and the FPGA over serial, by hand. */
import { describe, expect, it } from 'vitest';
import { LlmStagePerf, simulate } from '../../sim/index.js';
import { DEFAULT_EFFICIENCY } from '../../sim/models/llm/calibrate.js';
import type { ServiceConfig } from '../../scenarios/index.js';
import {
  GB,
  device,
  deviceSpec,
  fixedArrivals,
  fixedPlanPolicy,
  link,
  llmService,
  modelSpec,
  recorder,
  scenario,
} from './fixtures.js';

describe('models › pipeline split', () => {
  // gpu0, gpu1 behind switch sw; links 1.6e9 b/s, 1 ms. Request at t=10, prompt 100, out 1.
  // Input 400 B: 2e-6 + 0.001 → 10.001002 at gpu0. Stage 0 (half the layers): s½ = the step
  // cost of half the model. Activations 2000 B × 100 tokens = 200 kB: per hop 0.001 + 0.001,
  // two hops → +0.004. Stage 1: s½. First token back to sw: +0.001.
  // Whole model on gpu0 instead: 10.001002 + s₁ + 0.001.
  const model = modelSpec();
  const links = [link('l0', 'gpu0', 'sw', 1.6e9, 0.001), link('l1', 'gpu1', 'sw', 1.6e9, 0.001)];
  const devices = [device('gpu0'), device('gpu1')];
  const half = new LlmStagePerf(model, deviceSpec(), 1, 1, 0.5).iterationS(100, 0, 0, 5000);
  const whole = new LlmStagePerf(model, deviceSpec(), 1, 1, 1).iterationS(100, 0, 0, 5000);
  const run = (stages: { device: string; firstLayer: number; endLayer: number; gpus: number }[]) => {
    const rec = recorder();
    simulate(scenario({ devices, links, services: [llmService({ model })], horizonS: 20 }), {
      records: rec.records,
      policyImpl: fixedPlanPolicy([{ service: 'chat', stages }]),
      arrivals: fixedArrivals({ chat: [[10, 100, 1]] }),
    });
    return rec.byId[0]!;
  };

  it('pipeline › two stages on two devices › adds the activation transfer between stages', () => {
    const r = run([
      { device: 'gpu0', firstLayer: 0, endLayer: 5, gpus: 1 },
      { device: 'gpu1', firstLayer: 5, endLayer: 10, gpus: 1 },
    ]);
    expect(r.firstTokenS).toBeCloseTo(10.001002 + half + 0.004 + half + 0.001, 7);
    expect(r.devices).toEqual(['gpu0', 'gpu1']);
    const w = run([{ device: 'gpu0', firstLayer: 0, endLayer: 10, gpus: 1 }]);
    expect(w.firstTokenS).toBeCloseTo(10.001002 + whole + 0.001, 7);
    // Each half costs half (weights, compute and the per-layer overhead split with the layers):
    // what the split adds is the activation transfer.
    expect(2 * half).toBeCloseTo(whole, 12);
  });
});

describe('models › tensor parallel', () => {
  // No profile rows: default efficiencies (ηbw, ηp, ηd, τ). Per GPU: 1000 GB/s, 100 TFLOP/s.
  // Model: 2 GB weights, 2 GFLOP/token, 100 kB KV/token, 2000 B activations/token, 10 layers,
  // hidden 1000 (attention 4·10·1000 FLOPs per pair). NVLink 4.8e12 b/s.
  // g GPUs, decode batch 1 with 100 tokens of KV:
  //   τ·10/32 + max(2e9/(ηbw·g·1e12) + 100·1e5/(ηbw·g·1e12), 100·4e4/(ηd·g·1e14) + 2e9/(ηd·g·1e14))
  //   + (g = 2) 10 layers × 2 × (10 µs + 2·(1/2)·2000·8/4.8e12).
  const spec = deviceSpec({ gpus: 2, intraNode: 'nvlink', intraNodeBps: 4.8e12 });
  const model = modelSpec();
  const e = DEFAULT_EFFICIENCY;
  const byHand = (g: number) =>
    (e.overheadS * 10) / 32 +
    Math.max(
      2e9 / (e.etaBw * g * 1e12) + (100 * 1e5) / (e.etaBw * g * 1e12),
      (100 * 4e4) / (e.etaDecode * g * 1e14) + 2e9 / (e.etaDecode * g * 1e14),
    ) +
    (g > 1 ? 20 * (10e-6 + 16000 / 4.8e12) : 0);

  it('tensor parallel › decode step › bandwidth and compute terms halve, plus the all-reduce cost', () => {
    const one = new LlmStagePerf(model, spec, 1, 1, 1);
    const two = new LlmStagePerf(model, spec, 1, 2, 1);
    expect(one.iterationS(0, 1, 100)).toBeCloseTo(byHand(1), 12);
    expect(two.iterationS(0, 1, 100)).toBeCloseTo(byHand(2), 12);
  });

  it('tensor parallel › end to end › TP=2 finishes sooner than TP=1 but not twice as fast', () => {
    const e2e = (gpus: number) => {
      const rec = recorder();
      simulate(scenario({ devices: [device('box', spec)], services: [llmService({ model })], horizonS: 20 }), {
        records: rec.records,
        policyImpl: fixedPlanPolicy([
          { service: 'chat', stages: [{ device: 'box', firstLayer: 0, endLayer: 10, gpus }] },
        ]),
        arrivals: fixedArrivals({ chat: [[10, 100, 50]] }),
      });
      const r = rec.byId[0]!;
      return r.finishS - r.arrivalS;
    };
    const one = e2e(1);
    const two = e2e(2);
    expect(two).toBeLessThan(one);
    expect(two).toBeGreaterThan(one / 2);
  });
});

function segService(over: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name: 'seg',
    kind: 'segmentation',
    model: modelSpec({
      key: 'toy-seg',
      kind: 'segmentation',
      weightBytes: 1e6,
      kvBytesPerToken: 0,
      flopsPerUnit: 1e9,
      inputBytes: 96,
      outputBytes: 48,
      profiles: [
        { deviceType: 'testbox', batch: 1, itemLatencyS: 0.01, source: 'test' },
        { deviceType: 'testbox', batch: 4, itemLatencyS: 0.005, source: 'test' },
      ],
    }),
    slo: { kind: 'frame', deadlineS: 0.1 },
    arrivals: { process: 'periodic', streams: 1, fps: 10 },
    promptTokens: { dist: 'fixed', value: 1 },
    outputTokens: { dist: 'fixed', value: 1 },
    ingress: 'sw',
    maxBatch: 8,
    ...over,
  };
}

describe('models › segmentation', () => {
  it('segmentation › frames queued behind a batch › go together, latency interpolated over batch', () => {
    // Four frames at t=10. The first finds the device idle: batch of 1, 0.01 s → 10.01.
    // The other three wait, then run as one batch: 3 × itemLatency(3) with itemLatency
    // interpolated between 0.01 (b=1) and 0.005 (b=4): 0.01 − (2/3)·0.005 → 3 × 0.0066667 = 0.02.
    const rec = recorder();
    const res = simulate(scenario({ services: [segService()], horizonS: 20 }), {
      records: rec.records,
      arrivals: fixedArrivals({
        seg: [
          [10, 0, 1],
          [10, 0, 1],
          [10, 0, 1],
          [10, 0, 1],
        ],
      }),
    });
    const f = rec.byId;
    expect(f[0]!.finishS).toBeCloseTo(10.01, 6);
    for (const k of [1, 2, 3]) {
      expect(f[k]!.startS).toBeCloseTo(10.01, 6);
      expect(f[k]!.finishS).toBeCloseTo(10.03, 6);
      expect(f[k]!.outcome).toBe('ok');
    }
    expect(res.services.seg!.perfSource).toEqual({ testbox: 'profile' });
  });

  it('segmentation › FPGA behind HC-05 at 9600 baud › serial transfers plus fixed pipeline latency', () => {
    // Link fpga–sw: 9600 × 0.8 = 7680 b/s, 5 ms. Input 96 B = 0.1 s, mask 48 B = 0.05 s; pipeline 0.05 s.
    // Frame 0 at t=10: at the FPGA 10.105, done 10.155, mask back 10.155 + 0.05 + 0.005 = 10.21.
    // Frame 1 at t=10: input waits for the wire (10.1 → 10.2), at the FPGA 10.205, done 10.255,
    // mask 10.255 → 10.305, at sw 10.31.
    const fpga = deviceSpec({
      key: 'basys3',
      deviceClass: 'fpga',
      memoryBytesPerGpu: 1 * GB,
      pipelineLatencyS: 0.05,
      idleW: null,
      busyW: null,
    });
    const rec = recorder();
    const res = simulate(
      scenario({
        devices: [device('fpga', fpga)],
        links: [link('bt', 'fpga', 'sw', 7680, 0.005)],
        services: [segService()],
        horizonS: 20,
      }),
      {
        records: rec.records,
        arrivals: fixedArrivals({
          seg: [
            [10, 0, 1],
            [10, 0, 1],
          ],
        }),
      },
    );
    expect(rec.byId[0]!.finishS).toBeCloseTo(10.21, 9);
    expect(rec.byId[1]!.startS).toBeCloseTo(10.205, 9);
    expect(rec.byId[1]!.finishS).toBeCloseTo(10.31, 9);
    expect(rec.byId[1]!.outcome).toBe('late');
    expect(res.devices.fpga!.energyJ).toBeNull();
  });
});

describe('models › warm start (validation mirrors the live controller)', () => {
  // Weights 2 GB from storage at 1 GB/s: a cold instance is ready at t = 2 s. One request at
  // t = 0.5 s. Cold, no instance is ready to take it (dropped, `no-instance`: the error the
  // validation saw at low load); warm (the t = 0 placement ready at once, as the live controller
  // readies it before t = 0), it is served right away.
  const run = (warmStart: boolean) => {
    const rec = recorder();
    simulate(scenario({ horizonS: 20 }), {
      records: rec.records,
      warmStart,
      policyImpl: fixedPlanPolicy([
        { service: 'chat', stages: [{ device: 'gpu0', firstLayer: 0, endLayer: 10, gpus: 1 }] },
      ]),
      arrivals: fixedArrivals({ chat: [[0.5, 100, 1]] }),
    });
    return rec.byId[0]!;
  };

  it('warm start › request during the initial load › served at once instead of dropped for want of a ready instance', () => {
    const cold = run(false);
    const warm = run(true);
    expect(cold.outcome).toBe('dropped');
    expect(cold.reason).toBe('no-instance');
    expect(warm.outcome).toBe('ok');
    expect(warm.firstTokenS).toBeLessThan(1);
    expect(warm.firstTokenS).toBeGreaterThan(0.5);
  });
});
