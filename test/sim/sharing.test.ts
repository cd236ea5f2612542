/**
 * Shared accelerators (`device_sharing`): a chat prefill of 2048 tokens and camera frames on the
 * one GPU of an AGX Orin. `fifo` runs the prefill whole, so a frame arriving just after it waits
 * the whole step; `time-slice` (default) bounds the chat's steps to one quantum while a co-tenant
 * on its GPU is active, so the frame waits at most about one quantum.
 */
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOG, MODEL_CATALOG } from '../../scenarios/index.js';
import type { RequestRecord, Slo } from '../../policies/index.js';
import { LlmStagePerf, simulate } from '../../sim/index.js';
import { TIME_SLICE_S } from '../../sim/models/llm/llm-engine.js';
import { device, fixedArrivals, fixedPlanPolicy, link, llmService, recorder, scenario } from './fixtures.js';

const orin = DEVICE_CATALOG['jetson-agx-orin-64gb']!;
const llama = MODEL_CATALOG['llama-3.1-8b-q4']!;
const sam = MODEL_CATALOG['mobilesam']!;

function run(
  sharing: 'fifo' | 'time-slice' | 'priority' | undefined,
  withFrames = true,
  camSlo: Slo = { kind: 'frame', deadlineS: 0.1 },
): RequestRecord[] {
  const sc = {
    ...scenario({
      devices: [device('orin', orin)],
      links: [link('l0', 'orin', 'sw', 1e30, 0)],
      horizonS: 20,
      services: [
        llmService({ name: 'chat', model: llama, slo: { kind: 'e2e', e2eS: 100 } }),
        llmService({ name: 'cam', kind: 'segmentation', model: sam, slo: camSlo, maxBatch: 1 }),
      ],
    }),
    ...(sharing !== undefined ? { deviceSharing: sharing } : {}),
  };
  const rec = recorder();
  const frames: [number, number, number][] = [];
  // A camera stream at 10 fps from t = 9 (active when the chat request comes at t = 10).
  for (let t = 9.001; withFrames && t < 11; t += 0.1) frames.push([t, 1, 1]);
  simulate(sc, {
    records: rec.records,
    warmStart: true,
    policyImpl: fixedPlanPolicy([
      { service: 'chat', stages: [{ device: 'orin', gpus: 1, firstLayer: 0, endLayer: llama.layers }] },
      { service: 'cam', stages: [{ device: 'orin', gpus: 1, firstLayer: 0, endLayer: sam.layers }] },
    ]),
    arrivals: fixedArrivals({ chat: [[10, 2048, 4]], cam: frames }),
  });
  return rec.byId.filter((r): r is RequestRecord => r !== undefined);
}

describe('device sharing', () => {
  const prefillS = new LlmStagePerf(llama, orin, 1, 1, 1).prefillS(2048);
  const frameS = 0.039; // MobileSAM on AGX Orin, profile row (catalog)
  // A frame's time in the system: the request's start is its admission, the GPU may still be busy.
  const e2e = (r: RequestRecord) => r.finishS - r.arrivalS;

  it('sharing › fifo › a frame arriving after a long prefill waits for the whole step', () => {
    const frame = run('fifo').find((r) => r.service === 'cam' && r.arrivalS > 10)!;
    expect(prefillS).toBeGreaterThan(4 * TIME_SLICE_S);
    expect(e2e(frame)).toBeGreaterThan(prefillS - 0.01);
  });

  it('sharing › time-slice (default) › frames wait at most about one quantum; the chat still completes', () => {
    for (const recs of [run('time-slice'), run(undefined)]) {
      const frames = recs.filter((r) => r.service === 'cam');
      expect(frames.length).toBe(20);
      // At most the chat step in progress (≤ one quantum) and its own batch.
      for (const f of frames) expect(e2e(f)).toBeLessThanOrEqual(TIME_SLICE_S + frameS + 0.001);
      const chat = recs.find((r) => r.service === 'chat')!;
      expect(chat.outcome === 'ok' || chat.outcome === 'late').toBe(true);
      // Sliced prefill costs the chat more than one whole step (weights read once per slice).
      expect(chat.firstTokenS - chat.arrivalS).toBeGreaterThan(prefillS);
    }
  });
});

describe('device sharing › idle co-tenant', () => {
  it('sharing › time-slice › a co-tenant without work does not slice the chat', () => {
    const chat = run('time-slice', false).find((r) => r.service === 'chat')!;
    const whole = new LlmStagePerf(llama, orin, 1, 1, 1).prefillS(2048);
    expect(chat.firstTokenS - chat.arrivalS).toBeCloseTo(whole, 9);
  });
});

describe('device sharing › priority', () => {
  const whole = new LlmStagePerf(llama, orin, 1, 1, 1).prefillS(2048);
  it('sharing › priority › the chat (end-to-end SLO) yields to frames (deadline SLO)', () => {
    const recs = run('priority');
    for (const f of recs.filter((r) => r.service === 'cam'))
      expect(f.finishS - f.arrivalS).toBeLessThanOrEqual(TIME_SLICE_S + 0.039 + 0.001);
  });
  it('sharing › priority › beside a lower-priority co-tenant the chat runs whole steps', () => {
    // The camera service given an end-to-end SLO: same priority as the chat, which need not yield.
    const recs = run('priority', true, { kind: 'e2e', e2eS: 10 });
    const chat = recs.find((r) => r.service === 'chat')!;
    expect(chat.firstTokenS - chat.arrivalS).toBeLessThan(whole + 0.1);
    const sliced = run('time-slice', true, { kind: 'e2e', e2eS: 10 }).find((r) => r.service === 'chat')!;
    expect(sliced.firstTokenS - sliced.arrivalS).toBeGreaterThan(chat.firstTokenS - chat.arrivalS);
  });
});
