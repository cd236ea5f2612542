/**
 * Policies plan llama.cpp pipelines with the RPC hop the simulator charges (policies/rpc-hop.ts,
 * issue 13): on a set-up where a small fast device beside a big slow one makes a split faster
 * for a generic framework, but the RPC round trips over a slow link make it lose under
 * llama.cpp, EdgeShard and adaptive-split keep the model whole on the big device for llama.cpp
 * and split it otherwise; and the policies' estimate of a llama.cpp pipeline's request time is
 * what the simulator measures for it.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterView, PlannedInstance, RequestRecord, ServiceInfo, Stage } from '../../policies/index.js';
import { POLICIES, estimateChain } from '../../policies/index.js';
import { meanWork } from '../../policies/perf-model.js';
import { predictChain } from '../../policies/split-latency.js';
import { RPC_STAGE_S, rpcHopS } from '../../policies/rpc-hop.js';
import { blockBoundary, chainProblem } from '../../policies/chain-costs.js';
import { MemoryLedger } from '../../policies/memory-ledger.js';
import type { Scenario, ServingFramework } from '../../scenarios/index.js';
import { deviceStates } from '../../host/views.js';
import { simulate } from '../../sim/index.js';
import { linkStates, serviceInfos } from '../../sim/host/static-views.js';
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
} from '../sim/fixtures.js';
import { testRng } from './view-builder.js';

/** One-way latency of each device's link to the switch: 1.5 ms (a slow, Wi-Fi-like path of 3 ms). */
const LINK_LATENCY_S = 1.5e-3;
const PROMPT = 64;
const OUTPUT = 32;

function setup(framework: ServingFramework): Scenario {
  // big: holds the whole 10 GB model, 200 GB/s; fast: twice the bandwidth, holds at most 7.2 GB.
  const big = deviceSpec({ key: 'big', memoryBytesPerGpu: 32 * GB, memBandwidthBytesPerS: 200 * GB });
  const fast = deviceSpec({ key: 'fast', memoryBytesPerGpu: 8 * GB, memBandwidthBytesPerS: 400 * GB });
  const model = modelSpec({ weightBytes: 10 * GB, layers: 32, hidden: 4096, activationBytesPerToken: 8192 });
  return scenario({
    devices: [device('big', big), device('fast', fast)],
    links: [link('l-big', 'big', 'sw', 1e9, LINK_LATENCY_S), link('l-fast', 'fast', 'sw', 1e9, LINK_LATENCY_S)],
    services: [
      llmService({
        name: 'chat',
        model,
        framework,
        promptTokens: { dist: 'fixed', value: PROMPT },
        outputTokens: { dist: 'fixed', value: OUTPUT },
        arrivals: { process: 'poisson', ratePerS: 0.1 },
        maxBatch: 4,
      }),
    ],
    horizonS: 60,
  });
}

function viewOf(sc: Scenario): ClusterView {
  return { now: 0, devices: deviceStates(sc, true), links: linkStates(sc), services: serviceInfos(sc), instances: [] };
}

/** Seconds from arrival to the last token of one request alone on `stages`, as simulated. */
function simulatedE2e(sc: Scenario, stages: readonly Stage[]): number {
  const rec = recorder();
  const plan: PlannedInstance[] = [{ service: 'chat', stages }];
  simulate(sc, {
    records: rec.records,
    warmStart: true,
    policyImpl: fixedPlanPolicy(plan),
    arrivals: fixedArrivals({ chat: [[1, PROMPT, OUTPUT]] }),
  });
  const r = rec.byId.find((x): x is RequestRecord => x !== undefined)!;
  expect(r.outcome).toBe('ok');
  return r.finishS - r.arrivalS;
}

/** The split EdgeShard's latency DP chooses for the generic framework (the test's premise: a split wins there). */
function genericSplit(): readonly Stage[] {
  const plan = POLICIES['edgeshard-latency'].create({}).place(viewOf(setup('generic')), testRng(1));
  return plan.instances[0]!.stages;
}

/** EdgeShard's latency DP cost of `stages` (chain-costs.ts terms, blocks mapped back from layers). */
function dpLatency(v: ClusterView, svc: ServiceInfo, stages: readonly Stage[]): number {
  const devices = stages.map((s) => v.devices.find((d) => d.id === s.device)!);
  const cp = chainProblem(v, svc, devices, new MemoryLedger(v.devices), 'latency');
  const block = (layer: number) => {
    for (let b = 0; b <= cp.blocks; b++) if (blockBoundary(svc.model.layers, cp.blocks, b) === layer) return b;
    throw new Error(`no block boundary at layer ${layer}`);
  };
  let cost = cp.problem.inCost(0);
  stages.forEach((s, k) => {
    if (k > 0) cost += cp.problem.cutCost(k - 1, k, block(s.firstLayer));
    cost += cp.problem.stageCost(k, block(s.firstLayer), block(s.endLayer));
  });
  return cost + cp.problem.outCost(stages.length - 1);
}

describe('policies › llama.cpp RPC pipelines', () => {
  const whole: Stage[] = [{ device: 'big', firstLayer: 0, endLayer: 32, gpus: 1 }];

  it.each(['edgeshard-latency', 'edgeshard-throughput', 'adaptive-split'] as const)(
    'rpc › %s › splits over the fast device for a generic service, keeps the model whole on the big one for llama.cpp',
    (name) => {
      const plans = (['generic', 'llama.cpp'] as const).map(
        (fw) => POLICIES[name].create({}).place(viewOf(setup(fw)), testRng(1)).instances,
      );
      const [generic, llama] = plans.map((p) => p.filter((i) => i.service === 'chat'));
      expect(generic).toHaveLength(1);
      expect(generic![0]!.stages.map((s) => s.device).sort()).toEqual(['big', 'fast']);
      expect(llama).toHaveLength(1);
      expect(llama![0]!.stages).toEqual(whole);
      // No micro-batches asked of llama.cpp (its RPC keeps one step in flight).
      expect(llama![0]!.microBatches).toBeUndefined();
    },
  );

  it('rpc › the hop › the policy charges the formula on the path the view gives (two 1.5 ms links: 3 ms)', () => {
    const v = viewOf(setup('llama.cpp'));
    const svc = v.services[0]!;
    const split = genericSplit();
    const hop = rpcHopS(2 * LINK_LATENCY_S);
    expect(hop).toBeCloseTo(6 * 3e-3 + RPC_STAGE_S, 15);
    const withHop = estimateChain(v, svc, split, meanWork(svc), svc.ingress)!;
    const without = estimateChain(v, { ...svc, framework: 'generic' }, split, meanWork(svc), svc.ingress)!;
    // One hop per step: the prefill step and each output token's step (the estimate's step count).
    expect(withHop.tpotS - without.tpotS).toBeCloseTo(hop, 12);
    expect(withHop.e2eS - without.e2eS).toBeCloseTo((1 + OUTPUT) * hop, 9);
    // One device: nothing to charge.
    expect(estimateChain(v, svc, whole, meanWork(svc), svc.ingress)!.e2eS).toBeCloseTo(
      estimateChain(v, { ...svc, framework: 'generic' }, whole, meanWork(svc), svc.ingress)!.e2eS,
      12,
    );
  });

  /**
   * Tolerance 6%: the estimates count one decode step more than the engine runs (the prefill step
   * yields the first token) and share a stage's fixed step overhead by its layers; both are ~3%
   * here. The hops are ~33% of the pipeline's time, so an estimate without them is far outside.
   */
  const TOLERANCE = 0.06;

  it('rpc › estimate vs simulator › a llama.cpp pipeline over the slow link: every estimate within 6% of the measured request time, not without the hop', () => {
    const sc = setup('llama.cpp');
    const v = viewOf(sc);
    const svc = v.services[0]!;
    const split = genericSplit();
    const measured = simulatedE2e(sc, split);
    const estimates = {
      'estimateChain (EPARA, cloud-edge, edge-solo)': estimateChain(v, svc, split, meanWork(svc), svc.ingress)!.e2eS,
      'predictChain (adaptive-split)': predictChain(v, svc, split, new Map()),
      'EdgeShard latency DP': dpLatency(v, svc, split),
    };
    for (const [what, est] of Object.entries(estimates))
      expect(Math.abs(est / measured - 1), `${what}: ${est} s vs ${measured} s`).toBeLessThan(TOLERANCE);
    const generic = { ...svc, framework: 'generic' };
    const hopless = {
      estimateChain: estimateChain(v, generic, split, meanWork(svc), svc.ingress)!.e2eS,
      predictChain: predictChain(v, generic, split, new Map()),
      dp: dpLatency(v, generic, split),
    };
    for (const [what, est] of Object.entries(hopless))
      expect(Math.abs(est / measured - 1), `${what} without the hop`).toBeGreaterThan(4 * TOLERANCE);
    // The same pipeline under a generic framework pays no hop: the hop-free estimate fits it.
    const scGeneric = setup('generic');
    const vg = viewOf(scGeneric);
    const sg = vg.services[0]!;
    const est = estimateChain(vg, sg, split, meanWork(sg), sg.ingress)!.e2eS;
    expect(Math.abs(est / simulatedE2e(scGeneric, split) - 1)).toBeLessThan(TOLERANCE);
  });

  it('rpc › estimate vs simulator › the throughput view: a saturated llama.cpp pipeline costs its stages and hops in turn per request', () => {
    const sc = setup('llama.cpp');
    const v = viewOf(sc);
    const svc = v.services[0]!;
    const split = genericSplit();
    // 40 requests at once: the pipeline runs at its largest batch (4) until the burst is done.
    const N = 40;
    const rec = recorder();
    simulate(sc, {
      records: rec.records,
      warmStart: true,
      policyImpl: fixedPlanPolicy([{ service: 'chat', stages: split }]),
      arrivals: fixedArrivals({ chat: Array.from({ length: N }, (): [number, number, number] => [1, PROMPT, OUTPUT]) }),
    });
    const recs = rec.byId.filter((r): r is RequestRecord => r !== undefined);
    expect(recs).toHaveLength(N);
    const perRequestS = (Math.max(...recs.map((r) => r.finishS)) - 1) / N;
    const seq = estimateChain(v, svc, split, meanWork(svc), svc.ingress)!.bottleneckS;
    expect(Math.abs(seq / perRequestS - 1), `${seq} s vs ${perRequestS} s`).toBeLessThan(TOLERANCE);
    // Overlapping stages without hops (the generic view) would promise more than twice the capacity.
    const overlapped = estimateChain(v, { ...svc, framework: 'generic' }, split, meanWork(svc), svc.ingress)!;
    expect(overlapped.bottleneckS).toBeLessThan(0.5 * perRequestS);
  });
});
