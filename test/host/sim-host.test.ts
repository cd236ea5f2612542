/**
 * The simulator's host driven directly (World, Views, applyPlan, markReady, crashDevice, drain),
 * the clock moved by hand: what a policy sees in its views (free memory, queued requests,
 * utilization, the topology version, which instances are listed), the KV budget of co-located
 * LLM instances, memory refusals per GPU lane, load times and the busy-time accounting of the
 * GPU lanes. Devices: 1 GPU of 16 GB, storage 1 GB/s (test/sim/fixtures.ts); toy LLM: 2 GB of
 * weights, 10 layers, 100 kB of KV per token; KV blocks of 16 tokens (1.6 MB per block).
 */
import { describe, expect, it } from 'vitest';
import type { PlannedInstance, Stage } from '../../policies/index.js';
import type { Scenario } from '../../scenarios/index.js';
import { engineStats } from '../../sim/host/engine-stats.js';
import { HostLoadIndex } from '../../sim/host/load-index.js';
import { applyPlan, crashDevice, goneIfIdle, markReady, recoverDevice } from '../../sim/host/placement.js';
import type { World } from '../../sim/host/world.js';
import { simulate } from '../../sim/index.js';
import type { RequestRecord } from '../../policies/index.js';
import { bareWorld } from './bare-world.js';
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

/** A World and its Views at t = 0, with the `ready` handler wired (the rest stay unregistered). */
function host(sc: Scenario, syncing = false) {
  const { w, views, kernel } = bareWorld(sc, syncing);
  w.handlers.ready = kernel.register((i) => markReady(w, w.instances[i]!));
  const place = (instances: PlannedInstance[]) => {
    const changed = applyPlan(w, { instances, reason: 'test' });
    if (changed) views.instancesChanged();
    return changed;
  };
  const free = () => w.deviceViews.map((d) => d.freeMemoryBytes / GB);
  return { w, views, kernel, place, free };
}

const whole = (dev: string, over: Partial<Stage> = {}): Stage[] => [
  { device: dev, firstLayer: 0, endLayer: 10, gpus: 1, ...over },
];
const chat = (stages: Stage[], over: Partial<PlannedInstance> = {}): PlannedInstance => ({
  service: 'chat',
  stages,
  ...over,
});
const two = (over: Parameters<typeof scenario>[0] = {}) =>
  scenario({ devices: [device('gpu0'), device('gpu1')], horizonS: 20, ...over });
const seg = llmService({
  name: 'seg',
  kind: 'segmentation',
  model: modelSpec({ kind: 'segmentation', layers: 1, weightBytes: 1 * GB }),
  slo: { kind: 'frame', deadlineS: 0.1 },
});

describe('sim host › lifecycle in the views', () => {
  it('place → load → ready → drain → gone: free memory, instance list and version as a policy sees them', () => {
    const { w, views, kernel, place, free } = host(two());
    views.beforePlacement();
    expect(free()).toEqual([16, 16]);
    const v0 = views.cluster.version!;
    expect(place([chat(whole('gpu0'))])).toBe(true);
    views.beforePlacement();
    expect(free()).toEqual([14, 16]);
    expect(views.cluster.instances.map((i) => [i.id, i.state])).toEqual([['chat#0', 'loading']]);
    const v1 = views.cluster.version!;
    expect(v1).toBeGreaterThan(v0);
    // The same plan again keeps the instance: nothing changes, the version stays.
    expect(place([chat(whole('gpu0'))])).toBe(false);
    views.beforePlacement();
    expect(views.cluster.version).toBe(v1);
    // 2 GB at 1 GB/s: ready at t = 2, not before.
    kernel.runUntil(1.999);
    expect(w.instances[0]!.state).toBe('loading');
    kernel.runUntil(2);
    expect(w.instances[0]!.state).toBe('ready');
    views.beforePlacement();
    expect(views.cluster.version).toBeGreaterThan(v1);
    const v2 = views.cluster.version!;
    // Marking an instance ready twice changes nothing.
    markReady(w, w.instances[0]!);
    expect(w.topology).toBe(v2);
    // Drained with a request on its way: draining (visible), its memory free at once.
    w.instances[0]!.inTransit = 1;
    expect(place([])).toBe(true);
    views.beforePlacement();
    expect(views.cluster.instances.map((i) => i.state)).toEqual(['draining']);
    expect(free()).toEqual([16, 16]);
    goneIfIdle(w, w.instances[0]!);
    expect(w.instances[0]!.state).toBe('draining');
    w.instances[0]!.inTransit = 0;
    goneIfIdle(w, w.instances[0]!);
    views.instancesChanged();
    expect(views.cluster.instances).toEqual([]);
    // Only a load record carries the stages.
    expect(w.changes.map((c) => 'stages' in c)).toEqual([true, false, false, false]);
    // Setting the state an instance already has changes nothing.
    const vGone = w.topology;
    w.setLifecycle(w.instances[0]!, 'gone');
    expect(w.topology).toBe(vGone);
    expect(w.changes.map((c) => `${c.timeS} ${c.action} ${c.instance}`)).toEqual([
      '0 load chat#0',
      '2 ready chat#0',
      '2 drain chat#0',
      '2 gone chat#0',
    ]);
  });

  it('warm start › an instance placed at t = 0 is ready at once; placed later it loads', () => {
    const { w, kernel, place } = host(two());
    w.warmStart = true;
    place([chat(whole('gpu0'))]);
    kernel.runUntil(0);
    expect(w.instances[0]!.state).toBe('ready');
    kernel.runUntil(5);
    place([chat(whole('gpu0')), chat(whole('gpu1'))]);
    kernel.runUntil(6.9);
    expect(w.instances[1]!.state).toBe('loading');
    kernel.runUntil(7);
    expect(w.instances[1]!.state).toBe('ready');
  });

  it('load time › the slowest stage; tensor-parallel members load their 1/n in parallel', () => {
    const slow = deviceSpec({ storageBytesPerS: 0.25 * GB });
    const { w, kernel, place } = host(scenario({ devices: [device('gpu0'), device('slow', slow)], horizonS: 20 }));
    place([
      // 1.6 GB on gpu0 (1.6 s), 0.4 GB on slow (1.6 s at 0.25 GB/s)... and one all on slow.
      chat([
        { device: 'gpu0', firstLayer: 0, endLayer: 8, gpus: 1 },
        { device: 'slow', firstLayer: 8, endLayer: 10, gpus: 1 },
      ]),
      chat(whole('gpu0', { peers: ['slow'] })),
    ]);
    kernel.runUntil(20);
    const ready = w.changes.filter((c) => c.action === 'ready').map((c) => `${c.instance}@${c.timeS.toFixed(3)}`);
    // Pipeline: max(1.6 / 1, 0.4 / 0.25) = 1.6 s; tensor-parallel: max(1 / 1, 1 / 0.25) = 4 s.
    expect(ready).toEqual(['chat#0@1.600', 'chat#1@4.000']);
  });

  it('load record › stages and a whole micro-batch count (floored; absent when 0 or unset)', () => {
    const { w, place } = host(two());
    place([
      chat(whole('gpu0'), { microBatches: 2.7 }),
      chat(whole('gpu1'), { microBatches: 0.5 }),
      chat(whole('gpu1', { gpuFraction: 0.5 })),
    ]);
    const loads = w.changes.filter((c) => c.action === 'load');
    expect(loads.map((c) => c.microBatches)).toEqual([2, undefined, undefined]);
    expect(loads.map((c) => 'microBatches' in c)).toEqual([true, false, false]);
    expect(loads[0]!.stages).toEqual(whole('gpu0'));
    expect(w.instances.map((i) => i.microBatches)).toEqual([2, 0, 0]);
  });
});

describe('sim host › KV budget of co-located LLM instances', () => {
  const blocks = (w: World) => w.instances.map((i) => i.kvCapacityBlocks);

  it('kv › one instance: 90% of the GPU memory left after weights, in 16-token blocks', () => {
    const { w, place } = host(two());
    place([chat(whole('gpu0'))]);
    // 0.9 × (16 − 2) GB / (100 kB × 16) = 7875 blocks.
    expect(blocks(w)).toEqual([7875]);
  });

  it('kv › two new instances on one GPU split what the weights leave equally', () => {
    const { w, place } = host(two());
    place([chat(whole('gpu0')), chat(whole('gpu0')), chat(whole('gpu1'))]);
    // gpu0: 0.9 × (16 − 4) GB / 2 / 1.6 MB = 3375 each; gpu1 alone: 7875.
    expect(blocks(w)).toEqual([3375, 3375, 7875]);
  });

  it('kv › a kept instance counts as a sharer of a new one (its own budget was set when it loaded)', () => {
    const { w, place } = host(two());
    place([chat(whole('gpu0'))]);
    place([chat(whole('gpu0')), chat(whole('gpu0'))]);
    expect(blocks(w)).toEqual([7875, 3375]);
  });

  it('kv › a segmentation co-tenant takes memory but no KV share; a model without KV has no KV limit', () => {
    const sc = two({ services: [llmService(), seg] });
    const { w, place } = host(sc);
    place([{ service: 'seg', stages: whole('gpu0') }, chat(whole('gpu0'))]);
    // 0.9 × (16 − 1 − 2) GB / 1.6 MB = 7312.5 → 7312.
    expect(blocks(w)).toEqual([Infinity, 7312]);
    const noKv = two({ services: [llmService({ model: modelSpec({ kvBytesPerToken: 0 }) })] });
    const h = host(noKv);
    h.place([chat(whole('gpu0'))]);
    expect(blocks(h.w)).toEqual([Infinity]);
  });

  it('kv › a pipeline is bounded by its tightest stage; a stage holds KV for its layers only', () => {
    const { w, place } = host(two());
    place([
      chat([
        { device: 'gpu0', firstLayer: 0, endLayer: 2, gpus: 1 },
        { device: 'gpu1', firstLayer: 2, endLayer: 10, gpus: 1 },
      ]),
    ]);
    // Stage 0: 0.9 × 15.6 GB / (100 kB × 0.2 × 16) = 43875; stage 1: 0.9 × 14.4 GB / (100 kB × 0.8 × 16) = 10125.
    expect(blocks(w)).toEqual([10125]);
  });

  it('kv › a tensor-parallel stage: each member holds half the weights and half the KV', () => {
    const { w, place } = host(two());
    place([chat(whole('gpu0', { peers: ['gpu1'] }))]);
    // Root GPU: 16 − 1 GB free; 0.9 × 15 GB / (100 kB × 0.5 × 16) = 16875.
    expect(blocks(w)).toEqual([16875]);
    expect(w.weightsReserved.map((b) => b / GB)).toEqual(Float64Array.of(1, 1));
  });
});

describe('sim host › memory per GPU lane and refusals', () => {
  const twoGpu = deviceSpec({ gpus: 2, memoryBytesPerGpu: 8 * GB });
  const big = llmService({ model: modelSpec({ weightBytes: 10 * GB }) });

  it('lanes › weights must fit one GPU per stage GPU: 10 GB on one 8 GB GPU is refused, on two it loads', () => {
    const { w, place, free } = host(scenario({ devices: [device('box', twoGpu)], services: [big] }));
    expect(place([chat(whole('box'))])).toBe(false);
    expect([...w.notes]).toEqual(['refused instance of chat on box: weights exceed free memory']);
    expect([...w.lanes.weights, ...w.weightsReserved]).toEqual([0, 0, 0]);
    expect(place([chat(whole('box', { gpus: 2 }))])).toBe(true);
    expect([...w.lanes.weights].map((b) => b / GB)).toEqual([5, 5]);
    expect(free()).toEqual([6]);
  });

  it('lanes › a refused pipeline gives back the lanes its earlier stages took', () => {
    const sc = scenario({
      devices: [device('box', twoGpu), device('small', deviceSpec({ memoryBytesPerGpu: 4 * GB }))],
      services: [big],
    });
    const { w, place } = host(sc);
    place([
      chat([
        { device: 'box', firstLayer: 0, endLayer: 5, gpus: 1 },
        { device: 'small', firstLayer: 5, endLayer: 10, gpus: 1 },
      ]),
    ]);
    expect([...w.notes]).toEqual(['refused instance of chat on small: weights exceed free memory']);
    expect([...w.lanes.weights]).toEqual([0, 0, 0]);
    expect([...w.lanes.stages]).toEqual([0, 0, 0]);
    expect(w.instances).toEqual([]);
  });

  it('lanes › a tensor-parallel peer without room refuses the instance and frees the root’s lanes', () => {
    const sc = scenario({
      devices: [device('gpu0'), device('small', deviceSpec({ memoryBytesPerGpu: 4 * GB }))],
      services: [big],
    });
    const { w, place } = host(sc);
    // 5 GB per member: fits gpu0 (16 GB), not small (4 GB) — the per-device check already says so.
    place([chat(whole('gpu0', { peers: ['small'] }))]);
    expect([...w.notes]).toEqual(['refused instance of chat on small: weights exceed free memory']);
    expect([...w.lanes.weights]).toEqual([0, 0]);
    expect(w.weightsReserved.every((b) => b === 0)).toBe(true);
  });

  it('lanes › a peer whose GPUs are full though its device total fits: refused on the peer, root lanes freed', () => {
    const sc = scenario({ devices: [device('gpu0'), device('box', twoGpu)], services: [big] });
    const { w, place } = host(sc);
    // Per member 5 GB: box has 16 GB in total but 2 GPUs of 8 GB; the peer takes both GPUs (2.5 GB each) — fits.
    place([chat(whole('gpu0', { peers: ['box'] }))]);
    expect(w.instances).toHaveLength(1);
    expect([...w.lanes.weights].map((b) => b / GB)).toEqual([5, 2.5, 2.5]);
    // A second one: 4 GB each per... box GPUs hold 2.5 + 2.5 = 5 of 8; gpu0 holds 5 + 5 = 10 of 16: fits too.
    place([chat(whole('gpu0', { peers: ['box'] })), chat(whole('gpu0', { peers: ['box'] }))]);
    expect(w.instances).toHaveLength(2);
    // A third needs 5 GB more on gpu0 (15 ≤ 16) and 2.5 GB more per box GPU (7.5 ≤ 8): fits; a fourth does not.
    place([0, 1, 2, 3].map(() => chat(whole('gpu0', { peers: ['box'] }))));
    expect(w.instances).toHaveLength(3);
    expect([...w.notes]).toEqual(['refused instance of chat on gpu0: weights exceed free memory']);
  });

  it('checks › a down device and a fractional GPU count are refused with the shared reason', () => {
    const { w, place } = host(two());
    crashDevice(w, 1);
    place([chat(whole('gpu1')), chat(whole('gpu0', { gpus: 0.5 })), chat(whole('gpu0', { peers: ['gpu1'] }))]);
    expect([...w.notes].sort()).toEqual([
      'refused instance of chat: device gpu1 is down',
      'refused instance of chat: gpus 0.5 on gpu0 (has 1)',
    ]);
    // Recovered: the same plan loads.
    recoverDevice(w, 1);
    place([chat(whole('gpu1'))]);
    expect(w.instances.map((i) => i.state)).toEqual(['loading']);
  });

  it('checks › a tensor-parallel group over a down link is refused', () => {
    const sc = two({
      links: [link('l-gpu0', 'gpu0', 'sw', 1e9, 0), link('l-gpu1', 'gpu1', 'sw', 1e9, 0)],
      faults: [{ kind: 'link-outage', link: 'l-gpu1', atS: 0, durationS: 10 }],
    });
    const { w, place } = host(sc);
    place([chat(whole('gpu0', { peers: ['gpu1'] }))]);
    expect([...w.notes]).toEqual(['refused instance of chat: link l-gpu1 is down']);
  });

  it('notes › a plan naming an unknown service is noted and ignored', () => {
    const { w, place } = host(two());
    expect(place([{ service: 'ghost', stages: whole('gpu0') }])).toBe(false);
    expect([...w.notes]).toEqual(['plan names unknown service ghost; ignored']);
  });
});

describe('sim host › crashes', () => {
  it('crash › instances on the device fail and stay visible; the memory of the others stays held', () => {
    const { w, views, place, free } = host(two());
    // A: pipeline gpu0 → gpu1 (1 GB each); B: whole on gpu1.
    place([
      chat([
        { device: 'gpu0', firstLayer: 0, endLayer: 5, gpus: 1 },
        { device: 'gpu1', firstLayer: 5, endLayer: 10, gpus: 1 },
      ]),
      chat(whole('gpu1')),
    ]);
    views.beforePlacement();
    expect(free()).toEqual([15, 13]);
    // A drains (held open by a request in transit): its weights are free at once.
    w.instances[0]!.inTransit = 1;
    place([chat(whole('gpu1'))]);
    views.beforePlacement();
    expect(free()).toEqual([16, 14]);
    const v = w.topology;
    crashDevice(w, 0);
    views.instancesChanged();
    views.beforePlacement();
    // The draining instance fails; its weights were already given back (not twice: B keeps its 2 GB).
    expect(w.instances.map((i) => i.state)).toEqual(['failed', 'loading']);
    expect(free()).toEqual([16, 14]);
    expect([...w.lanes.weights].map((b) => b / GB)).toEqual([0, 2]);
    expect(views.cluster.instances.map((i) => i.state)).toEqual(['failed', 'loading']);
    expect(views.cluster.devices.map((d) => d.alive)).toEqual([false, true]);
    expect(w.topology).toBeGreaterThan(v);
    // A second crash report of a dead device changes nothing.
    const v2 = w.topology;
    crashDevice(w, 0);
    expect(w.topology).toBe(v2);
    expect(w.changes.filter((c) => c.action === 'failed')).toHaveLength(1);
    // Recovering a live device changes nothing; recovering the dead one bumps the version.
    recoverDevice(w, 1);
    expect(w.topology).toBe(v2);
    recoverDevice(w, 0);
    expect(w.topology).toBe(v2 + 1);
    expect(w.alive[0]).toBe(1);
  });

  it('crash › of a peer fails its instance, frees the surviving members’ weights, not the others’', () => {
    const sc = scenario({ devices: [device('gpu0'), device('gpu1'), device('gpu2')], horizonS: 20 });
    const { w, views, place, free } = host(sc);
    place([chat(whole('gpu0', { peers: ['gpu1'] })), chat(whole('gpu0')), chat(whole('gpu2', { peers: ['gpu1'] }))]);
    views.beforePlacement();
    expect(free()).toEqual([13, 14, 15]);
    crashDevice(w, 1);
    views.beforePlacement();
    expect(w.instances.map((i) => i.state)).toEqual(['failed', 'loading', 'failed']);
    expect(free()).toEqual([14, 16, 16]);
    expect([...w.lanes.weights].map((b) => b / GB)).toEqual([2, 0, 0]);
  });

  it('views › a device marked down behind the view’s back is seen at the next tick, with a version bump', () => {
    const { w, views, kernel } = host(two());
    views.beforePlacement();
    const v = w.topology;
    w.alive[1] = 0;
    kernel.runUntil(1);
    views.tick();
    expect(w.deviceViews.map((d) => [d.alive, d.asOfS])).toEqual([
      [true, 1],
      [false, 1],
    ]);
    expect(w.topology).toBe(v + 1);
    views.tick();
    expect(w.topology).toBe(v + 1);
    // setAlive: only a change bumps.
    w.setAlive(0, true);
    expect(w.topology).toBe(v + 1);
    w.setAlive(1, true);
    expect([w.alive[1], w.deviceViews[1]!.alive, w.topology]).toEqual([1, true, v + 2]);
  });
});

describe('sim host › counters a router sees', () => {
  it('queued › a request at a two-stage instance counts on both devices until it leaves', () => {
    const { w, views, place } = host(two());
    place([
      chat([
        { device: 'gpu0', firstLayer: 0, endLayer: 5, gpus: 1 },
        { device: 'gpu1', firstLayer: 5, endLayer: 10, gpus: 1 },
      ]),
      chat(whole('gpu1')),
    ]);
    const [a, b] = w.instances;
    w.enterInstance(a!);
    w.enterInstance(a!);
    w.enterInstance(b!);
    const nv = views.nodeView(w.ingressNode[0]!);
    expect(nv.devices.map((d) => d.queuedRequests)).toEqual([2, 3]);
    expect(nv.instances.map((i) => i.queued)).toEqual([2, 1]);
    w.leaveInstance(a!);
    expect(nv.devices.map((d) => d.queuedRequests)).toEqual([1, 2]);
    expect(nv.instances.map((i) => i.queued)).toEqual([1, 1]);
  });

  it('load index › the least loaded routable instance follows queue changes, and a lifecycle change rebuilds it', () => {
    const { w, views, place } = host(two());
    const index = new HostLoadIndex(() => w.topology);
    w.loadIndex = index;
    place([chat(whole('gpu0')), chat(whole('gpu1'))]);
    for (const i of w.instances) markReady(w, i);
    views.instancesChanged();
    const [a, b] = w.instances;
    const least = () => index.leastLoaded(views.nodeView(w.ingressNode[0]!), 'chat')?.id;
    expect(least()).toBe('chat#0');
    w.enterInstance(a!);
    expect(least()).toBe('chat#1');
    w.enterInstance(b!);
    w.enterInstance(b!);
    expect(least()).toBe('chat#0');
    w.setLifecycle(a!, 'draining');
    expect(least()).toBe('chat#1');
    expect(index.leastLoaded(views.nodeView(w.ingressNode[0]!), 'nope')).toBeUndefined();
  });

  it('version › the node view carries the current topology version and time', () => {
    const { w, views, kernel, place } = host(two());
    kernel.runUntil(3);
    place([chat(whole('gpu0'))]);
    const nv = views.nodeView(w.ingressNode[0]!);
    expect([nv.now, nv.version]).toEqual([3, w.topology]);
    expect(nv.self).toBe('sw');
    w.setLifecycle(w.instances[0]!, 'loading');
    expect(views.nodeView(w.ingressNode[0]!).version).toBe(nv.version);
  });
});

describe('sim host › busy time of the GPU lanes', () => {
  it('utilization › work on the lanes since the last tick over the tick; a cut run gives its rest back', () => {
    const { w, views, kernel } = host(two());
    const l0 = Int32Array.of(w.lanes.base[0]!);
    // 0–0.2, then a run booked to 2.2 after it (FIFO), cut at 0.6.
    expect(w.runOnLanes(0, l0, 0, 0.2, -1)).toBeCloseTo(0.2, 12);
    expect(w.runOnLanes(0, l0, 0.1, 2, -1)).toBeCloseTo(2.2, 12);
    expect(w.lastStartS).toBeCloseTo(0.2, 12);
    expect(w.lanesFree(l0, 2.1)).toBe(false);
    w.releaseLanes(0, l0, 0.6, 2.2);
    expect(w.lanesFree(l0, 0.6)).toBe(true);
    expect(w.lanesFree(l0, 0.5)).toBe(false);
    kernel.runUntil(1);
    views.tick();
    expect(w.deviceViews[0]!.utilization).toBeCloseTo(0.6, 12);
    expect(w.deviceViews[1]!.utilization).toBe(0);
    // Next work starts when the cut run ends (0.6), not at 2.2.
    expect(w.runOnLanes(0, l0, 0, 0.1, -1)).toBeCloseTo(0.7, 12);
    kernel.runUntil(2);
    w.runOnLanes(0, l0, 2, 0.25, -1);
    views.tick();
    expect(w.deviceViews[0]!.utilization).toBeCloseTo(0.35, 12);
    // A tick at the same instant keeps the last figure.
    views.tick();
    expect(w.deviceViews[0]!.utilization).toBeCloseTo(0.35, 12);
    kernel.runUntil(3);
    w.runOnLanes(0, l0, 3, 5, -1);
    views.tick();
    expect(w.deviceViews[0]!.utilization).toBe(1);
  });

  it('utilization › one lane of a two-GPU device busy is half the device; per-lane busy within the horizon', () => {
    const sc = scenario({ devices: [device('box', deviceSpec({ gpus: 2 }))], horizonS: 10 });
    const { w, views, kernel } = host(sc);
    w.runOnLanes(0, Int32Array.of(1), 0, 0.5, -1);
    kernel.runUntil(1);
    views.tick();
    expect(w.deviceViews[0]!.utilization).toBeCloseTo(0.25, 12);
    // Work crossing the horizon counts up to it: 9–12 on lane 0 is 1 s of a 10 s run.
    w.runOnLanes(0, Int32Array.of(0, 1), 9, 3, -1);
    w.runOnLanes(0, Int32Array.of(0), 11, 1, -1);
    expect(engineStats(w).lanes).toEqual({ box: [0.1, 0.15] });
    // Releasing part of it after the horizon takes nothing back from the run's share.
    w.releaseLanes(0, Int32Array.of(0), 11, 12);
    w.releaseLanes(0, Int32Array.of(1), 9.5, 12);
    expect(engineStats(w).lanes).toEqual({ box: [0.1, 0.1] });
    expect([...w.lanes.busy]).toEqual([3, 1]);
  });
});

describe('sim host › links and demand in the views', () => {
  it('links › a tick shows outages and degradations in force at its time', () => {
    const sc = two({
      links: [link('l-gpu0', 'gpu0', 'sw', 1e9, 0), link('l-gpu1', 'gpu1', 'sw', 1e9, 0)],
      faults: [
        { kind: 'link-outage', link: 'l-gpu0', atS: 2, durationS: 2 },
        { kind: 'link-degrade', link: 'l-gpu1', atS: 1, durationS: 2, bandwidthFactor: 0.25 },
      ],
    });
    const { views, kernel } = host(sc);
    const seen = () => views.links.map((l) => `${l.id}:${l.up ? 'up' : 'down'}:${l.bandwidthBps / 1e6}`);
    views.tick();
    expect(seen()).toEqual(['l-gpu0:up:1000', 'l-gpu1:up:1000']);
    kernel.runUntil(2);
    views.tick();
    expect(seen()).toEqual(['l-gpu0:down:1000', 'l-gpu1:up:250']);
    kernel.runUntil(4);
    views.tick();
    expect(seen()).toEqual(['l-gpu0:up:1000', 'l-gpu1:up:1000']);
  });

  it('demand › arrivals since the last placement over its window; at t = 0 the declared rate, noted when 0', () => {
    const closed = llmService({
      name: 'bench',
      arrivals: { process: 'closed', concurrency: 2, thinkS: 0, thinkDist: 'fixed' },
    });
    const { w, views, kernel } = host(
      two({ services: [llmService({ arrivals: { process: 'poisson', ratePerS: 3 } }), closed] }),
    );
    views.beforePlacement();
    expect(views.services.map((s) => s.demandRps)).toEqual([3, 0]);
    expect([...w.notes]).toEqual(['bench: planned with demand 0 (no demand known at t = 0)']);
    views.arrivalsSincePlace[0] = 40;
    views.arrivalsSincePlace[1] = 5;
    kernel.runUntil(20);
    views.beforePlacement();
    expect(views.services.map((s) => s.demandRps)).toEqual([2, 0.25]);
    expect([...views.arrivalsSincePlace]).toEqual([0, 0]);
    expect(views.cluster.now).toBe(20);
  });
});

describe('sim host › request table and records', () => {
  it('table › sized once for the declared rates over the horizon (+10%), between 4096 and 2^21 slots', () => {
    const size = (ratePerS: number, horizonS: number) =>
      host(scenario({ services: [llmService({ arrivals: { process: 'poisson', ratePerS } })], horizonS })).w.requests
        .arrival.length;
    expect(size(1, 100)).toBe(4096);
    // 40/s × 1000 s × 1.1 = 44 000.
    expect(size(40, 1000)).toBe(44_000);
    expect(size(10_000, 1000)).toBe(1 << 21);
  });

  it('records › one per request: the instance’s devices when served, the reason only when there is one', () => {
    const sc = two({ horizonS: 30 });
    const rec = recorder();
    simulate(sc, {
      policyImpl: fixedPlanPolicy([
        chat([
          { device: 'gpu0', firstLayer: 0, endLayer: 5, gpus: 1 },
          { device: 'gpu1', firstLayer: 5, endLayer: 10, gpus: 1 },
        ]),
      ]),
      records: rec.records,
      // Before the instance is ready (1 GB per stage: ready at 1; dropped), served at 10, running at the horizon.
      arrivals: fixedArrivals({
        chat: [
          [0.5, 100, 3],
          [10, 100, 3],
          [29.99, 100, 50],
        ],
      }),
    });
    const [early, served, open] = rec.byId as RequestRecord[];
    expect(early).toMatchObject({ id: 0, service: 'chat', outcome: 'dropped', reason: 'no-instance', devices: [] });
    expect([early!.arrivalS, early!.finishS]).toEqual([0.5, 0.5]);
    expect(early!.startS).toBeNaN();
    expect(served).toMatchObject({
      id: 1,
      outcome: 'ok',
      devices: ['gpu0', 'gpu1'],
      promptTokens: 100,
      outputTokens: 3,
    });
    expect('reason' in served!).toBe(false);
    expect(served!.arrivalS).toBe(10);
    expect(served!.startS).toBeGreaterThanOrEqual(10);
    expect(served!.firstTokenS).toBeGreaterThan(served!.startS);
    expect(served!.finishS).toBeGreaterThan(served!.firstTokenS);
    expect(open).toMatchObject({ id: 2, outcome: 'inflight', devices: ['gpu0', 'gpu1'] });
    expect(open!.finishS).toBeNaN();
  });

  it('records › a request on its way to an instance whose device crashes fails on arrival (device-crash)', () => {
    // 1 s of link latency each way: sent at 10, reaches gpu0 at 11; gpu0 crashes at 10.5.
    const sc = scenario({
      links: [link('l', 'gpu0', 'sw', 1e12, 1)],
      faults: [{ kind: 'device-crash', device: 'gpu0', atS: 10.5, recoverAfterS: null }],
      horizonS: 20,
    });
    const rec = recorder();
    simulate(sc, {
      policyImpl: fixedPlanPolicy([chat(whole('gpu0'))]),
      records: rec.records,
      arrivals: fixedArrivals({ chat: [[10, 100, 3]] }),
    });
    expect(rec.byId[0]).toMatchObject({ outcome: 'failed', reason: 'device-crash', devices: ['gpu0'] });
    expect(rec.byId[0]!.finishS).toBeCloseTo(11, 6);
  });
});

describe('sim host › what placement hands the serving engine', () => {
  it('settings › the service’s step budget, chunked prefill, swap preemption and KV bytes per token; defaults otherwise', () => {
    const tuned = llmService({ maxBatchedTokens: 512, chunkedPrefill: true, preemption: 'swap', maxBatch: 4 });
    const { w, place } = host(two({ services: [tuned] }));
    place([chat(whole('gpu0'))]);
    const [i] = w.instances;
    expect([i!.maxStepTokens, i!.chunkedPrefill, i!.swapPreemption, i!.kvBytesPerToken, i!.maxBatch]).toEqual([
      512,
      true,
      true,
      100_000,
      4,
    ]);
    expect(i!.running.length).toBe(4);
    const plain = host(two());
    plain.place([chat(whole('gpu0'))]);
    const [j] = plain.w.instances;
    expect([j!.maxStepTokens, j!.chunkedPrefill, j!.swapPreemption]).toEqual([Infinity, false, false]);
    expect(j!.item).toBeNull();
    expect(j!.llm).toHaveLength(1);
  });

  it('settings › a segmentation instance gets an item model, no LLM stages and no KV limit', () => {
    const { w, place } = host(two({ services: [seg] }));
    place([{ service: 'seg', stages: whole('gpu0') }]);
    const [i] = w.instances;
    expect(i!.llm).toBeNull();
    expect(i!.item).not.toBeNull();
    expect(i!.kvCapacityBlocks).toBe(Infinity);
  });

  it('settings › tensor-parallel peers are recorded per peer: device, stage and GPU lanes', () => {
    const sc = scenario({ devices: [device('gpu0'), device('gpu1'), device('gpu2')], horizonS: 20 });
    const { w, place } = host(sc);
    place([
      chat([
        { device: 'gpu0', firstLayer: 0, endLayer: 5, gpus: 1 },
        { device: 'gpu1', firstLayer: 5, endLayer: 10, gpus: 1, peers: ['gpu2'] },
      ]),
    ]);
    const [i] = w.instances;
    expect([...i!.peerDevices]).toEqual([2]);
    expect([...i!.peerStage]).toEqual([1]);
    expect(i!.peerLanes.map((l) => [...l])).toEqual([[2]]);
    expect(i!.deviceIds).toEqual(['gpu0', 'gpu1', 'gpu2']);
    expect([i!.usesDevice(0), i!.usesDevice(1), i!.usesDevice(2)]).toEqual([true, true, true]);
  });

  it('crash › a failed instance shows nothing running and hands its lanes on live devices back', () => {
    const sc = scenario({ devices: [device('gpu0'), device('gpu1'), device('gpu2')], horizonS: 20 });
    const { w, views, place } = host(sc);
    // a: gpu0 → gpu1 (a decode run owns both lanes); b on gpu2 owns its lane.
    place([
      chat([
        { device: 'gpu0', firstLayer: 0, endLayer: 5, gpus: 1 },
        { device: 'gpu1', firstLayer: 5, endLayer: 10, gpus: 1 },
      ]),
      chat(whole('gpu2')),
    ]);
    const [a, b] = w.instances;
    a!.view.running = 2;
    w.lanes.owner.set([a!.index, a!.index, b!.index]);
    crashDevice(w, 0);
    views.instancesChanged();
    expect(views.cluster.instances.map((i) => [i.state, i.running])).toEqual([
      ['failed', 0],
      ['loading', 0],
    ]);
    expect([...w.lanes.owner]).toEqual([-1, -1, b!.index]);
    expect([a!.busy, a!.runCount, a!.runSteps, a!.idle]).toEqual([false, 0, 1, true]);
  });
});

describe('sim host › instance state as the handlers read it', () => {
  it('serving › pending, loading, ready and draining instances take work; failed and gone ones do not', () => {
    const { w, place } = host(two());
    place([chat(whole('gpu0'))]);
    const [i] = w.instances;
    const serving = (['pending', 'loading', 'ready', 'draining', 'failed', 'gone'] as const).map((st) => {
      w.setLifecycle(i!, st);
      return i!.serving;
    });
    expect(serving).toEqual([true, true, true, true, false, false]);
  });

  it('idle › only with nothing in transit, queued, running or stepping: a draining instance waits for each', () => {
    const { w, place } = host(two());
    place([chat(whole('gpu0'))]);
    const [i] = w.instances;
    i!.inTransit = 1;
    place([]);
    const gone = () => {
      goneIfIdle(w, i!);
      return i!.state;
    };
    expect(gone()).toBe('draining');
    i!.inTransit = 0;
    i!.waiting.push(3);
    expect(gone()).toBe('draining');
    i!.waiting.shift();
    i!.runCount = 1;
    expect(gone()).toBe('draining');
    i!.runCount = 0;
    i!.busy = true;
    expect(gone()).toBe('draining');
    i!.busy = false;
    expect(gone()).toBe('gone');
  });

  it('devices › an instance uses its stage roots and peers, no other device', () => {
    const sc = scenario({ devices: [device('gpu0'), device('gpu1'), device('gpu2'), device('gpu3')], horizonS: 20 });
    const { w, place } = host(sc);
    place([chat(whole('gpu1', { peers: ['gpu2'] }))]);
    expect([0, 1, 2, 3].map((d) => w.instances[0]!.usesDevice(d))).toEqual([false, true, true, false]);
  });

  it('load index › load is queued plus running: every request in flight, a running one counted once', () => {
    const { w, views, place } = host(two());
    const index = new HostLoadIndex(() => w.topology);
    w.loadIndex = index;
    place([chat(whole('gpu0')), chat(whole('gpu1'))]);
    for (const i of w.instances) markReady(w, i);
    views.instancesChanged();
    const [a, b] = w.instances;
    const least = () => index.leastLoaded(views.nodeView(w.ingressNode[0]!), 'chat')?.id;
    // a: two requests routed, both in its batch; b: one routed, not started.
    w.enterInstance(a!);
    w.enterInstance(a!);
    a!.runCount = 2;
    w.countsChanged(a!);
    w.enterInstance(b!);
    expect(a!.view).toMatchObject({ queued: 0, running: 2 });
    expect(b!.view).toMatchObject({ queued: 1, running: 0 });
    expect(least()).toBe('chat#1');
    // a's two finish: out of the batch, then they leave.
    a!.runCount = 0;
    w.leaveInstance(a!);
    w.leaveInstance(a!);
    expect(a!.view).toMatchObject({ queued: 0, running: 0 });
    expect(least()).toBe('chat#0');
    // b: three more, three of its four in the batch; a: two routed, waiting.
    for (let k = 0; k < 3; k++) w.enterInstance(b!);
    b!.runCount = 3;
    w.countsChanged(b!);
    w.enterInstance(a!);
    w.enterInstance(a!);
    expect(b!.view).toMatchObject({ queued: 1, running: 3 });
    expect(least()).toBe('chat#0');
    // A running request was counted twice before (queued counted it too): b would have had 7.
    expect(b!.view.queued + b!.view.running).toBe(4);
  });

  it('views › utilization over a 2 s tick; a device back up behind the view’s back is seen up', () => {
    const { w, views, kernel } = host(two());
    w.runOnLanes(0, Int32Array.of(0), 0, 0.5, -1);
    kernel.runUntil(2);
    views.tick();
    expect(w.deviceViews[0]!.utilization).toBeCloseTo(0.25, 12);
    w.deviceViews[1]!.alive = false;
    const v = w.topology;
    views.tick();
    expect([w.deviceViews[1]!.alive, w.topology]).toEqual([true, v + 1]);
  });
});

describe('sim host › closed-loop clients', () => {
  it('clients › numbered across services, each sending for its own service from t = 0', () => {
    const closed = (name: string, concurrency: number) =>
      llmService({ name, arrivals: { process: 'closed', concurrency, thinkS: 0, thinkDist: 'fixed' } });
    const sc = two({ services: [llmService({ name: 'open' }), closed('a', 1), closed('b', 2)], horizonS: 5 });
    const rec = recorder();
    simulate(sc, { policyImpl: fixedPlanPolicy([]), records: rec.records, arrivals: fixedArrivals({}) });
    const atZero = rec.byId.filter((r) => r.arrivalS === 0).map((r) => r.service);
    expect(atZero).toEqual(['a', 'b', 'b']);
  });
});

describe('sim host › shared GPUs and refusals that roll back', () => {
  const twoGpu = deviceSpec({ gpus: 2, memoryBytesPerGpu: 8 * GB });
  it('fractions › stages with a gpuFraction pack onto one GPU; a fraction of 1 or more, or over 2 GPUs, claims whole GPUs', () => {
    const { w, place } = host(scenario({ devices: [device('box', twoGpu)] }));
    place([
      chat(whole('box', { gpuFraction: 0.5 })),
      chat(whole('box', { gpuFraction: 0.25 })),
      chat(whole('box', { gpuFraction: 1 })),
    ]);
    expect([...w.lanes.claimed]).toEqual([0.75, 1]);
    const h = host(scenario({ devices: [device('box', twoGpu)] }));
    h.place([chat(whole('box', { gpuFraction: 0.5, gpus: 2 })), chat(whole('box', { gpuFraction: 0 }))]);
    expect([...h.w.lanes.claimed]).toEqual([2, 1]);
    // Drained: the claims are handed back as they were made.
    place([]);
    expect([...w.lanes.claimed]).toEqual([0, 0]);
    h.place([]);
    expect([...h.w.lanes.claimed]).toEqual([0, 0]);
  });

  it('rollback › a later stage without a GPU that fits frees the GPUs the earlier stages took', () => {
    const big = llmService({ model: modelSpec({ weightBytes: 15 * GB }) });
    const sc = scenario({ devices: [device('a', twoGpu), device('b', twoGpu)], services: [big] });
    const { w, place } = host(sc);
    // Stage 0: 1/3 of 15 GB = 5 GB on one 8 GB GPU of a; stage 1: 10 GB on one GPU of b — the
    // device has 16 GB, no GPU has 10.
    place([
      chat([
        { device: 'a', firstLayer: 0, endLayer: 3, gpus: 1 },
        { device: 'b', firstLayer: 3, endLayer: 10, gpus: 1 },
      ]),
    ]);
    expect([...w.notes]).toEqual(['refused instance of chat on b: weights exceed free memory']);
    expect([...w.lanes.weights, ...w.lanes.stages]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...w.weightsReserved]).toEqual([0, 0]);
  });

  it('rollback › a peer whose GPUs cannot take its share frees the root’s GPUs', () => {
    const big = llmService({ model: modelSpec({ weightBytes: 10 * GB }) });
    const sc = scenario({ devices: [device('gpu0'), device('box', twoGpu)], services: [big] });
    const { w, place } = host(sc);
    // 7 GB already held on box's first GPU (lane 1) by another instance.
    w.lanes.reserve(Int32Array.of(1), 7 * GB, 99);
    w.weightsReserved[1] = 7 * GB;
    // Tensor parallel over gpu0 + box: 5 GB per member; box has 9 GB free in total, but its
    // members' share is split over both GPUs (2.5 GB each) and GPU 0 has 1 GB free.
    place([chat(whole('gpu0', { peers: ['box'] }))]);
    expect([...w.notes]).toEqual(['refused instance of chat on box: weights exceed free memory']);
    expect([...w.lanes.weights].map((b) => b / GB)).toEqual([0, 7, 0]);
    expect([...w.lanes.stages]).toEqual([0, 1, 0]);
  });

  it('priority › a service’s priority on a shared GPU: frame deadline 2, token SLO 1, end-to-end 0', () => {
    const e2e = llmService({ name: 'batch', slo: { kind: 'e2e', e2eS: 30 } });
    const { w } = host(two({ services: [llmService(), seg, e2e] }));
    expect([...w.sharePriority]).toEqual([1, 2, 0]);
  });
});
