/**
 * KV-cache admission at its boundaries (sim/models/llm/llm-engine.ts, paged KV): the cache holds
 * whole blocks of 16 tokens; a request whose prompt + output alone exceed it is dropped
 * (kv-capacity), one that fits exactly is admitted, running sequences hold the blocks of their
 * context, and a finished request hands its blocks back.
 * Box: 2.23 GB, weights 2 GB, 1.5 MB of KV per token → ⌊0.9 · 0.23e9 / (1.5e6 · 16)⌋ = 8 blocks
 * = 128 tokens (placement.ts KV_FRACTION 0.9, KV_BLOCK_TOKENS 16).
 * (Before the paged engine the cache reserved prompt + output tokens up front: 138 tokens; the
 * boundaries moved with docs/decisions.md "A serving engine that batches". Step times now come
 * from the calibrated step cost, pinned by hand in perf.test.ts and decode-roofline.test.ts, so
 * the times here are only compared with each other.)
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import {
  GB,
  device,
  deviceSpec,
  fixedArrivals,
  llmService,
  modelSpec,
  recorder,
  scenario,
  toyProfile,
} from './fixtures.js';

const P = 6;
const tiny = () =>
  scenario({
    devices: [device('gpu0', deviceSpec({ memoryBytesPerGpu: 2.23 * GB }))],
    services: [
      llmService({
        model: modelSpec({ kvBytesPerToken: 1.5e6, profiles: toyProfile() }),
        slo: { kind: 'e2e', e2eS: 100 },
      }),
    ],
    horizonS: 30,
  });
const run = (rows: [number, number, number][]) => {
  const rec = recorder();
  simulate(tiny(), { records: rec.records, arrivals: fixedArrivals({ chat: rows }) });
  return rec.byId;
};

describe('kv admission', () => {
  it('kv › prompt 100 + output 50 = 150 tokens = 10 blocks > 8 › dropped kv-capacity (the output counts too)', () => {
    expect(run([[10, 100, 50]])[0]).toMatchObject({ outcome: 'dropped', reason: 'kv-capacity' });
  });
  it('kv › prompt 125 + output 3 = exactly 128 tokens › admitted and served; one token more is dropped', () => {
    const [r] = run([[10, 125, 3]]);
    expect(r!.outcome).toBe('ok');
    expect(r!.startS).toBeCloseTo(10, P);
    expect(run([[10, 126, 3]])[0]).toMatchObject({ outcome: 'dropped', reason: 'kv-capacity' }); // 129 → 9 blocks
  });
  it('kv › two requests of 64 tokens › fill the cache exactly and run together', () => {
    // 4 blocks each at their last step (61 + 2 generated + 1 = 64). R0 starts alone at 10; R1
    // arrives during R0's prefill and joins at its end (first token: link latency 0).
    const [r0, r1] = run([
      [10, 61, 3],
      [10.01, 61, 3],
    ]);
    expect(r0!.firstTokenS).toBeGreaterThan(10.01);
    expect(r1!.startS).toBeCloseTo(r0!.firstTokenS, P);
    expect(r1!.startS).toBeLessThan(r0!.finishS);
    expect(r0!.outcome).toBe('ok');
    expect(r1!.outcome).toBe('ok');
  });
  it('kv › after a 128-token request finishes › its blocks are handed back and the next is admitted at once', () => {
    const [r0, r1] = run([
      [10, 125, 3],
      [11, 125, 3],
    ]);
    expect(r0!.outcome).toBe('ok');
    expect(r0!.finishS).toBeLessThan(11);
    expect(r1!.startS).toBeCloseTo(11, P);
    expect(r1!.outcome).toBe('ok');
  });
});
