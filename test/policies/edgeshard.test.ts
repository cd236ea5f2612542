/**
 * The EdgeShard partition DP: exact against brute force on small random problems, by hand on a
 * tiny one, and as the `edgeshard-*` policies on hand-made clusters (figures in view-builder).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PartitionProblem } from '../../policies/partition-dp.js';
import { bruteForcePartition, solvePartition } from '../../policies/partition-dp.js';
import { planMemoryByDevice, POLICIES, estimateChain, type Stage } from '../../policies/index.js';
import { device, link, request, service, testRng, view, whole } from './view-builder.js';

/** A random problem from integer cost tables (some stages infeasible = memory-capped). */
const problemArb = fc
  .record({
    layers: fc.integer({ min: 1, max: 6 }),
    devices: fc.integer({ min: 1, max: 4 }),
    objective: fc.constantFrom('sum' as const, 'max' as const),
    perLayer: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 4, maxLength: 4 }),
    maxLayers: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 4, maxLength: 4 }),
    cut: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 16, maxLength: 16 }),
    io: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 8, maxLength: 8 }),
  })
  .map((r): PartitionProblem => ({
    layers: r.layers,
    devices: r.devices,
    objective: r.objective,
    stageCost: (d, a, b) => (b - a > r.maxLayers[d]! ? Infinity : (b - a) * r.perLayer[d]! + (a % 2)),
    cutCost: (k, j) => r.cut[k * 4 + j]!,
    inCost: (d) => r.io[d]!,
    outCost: (d) => r.io[4 + d]!,
  }));

describe('edgeshard › partition DP', () => {
  it('solvePartition › random small problems › same optimum as brute force, a valid chain', () => {
    fc.assert(
      fc.property(problemArb, (p) => {
        const dp = solvePartition(p);
        const bf = bruteForcePartition(p);
        expect(dp?.cost).toBe(bf?.cost);
        if (!dp) return;
        const devices = dp.stages.map((s) => s.device);
        expect(new Set(devices).size).toBe(devices.length);
        expect(dp.stages[0]!.first).toBe(0);
        expect(dp.stages[dp.stages.length - 1]!.end).toBe(p.layers);
        dp.stages.forEach((s, i) => {
          if (i > 0) expect(s.first).toBe(dp.stages[i - 1]!.end);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('solvePartition › 4 layers, dev0 1 s/layer holds ≤ 2, dev1 2 s/layer, cut 1 s, in(dev1) 0.5 s › by hand', () => {
    // Sum: dev0[0,2) + cut + dev1[2,4) = 2 + 1 + 4 = 7 beats dev1 first (0.5 + 4 + 1 + 2 = 7.5)
    // and dev1 alone (8). Max: both orders have bottleneck 4 (dev1's two layers); dev1 alone is 8.
    const base = {
      layers: 4,
      devices: 2,
      stageCost: (d: number, a: number, b: number) => (d === 0 ? (b - a > 2 ? Infinity : b - a) : 2 * (b - a)),
      cutCost: () => 1,
      inCost: (d: number) => (d === 1 ? 0.5 : 0),
      outCost: () => 0,
    };
    expect(solvePartition({ ...base, objective: 'sum' })).toEqual({
      cost: 7,
      stages: [
        { device: 0, first: 0, end: 2 },
        { device: 1, first: 2, end: 4 },
      ],
    });
    expect(solvePartition({ ...base, objective: 'max' })?.cost).toBe(4);
  });
});

describe('edgeshard › policies', () => {
  const devices = [device('gpu0', 'gpu4'), device('orin0', 'orin')];
  const links = [link('gpu0', 's1', 1e10, 0.0001), link('orin0', 's1', 1e9, 0.0002)];

  it('edgeshard-latency › chat fits gpu0 › one TP4 stage on gpu0 (0.879 s; any orin layer only adds)', () => {
    // 512/20000 + 128/150 = 0.0256 + 0.853 s; orin is 5× slower per layer and a cut adds transfers.
    const plan = POLICIES['edgeshard-latency']
      .create({})
      .place(view({ devices, links, services: [service('chat')] }), testRng(1));
    expect(plan.instances).toEqual([{ service: 'chat', stages: whole('gpu0', 32, 4) }]);
  });

  it('edgeshard-latency › 120 GB over 86.4 + 57.6 GB › gpu0 takes the most layers memory allows (57), orin the rest', () => {
    const plan = POLICIES['edgeshard-latency']
      .create({})
      .place(view({ devices, links, services: [service('huge')] }), testRng(1));
    expect(plan.instances).toEqual([
      {
        service: 'huge',
        stages: [
          { device: 'gpu0', firstLayer: 0, endLayer: 57, gpus: 4 },
          { device: 'orin0', firstLayer: 57, endLayer: 80, gpus: 1 },
        ],
      },
    ]);
  });

  it('edgeshard-throughput › 120 GB model › bottleneck no worse than the latency split, latency no better', () => {
    const v = view({ devices, links, services: [service('huge')] });
    const t = POLICIES['edgeshard-throughput'].create({}).place(v, testRng(1));
    const l = POLICIES['edgeshard-latency'].create({}).place(v, testRng(1));
    expect(t.instances).toHaveLength(1);
    expect(t.instances[0]!.stages.map((s) => s.device).sort()).toEqual(['gpu0', 'orin0']);
    // Each plan's chain estimated with the same planning model the DP optimizes.
    const est = (stages: readonly Stage[]) => estimateChain(v, service('huge'), stages, request('huge'), 's1')!;
    const te = est(t.instances[0]!.stages);
    const le = est(l.instances[0]!.stages);
    expect(te.bottleneckS).toBeLessThanOrEqual(le.bottleneckS * (1 + 1e-12));
    expect(te.e2eS).toBeGreaterThanOrEqual(le.e2eS * (1 - 1e-12));
  });

  it('edgeshard › 40 GB model, two equal 4-GPU boxes › latency keeps one box, throughput splits it for a lower bottleneck', () => {
    const two = [device('gpu0', 'gpu4'), device('gpu1', 'gpu4')];
    const v = view({
      devices: two,
      links: [link('gpu0', 's1', 1e10, 0.0001), link('gpu1', 's1', 1e10, 0.0001)],
      services: [service('big')],
    });
    const t = POLICIES['edgeshard-throughput'].create({}).place(v, testRng(1)).instances[0]!.stages;
    const l = POLICIES['edgeshard-latency'].create({}).place(v, testRng(1)).instances[0]!.stages;
    expect(l).toHaveLength(1);
    expect(t.map((s) => s.device).sort()).toEqual(['gpu0', 'gpu1']);
    const est = (stages: readonly Stage[]) => estimateChain(v, service('big'), stages, request('big'), 's1')!;
    expect(est(t).bottleneckS).toBeLessThan(est(l).bottleneckS * 0.75);
    expect(est(l).e2eS).toBeLessThan(est(t).e2eS);
  });

  it('edgeshard › memory exhausted by an earlier service › later service gets no pipeline', () => {
    const plan = POLICIES['edgeshard-latency'].create({}).place(
      view({
        devices: [device('orin0', 'orin')],
        links: [],
        services: [
          service('big', { demandRps: 2 }),
          service('chat', { name: 'chat2', demandRps: 1, model: { ...service('chat').model, weightBytes: 20e9 } }),
        ],
      }),
      testRng(1),
    );
    // big (40 GB) goes first (higher demand); 57.6 − 40 = 17.6 GB < 20 GB for chat2.
    expect(plan.instances.map((i) => i.service)).toEqual(['big']);
    expect(plan.reason).toContain('chat2: no feasible partition');
  });

  it("edgeshard › two 8B services, two equal boxes › the second sees the first's load and takes the other box", () => {
    // chat (6 req/s × 0.0683 s busy) loads gpu0 to 0.41; chat2 there would be stretched by 1/0.59.
    // Without the load term both would take gpu0 (memory allows: 2 × 4.5 GB). 100 Mb/s links make
    // any cut cost more than it saves (640 tokens × 8 kB ≈ 0.42 s of serialization per request).
    const boxes = [device('gpu0', 'gpu4'), device('gpu1', 'gpu4')];
    const boxLinks = [link('gpu0', 's1', 1e8, 0.0001), link('gpu1', 's1', 1e8, 0.0001)];
    const services = [service('chat', { demandRps: 6 }), service('chat', { name: 'chat2', demandRps: 5 })];
    for (const name of ['edgeshard-latency', 'edgeshard-throughput'] as const) {
      const plan = POLICIES[name].create({}).place(view({ devices: boxes, links: boxLinks, services }), testRng(1));
      expect(Object.fromEntries(plan.instances.map((i) => [i.service, i.stages.map((s) => s.device)])), name).toEqual({
        chat: ['gpu0'],
        chat2: ['gpu1'],
      });
    }
  });

  it('edgeshard › 120 GB model beside chat on gpu4 + orin + gpu4 › huge cut over devices within memory, chat whole (latency)', () => {
    const three = [device('gpu0', 'gpu4'), device('orin0', 'orin'), device('gpu1', 'gpu4')];
    const threeLinks = [...links, link('gpu1', 's1', 1e10, 0.0001)];
    const v = view({
      devices: three,
      links: threeLinks,
      services: [service('chat', { demandRps: 2 }), service('huge', { demandRps: 0.2 })],
    });
    for (const name of ['edgeshard-latency', 'edgeshard-throughput'] as const) {
      const plan = POLICIES[name].create({}).place(v, testRng(1));
      const huge = plan.instances.find((i) => i.service === 'huge')!;
      expect(huge.stages.length, name).toBeGreaterThan(1);
      expect(huge.stages[0]!.firstLayer).toBe(0);
      expect(huge.stages[huge.stages.length - 1]!.endLayer).toBe(80);
      huge.stages.forEach((s, i) => {
        if (i > 0) expect(s.firstLayer).toBe(huge.stages[i - 1]!.endLayer);
      });
      if (name === 'edgeshard-latency')
        expect(plan.instances.find((i) => i.service === 'chat')!.stages).toHaveLength(1);
      const used = planMemoryByDevice(v, plan.instances);
      for (const d of three) expect(used.get(d.id) ?? 0).toBeLessThanOrEqual(d.gpus * d.memoryBytesPerGpu * 0.9 + 1);
    }
  });

  it('edgeshard-throughput › a multi-stage pipeline › asks for one micro-batch per stage; latency variant and single stages ask none', () => {
    const v = view({ devices, links, services: [service('huge'), service('seg', { demandRps: 1 })] });
    const t = POLICIES['edgeshard-throughput'].create({}).place(v, testRng(1)).instances;
    const hugeT = t.find((i) => i.service === 'huge')!;
    expect(hugeT.microBatches).toBe(hugeT.stages.length);
    expect(t.find((i) => i.service === 'seg')!.microBatches).toBeUndefined();
    const l = POLICIES['edgeshard-latency'].create({}).place(v, testRng(1)).instances;
    expect(l.find((i) => i.service === 'huge')!.microBatches).toBeUndefined();
  });
});
