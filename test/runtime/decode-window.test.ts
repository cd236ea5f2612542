/**
 * The profiler's decode rate at batch b > 1 (runtime/profile/decode-window.ts): token times of b
 * sequences whose first steps also prefill the later prompts; only the steps where all b decode
 * count.
 */
import { describe, expect, it } from 'vitest';
import { lockstepDecodeRate } from '../../runtime/profile/decode-window.js';

/** b sequences; sequence i's first token at prefillEnds[i]; b-wide steps of `stepS` after the last prefill. */
function tokens(prefillEnds: number[], mixedStepS: number, stepS: number, out: number): number[][] {
  const last = Math.max(...prefillEnds);
  return prefillEnds.map((p) => {
    const t: number[] = [p];
    // Steps before the last prefill ends are slow (they carry prompt tokens of the others).
    while (t.length < out && t[t.length - 1]! + mixedStepS <= last) t.push(t[t.length - 1]! + mixedStepS);
    let at = last;
    while (t.length < out) t.push((at += stepS));
    return t;
  });
}

describe('decode window', () => {
  it('decode window › staggered prefills › the rate of the b-wide steps only', () => {
    // 4 sequences, prefills done at 0.1, 0.2, 0.3, 0.4 (the mixed steps take 0.1), then 20 ms steps.
    const t = tokens([0.1, 0.2, 0.3, 0.4], 0.1, 0.02, 16);
    expect(lockstepDecodeRate(t)).toBeCloseTo(4 / 0.02, 6);
    // The whole-span rate the profiler used before: tokens / longest first-to-last span — far lower.
    const span = Math.max(...t.map((x) => x[x.length - 1]! - x[0]!));
    expect((4 * 15) / span).toBeLessThan(0.75 * (4 / 0.02));
  });

  it('decode window › too short a window › null (the caller falls back)', () => {
    const t = tokens([0.1, 0.2, 0.3, 1.0], 0.1, 0.02, 12);
    expect(lockstepDecodeRate(t)).toBeNull();
    expect(lockstepDecodeRate([])).toBeNull();
    expect(lockstepDecodeRate([[0.1], []])).toBeNull();
  });

  it('decode window › client jitter › an edge off by a step moves the rate by about one step in the window', () => {
    const t = tokens([0.1, 0.1, 0.1, 0.1], 0.1, 0.02, 32);
    t[2]![0] = 0.1 + 0.004; // one stream's first token delivered late
    const r = lockstepDecodeRate(t)!;
    expect(Math.abs(r - 200) / 200).toBeLessThan(1 / 20);
  });
});
