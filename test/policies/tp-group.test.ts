/**
 * Tensor-parallel groups across devices in the policies (issue 13 item 3): the sync cost a policy
 * plans with is the simulator's (same path, same formula), EdgeShard's DP takes a group where it
 * beats every chain under its objective and keeps the chain where the links make syncs dear, and
 * adaptive-split considers groups under its latency objective.
 */
import { describe, expect, it } from 'vitest';
import { edgeShardPlan } from '../../policies/baselines/edgeshard.js';
import { adaptiveSplitPlan } from '../../policies/baselines/adaptive-split.js';
import { placedStageTimes, stageTimes } from '../../policies/perf-model.js';
import { groupPath, syncSeconds, SYNCS_PER_LAYER } from '../../policies/tp-sync.js';
import path from 'node:path';
import { formatIssues, loadScenario, MODEL_CATALOG } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';
import { syncS } from '../../sim/parallel/tensor-parallel.js';
import { linkStates } from '../../sim/host/static-views.js';
import { device as simDevice, link as simLink, scenario } from '../sim/fixtures.js';
import { device, link, service, view } from './view-builder.js';

describe('tp groups › sync cost', () => {
  it("tp › two devices through a switch › the policy's path and sync time equal the simulator's", () => {
    const sc = scenario({
      devices: [simDevice('a'), simDevice('b')],
      links: [simLink('la', 'a', 'sw', 1e9, 0.0002), simLink('lb', 'b', 'sw', 1e9, 0.0003)],
    });
    const model = MODEL_CATALOG['llama-3.1-8b-q4']!;
    const path = groupPath(linkStates(sc), [{ id: 'a' }, { id: 'b' }], ['a', 'b'])!;
    expect(path.pathS).toBeCloseTo(0.0005, 12);
    for (const tokens of [1, 512]) {
      const sim = syncS(model, 2, [sc.links[0]!, sc.links[1]!], false, tokens);
      expect(syncSeconds(path.transport, 2, path.pathS, path.bandwidthBps, tokens * model.hidden * 2)).toBeCloseTo(
        sim,
        12,
      );
    }
  });

  it('tp › no common switch › no path (the host would refuse the group)', () => {
    const links = [link('a', 's1', 1e9, 0.001), link('b', 's2', 1e9, 0.001), link('s1', 's2', 1e9, 0.01)];
    expect(groupPath(links, [{ id: 'a' }, { id: 'b' }], ['a', 'b'])).toBeUndefined();
  });

  it('tp › a 4-Pi group › 1/4 of the work of the slowest member plus 2 syncs per layer', () => {
    const pis = ['p0', 'p1', 'p2', 'p3'].map((id) => device(id, 'pi'));
    const links = pis.map((d) => link(d.id, 's1', 1e9, 0.0001));
    const chat = service('chat');
    const work = { promptTokens: 512, outputTokens: 128 };
    const t = placedStageTimes(
      { devices: pis, links },
      chat,
      { device: 'p0', peers: ['p1', 'p2', 'p3'], firstLayer: 0, endLayer: 32, gpus: 1 },
      work,
    )!;
    const quarter = stageTimes(chat, pis[0]!, 0.25, 1, work)!;
    const sync1 = SYNCS_PER_LAYER * 32 * syncSeconds('tcp', 4, 0.0002, 1e9, 8192);
    expect(t.tpotBatch1S).toBeCloseTo(quarter.tpotBatch1S + sync1, 12);
  });
});

describe('tp groups › policies', () => {
  const pis = ['p0', 'p1', 'p2', 'p3'].map((id) => device(id, 'pi'));
  const on = (bps: number, latencyS: number) =>
    view({
      devices: pis,
      links: pis.map((d) => link(d.id, 's1', bps, latencyS)),
      services: [service('chat', { demandRps: 0.01 })],
    });

  it('edgeshard-latency › chat on four Pis behind 1 Gb/s Ethernet › a 4-device TP group beats one Pi (74 s) and every chain', () => {
    const plan = edgeShardPlan(on(1e9, 0.0001), 'latency');
    const st = plan.instances[0]!.stages;
    expect(st).toHaveLength(1);
    expect(st[0]!.peers).toHaveLength(3);
    expect(plan.reason).toMatch(/TP group; best chain/);
  });

  it('edgeshard-latency › the same Pis over 50 Mb/s, 3 ms links › syncs cost more than they save: one Pi, no peers', () => {
    const plan = edgeShardPlan(on(5e7, 0.003), 'latency');
    expect(plan.instances[0]!.stages.every((s) => s.peers === undefined)).toBe(true);
  });

  it('adaptive-split › four Pis on 1 Gb/s, max 3 devices › a 2-device TP group (faster than any one Pi)', () => {
    const plan = adaptiveSplitPlan(on(1e9, 0.0001), { maxDevices: 3, resplitThreshold: 0.1 });
    const st = plan.instances[0]!.stages;
    expect(st).toHaveLength(1);
    expect(st[0]!.peers).toHaveLength(1);
  });
});

describe('tp groups › results', () => {
  it('edgeshard-latency › scenarios/two-gpu-70b.yaml › the load record shows the group: root, peer and layer range', () => {
    const r = loadScenario(path.resolve(import.meta.dirname, '../../scenarios/two-gpu-70b.yaml'));
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const res = simulate({ ...r.value, horizonS: 30 }, { seed: 1, policy: { name: 'edgeshard-latency', params: {} } });
    const load = res.placementChanges.find((c) => c.action === 'load')!;
    expect(load.stages).toEqual([{ device: 'gpu-0', peers: ['gpu-1'], firstLayer: 0, endLayer: 80, gpus: 1 }]);
    expect(load.devices).toEqual(['gpu-0', 'gpu-1']);
  });

  it('edgeshard-throughput › scenarios/two-gpu-70b.yaml › a pipeline with its micro-batches in the load record', () => {
    const r = loadScenario(path.resolve(import.meta.dirname, '../../scenarios/two-gpu-70b.yaml'));
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const res = simulate(
      { ...r.value, horizonS: 30 },
      { seed: 1, policy: { name: 'edgeshard-throughput', params: {} } },
    );
    const load = res.placementChanges.find((c) => c.action === 'load')!;
    expect(load.stages!.map((s) => [s.firstLayer, s.endLayer])).toEqual([
      [0, 40],
      [40, 80],
    ]);
    expect(load.microBatches).toBe(2);
  });
});

describe('tp groups › epara compute', () => {
  it('epara › a 70B as a TP pair over two boxes › the peer box counts as used: nothing else claims its GPUs', async () => {
    const { schedule } = await import('../../policies/epara/scheduler.js');
    const orins = [
      device('o0', 'orin', { memoryBytesPerGpu: 32e9 }),
      device('o1', 'orin', { memoryBytesPerGpu: 32e9 }),
    ];
    const links = orins.map((d) => link(d.id, 's1', 1e11, 0.00001));
    const v = view({
      devices: orins,
      links,
      services: [service('big', { demandRps: 0.01 }), service('chat', { demandRps: 0.01 })],
    });
    const pair = { device: 'o0', peers: ['o1'], firstLayer: 0, endLayer: 80, gpus: 1 };
    const live = {
      ...v,
      instances: [{ id: 'i', service: 'big', stages: [pair], state: 'ready' as const, queued: 0, running: 0 }],
    };
    const r = schedule(live, orins, {
      migrationThreshold: 10,
      loadBytesPerS: 1e9,
      placementPeriodS: 60,
      demandHeadroom: 1.25,
      shareFractions: [],
    });
    const kept = r.instances.find((i) => i.service === 'big');
    expect(kept?.stages).toEqual([pair]);
    // chat (4.5 GB) fits beside the 20-GB halves (28.8 GB budget each), but both GPUs are claimed
    // by the group — before the fix the peer o1 counted as free and chat was placed there.
    expect(r.instances.some((i) => i.service === 'chat')).toBe(false);
  });
});
