/**
 * The host rules both hosts share (host/): the plan diff, the plan checks, weight memory per
 * stage, the fault rules and the device views from a scenario. Each case is computed by hand
 * from the rule's doc comment; the parity test (host-parity.test.ts) checks that both hosts
 * apply them the same way, this file checks what the rules themselves say.
 */
import { describe, expect, it } from 'vitest';
import {
  deviceStates,
  diffPlan,
  failsOnCrash,
  freeMemory,
  heldWeights,
  holdsWeights,
  instanceKey,
  isActive,
  overflowDevice,
  planProblem,
  replaceAfterFault,
  stageMembers,
  stageShares,
  stageWeights,
  visibleInViews,
  weightNeed,
  type PlacementTopology,
} from '../../host/index.js';
import type { Lifecycle, PlannedInstance, Stage } from '../../policies/index.js';
import { GB, device, deviceSpec, llmService, modelSpec, scenario } from '../sim/fixtures.js';

const ALL: Lifecycle[] = ['pending', 'loading', 'ready', 'draining', 'gone', 'failed'];
const st = (device: string, firstLayer: number, endLayer: number, over: Partial<Stage> = {}): Stage => ({
  device,
  firstLayer,
  endLayer,
  gpus: 1,
  ...over,
});
/** Toy LLM: 10 layers, 2 GB of weights. A segmentation model: 1 layer, 1 GB. */
const chat = llmService();
const seg = llmService({
  name: 'seg',
  kind: 'segmentation',
  model: modelSpec({ kind: 'segmentation', layers: 1, weightBytes: 1 * GB, kvBytesPerToken: 0 }),
});

describe('host rules › lifecycle', () => {
  it('lifecycle › active = pending, loading, ready; failed and gone leave views only when gone; a crash fails the live ones', () => {
    expect(ALL.filter(isActive)).toEqual(['pending', 'loading', 'ready']);
    expect(ALL.filter(holdsWeights)).toEqual(['pending', 'loading', 'ready']);
    expect(ALL.filter(visibleInViews)).toEqual(['pending', 'loading', 'ready', 'draining', 'failed']);
    expect(ALL.filter(failsOnCrash)).toEqual(['pending', 'loading', 'ready', 'draining']);
  });
  it('faults › re-place at once only without a placement period', () => {
    expect(replaceAfterFault({ placementPeriodS: undefined })).toBe(true);
    expect(replaceAfterFault({ placementPeriodS: 30 })).toBe(false);
    expect(replaceAfterFault({ placementPeriodS: 0 })).toBe(false);
  });
});

describe('host rules › plan diff', () => {
  const placed = (key: string, state: Lifecycle, tag: string) => ({ key, state, tag });
  const p = (service: string, stages: Stage[]): PlannedInstance => ({ service, stages });
  const a = [st('g0', 0, 10)];
  const b = [st('g1', 0, 10)];
  const ka = instanceKey('chat', a);
  const kb = instanceKey('chat', b);

  it('key › service and stages: another service, device, layer split, gpu count, peer or fraction is another key', () => {
    expect(ka).toBe('chat|g0[0,10)x1');
    const keys = [
      ka,
      instanceKey('seg', a),
      kb,
      instanceKey('chat', [st('g0', 0, 5), st('g1', 5, 10)]),
      instanceKey('chat', [st('g0', 0, 10, { gpus: 2 })]),
      instanceKey('chat', [st('g0', 0, 10, { peers: ['g1'] })]),
      instanceKey('chat', [st('g0', 0, 10, { gpuFraction: 0.5 })]),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('diff › equal keys kept first come first matched, the rest fresh, unmatched active ones drained in placement order', () => {
    const list = [
      placed(kb, 'ready', 'b1'),
      placed(ka, 'ready', 'a1'),
      placed(ka, 'loading', 'a2'),
      placed(ka, 'pending', 'a3'),
      placed(kb, 'ready', 'b2'),
    ];
    const d = diffPlan(
      { instances: [p('chat', a), p('chat', a), p('chat', b), p('chat', b), p('chat', b)], reason: '' },
      list,
      () => true,
    );
    expect(d.kept.map((x) => x.tag)).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(d.fresh.map((f) => f.key)).toEqual([kb]);
    expect(d.fresh[0]!.planned.stages).toBe(b);
    // Grouped by key, keys in the order of their first placement (b before a).
    expect(d.drained.map((x) => x.tag)).toEqual(['a3']);
    expect(d.unknownServices).toEqual([]);
    const none = diffPlan({ instances: [], reason: '' }, list, () => true);
    expect(none.drained.map((x) => x.tag)).toEqual(['b1', 'b2', 'a1', 'a2', 'a3']);
  });

  it('diff › draining, failed and gone instances are never kept nor drained again; unknown services are listed', () => {
    const list = [placed(ka, 'draining', 'd'), placed(ka, 'failed', 'f'), placed(ka, 'gone', 'g')];
    const d = diffPlan(
      { instances: [p('chat', a), p('ghost', a), p('chat', b)], reason: '' },
      list,
      (name) => name === 'chat',
    );
    expect(d.kept).toEqual([]);
    expect(d.drained).toEqual([]);
    expect(d.fresh.map((f) => f.key)).toEqual([ka, kb]);
    expect(d.unknownServices).toEqual(['ghost']);
  });
});

describe('host rules › plan checks', () => {
  /** g0: 1 GPU, g1: 2 GPUs, g2: down, g3: not reachable from the ingress; tp groups only g0+g1. */
  const ids = ['g0', 'g1', 'g2', 'g3'];
  const topo: PlacementTopology = {
    deviceIndex: (id) => {
      const i = ids.indexOf(id);
      return i < 0 ? undefined : i;
    },
    alive: (d) => d !== 2,
    gpus: (d) => (d === 1 ? 2 : 1),
    reachable: (_s, d) => d !== 3,
    groupProblem: (m) => (m.join('+') === 'g0+g1' ? null : `no group link ${m.join('+')}`),
  };
  const check = (stages: Stage[], svc = chat) => planProblem({ service: svc.name, stages }, svc, 0, topo);

  it('checks › a whole, contiguous plan on live, reachable devices passes', () => {
    expect(check([st('g0', 0, 4), st('g1', 4, 10, { gpus: 2 })])).toBeNull();
    expect(check([st('g0', 0, 10, { peers: ['g1'] })])).toBeNull();
    expect(check([st('g0', 0, 10, { peers: [] })])).toBeNull();
    // Segmentation stages carry no layer ranges that matter.
    expect(check([st('g0', 0, 0)], seg)).toBeNull();
  });

  it('checks › each broken rule gives its reason', () => {
    expect(check([])).toBe('no stages');
    expect(check([st('tpu', 0, 10)])).toBe('unknown device tpu');
    expect(check([st('g2', 0, 10)])).toBe('device g2 is down');
    expect(check([st('g0', 0, 10, { gpus: 2 })])).toBe('gpus 2 on g0 (has 1)');
    expect(check([st('g1', 0, 10, { gpus: 0 })])).toBe('gpus 0 on g1 (has 2)');
    expect(check([st('g1', 0, 10, { gpus: 1.5 })])).toBe('gpus 1.5 on g1 (has 2)');
    expect(check([st('g1', 0, 10, { gpus: 3 })])).toBe('gpus 3 on g1 (has 2)');
    expect(check([st('g0', 1, 10)])).toBe('layers not contiguous at g0');
    expect(check([st('g0', 0, 4), st('g1', 5, 10)])).toBe('layers not contiguous at g1');
    expect(check([st('g0', 0, 4), st('g1', 4, 4)])).toBe('layers not contiguous at g1');
    expect(check([st('g0', 0, 9)])).toBe('layers cover [0,9) of 10');
    expect(check([st('g3', 0, 10)])).toBe('g3 unreachable from ingress');
    expect(check([st('g0', 0, 10, { peers: ['tpu'] })])).toBe('unknown device tpu');
    expect(check([st('g0', 0, 10, { peers: ['g2'] })])).toBe('device g2 is down');
    expect(check([st('g1', 0, 10, { peers: ['g0'] })])).toBe('no group link g1+g0');
  });
});

describe('host rules › weight memory', () => {
  const idx = (id: string) => Number(id.slice(1));
  it('shares › an LLM stage holds its layers’ share; other kinds an equal share per stage', () => {
    expect(stageShares(chat, [st('g0', 0, 3), st('g1', 3, 10)])).toEqual([0.3, 0.7]);
    expect(stageShares(seg, [st('g0', 0, 1), st('g1', 0, 1)])).toEqual([0.5, 0.5]);
    expect([...stageWeights(chat, [st('g0', 0, 5), st('g1', 5, 10)])]).toEqual([1 * GB, 1 * GB]);
  });

  it('need › a tensor-parallel stage holds 1/n of its weights on each member; stages on one device add up', () => {
    const stages = [st('g0', 0, 4, { peers: ['g1', 'g2', 'g3'] }), st('g0', 4, 10)];
    expect(stageMembers(stages[0]!)).toEqual(['g0', 'g1', 'g2', 'g3']);
    expect(stageMembers(stages[1]!)).toEqual(['g0']);
    const need = weightNeed(stages, [800, 1200], idx);
    expect([...need.entries()].sort((x, y) => x[0] - y[0])).toEqual([
      [0, 1400],
      [1, 200],
      [2, 200],
      [3, 200],
    ]);
  });

  it('held › only active instances hold weights; free = capacity − held, never below 0', () => {
    const need = new Map([
      [0, 5],
      [1, 7],
    ]);
    const held = heldWeights(3, [
      { state: 'ready', need },
      { state: 'loading', need: new Map([[0, 1]]) },
      { state: 'pending', need: new Map([[2, 2]]) },
      { state: 'draining', need },
      { state: 'failed', need },
      { state: 'gone', need },
    ]);
    expect([...held]).toEqual([6, 7, 2]);
    expect([...freeMemory([10, 5, 2], held)]).toEqual([4, 0, 0]);
  });

  it('overflow › the first device the new weights would overflow; exactly full still fits', () => {
    const held = [6, 7, 2];
    const cap = [10, 10, 10];
    expect(
      overflowDevice(
        new Map([
          [0, 4],
          [1, 3],
        ]),
        held,
        cap,
      ),
    ).toBe(-1);
    expect(
      overflowDevice(
        new Map([
          [0, 4.5],
          [1, 3],
        ]),
        held,
        cap,
      ),
    ).toBe(0);
    expect(
      overflowDevice(
        new Map([
          [2, 1],
          [1, 3.5],
          [0, 5],
        ]),
        held,
        cap,
      ),
    ).toBe(1);
  });
});

describe('host rules › device views from the scenario', () => {
  it('views › capacity from the catalog, compute slowed by `slowdown`, all memory free, nothing queued', () => {
    const spec = deviceSpec({
      gpus: 2,
      memoryBytesPerGpu: 8 * GB,
      flopsPerGpu: 100e12,
      memBandwidthBytesPerS: 1000 * GB,
    });
    const sc = scenario({ devices: [{ ...device('slow', spec, 'rack'), slowdown: 2 }, device('g1')] });
    const [slow, g1] = deviceStates(sc, false);
    expect(slow).toEqual({
      id: 'slow',
      type: 'testbox',
      deviceClass: 'gpu-server',
      site: 'rack',
      gpus: 2,
      memoryBytesPerGpu: 8 * GB,
      freeMemoryBytes: 16 * GB,
      flopsPerGpu: 50e12,
      memBandwidthBytesPerS: 500 * GB,
      intraNode: 'none',
      alive: false,
      queuedRequests: 0,
      utilization: 0,
      asOfS: 0,
    });
    expect(g1!.flopsPerGpu).toBe(100e12);
    expect(deviceStates(sc, true).map((d) => d.alive)).toEqual([true, true]);
  });
});
