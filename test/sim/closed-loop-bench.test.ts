/**
 * The published-benchmark harness (sim/models/llm/closed-loop-run.ts) on the toy box: the
 * scenario it builds is the benchmark's setup (one device under test, c clients without think
 * time, fixed lengths, an SLO that never expires, a batch limit that never caps the clients),
 * and its throughput is the benchmark's: output tokens of the finished requests over the time
 * the last of them finished.
 */
import { describe, expect, it } from 'vitest';
import { closedLoopScenario, runClosedLoop } from '../../sim/models/llm/closed-loop-run.js';
import { deviceSpec, modelSpec } from './fixtures.js';

const spec = deviceSpec({ gpus: 2 });
const model = modelSpec();
const bench = { spec, model, promptTokens: 10, outputTokens: 2, horizonS: 1 };

describe('closed-loop bench', () => {
  it('bench › scenario › one device under test, c clients without think time, fixed lengths, no expiry', () => {
    const sc = closedLoopScenario({ ...bench, concurrency: 8 });
    expect(sc.name).toBe('bench-testbox-toy-llm-c8');
    expect(sc.file).toBe('(in memory)'); // what an error about the scenario names as its source
    expect(sc.devices).toEqual([{ id: 'dut', spec, site: 'dut', slowdown: 1 }]);
    expect(sc.links).toEqual([]);
    expect(sc.faults).toEqual([]);
    expect(sc.switches).toEqual([]);
    expect(sc).toMatchObject({ seed: 1, horizonS: 1, timelineBucketS: 1 });
    expect(sc.services).toHaveLength(1);
    expect(sc.services[0]).toMatchObject({
      name: 'bench',
      kind: 'llm',
      model,
      slo: { kind: 'e2e', e2eS: 1e9 },
      arrivals: { process: 'closed', concurrency: 8, thinkS: 0, thinkDist: 'fixed' },
      promptTokens: { dist: 'fixed', value: 10 },
      outputTokens: { dist: 'fixed', value: 2 },
      ingress: 'dut',
      maxBatch: 256,
    });
    // The batch limit never caps the clients (vLLM's max_num_seqs is set ≥ the concurrency).
    expect(closedLoopScenario({ ...bench, concurrency: 300 }).services[0]!.maxBatch).toBe(300);
    expect(closedLoopScenario({ ...bench, concurrency: 8, maxBatch: 4 }).services[0]!.maxBatch).toBe(4);
  });
  it('bench › run › throughput = output tokens of finished requests / last finish; every finished request ok', () => {
    const o = runClosedLoop({ ...bench, concurrency: 4 });
    expect(o.finished).toBeGreaterThan(4);
    const s = o.result.services.bench!;
    expect(s.ok).toBe(o.finished);
    expect(s.late).toBe(0);
    // Finishes end before the horizon: tokens / last finish ≥ tokens / horizon.
    expect(o.outputTokPerS).toBeGreaterThanOrEqual((2 * o.finished) / 1);
    expect(o.result.scenario).toBe('bench-testbox-toy-llm-c4');
    expect(o.result.policy).toBe('bench');
  });
  it('bench › replicas › one per GPU when asked, round-robin over them: both lanes busy', () => {
    const two = runClosedLoop({ ...bench, concurrency: 4, replicas: 2, gpus: 1 });
    expect(two.result.engine!.lanes.dut!).toHaveLength(2);
    for (const busy of two.result.engine!.lanes.dut!) expect(busy).toBeGreaterThan(0.5);
    // Default: one replica on all GPUs (tensor parallel over both lanes).
    const one = runClosedLoop({ ...bench, concurrency: 4 });
    expect(one.result.placementChanges.filter((c) => c.action === 'ready')).toHaveLength(1);
    expect(two.result.placementChanges.filter((c) => c.action === 'ready')).toHaveLength(2);
  });
  it('bench › nothing finished › throughput 0', () => {
    // A horizon shorter than one request.
    const o = runClosedLoop({ ...bench, concurrency: 1, promptTokens: 100, outputTokens: 1000, horizonS: 0.05 });
    expect(o.finished).toBe(0);
    expect(o.outputTokPerS).toBe(0);
  });
});
