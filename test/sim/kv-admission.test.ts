/**
 * KV-cache admission at its boundaries (sim/models/llm/llm-engine.ts): a request reserves
 * prompt + output tokens of KV; it is dropped when that alone exceeds the cache, admitted when it
 * fits exactly, and the reservation is handed back when it finishes.
 * Box: 2.23 GB, weights 2 GB, 1.5 MB of KV per token → ⌊0.9 · 0.23e9 / 1.5e6⌋ = 138 tokens.
 * Toy profile: prefill 1000 tok/s, decode 0.1 s per step at batch 1 (0.125 s at batch 2).
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { GB, device, deviceSpec, fixedArrivals, llmService, modelSpec, recorder, scenario, toyProfile } from './fixtures.js';

const P = 6;
const tiny = () => scenario({
  devices: [device('gpu0', deviceSpec({ memoryBytesPerGpu: 2.23 * GB }))],
  services: [llmService({ model: modelSpec({ kvBytesPerToken: 1.5e6, profiles: toyProfile() }), slo: { kind: 'e2e', e2eS: 100 } })],
  horizonS: 30,
});
const run = (rows: [number, number, number][]) => {
  const rec = recorder();
  simulate(tiny(), { records: rec.records, arrivals: fixedArrivals({ chat: rows }) });
  return rec.byId;
};

describe('kv admission', () => {
  it('kv › prompt 100 + output 50 = 150 tokens > 138 › dropped kv-capacity (the output counts too)', () => {
    expect(run([[10, 100, 50]])[0]).toMatchObject({ outcome: 'dropped', reason: 'kv-capacity' });
  });
  it('kv › prompt 135 + output 3 = exactly 138 › admitted and served', () => {
    const [r] = run([[10, 135, 3]]);
    expect(r!.outcome).toBe('ok');
    expect(r!.startS).toBeCloseTo(10, P);
  });
  it('kv › two requests of 69 tokens › fill the cache exactly and run together', () => {
    // R0 starts alone at 10 (prefill 0.066 s); R1 arrived meanwhile and joins at 10.066.
    const [r0, r1] = run([[10, 66, 3], [10.01, 66, 3]]);
    expect(r1!.startS).toBeCloseTo(10.066, P);
    expect(r0!.outcome).toBe('ok');
    expect(r1!.outcome).toBe('ok');
  });
  it('kv › after a 138-token request finishes › its reservation is handed back and the next is admitted at once', () => {
    // R0: prefill 0.135 → 10.135, 2 decode steps → 10.335. R1 (arrives 11) starts at 11.
    const [r0, r1] = run([[10, 135, 3], [11, 135, 3]]);
    expect(r0!.finishS).toBeCloseTo(10.335, P);
    expect(r1!.startS).toBeCloseTo(11, P);
    expect(r1!.outcome).toBe('ok');
  });
});
