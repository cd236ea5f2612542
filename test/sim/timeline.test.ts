/** `run --timeline`: the Perfetto trace of a window, built in process. */
import { describe, expect, it } from 'vitest';
import { Timeline, simulate } from '../../sim/index.js';
import { parseWindow } from '../../cli/commands/run.js';
import { fixedArrivals, link, llmService, modelSpec, scenario } from './fixtures.js';

describe('timeline', () => {
  // Serialization-free link: the two requests at t = 10 reach the instance together.
  const sc = scenario({
    links: [link('l0', 'gpu0', 'sw', 1e30, 0.001)],
    services: [llmService({ model: modelSpec() })],
    horizonS: 30,
  });
  const arrivals = fixedArrivals({
    chat: [
      [10, 100, 5],
      [10, 100, 5],
      [20, 50, 3],
    ],
  });

  it('timeline › window › keeps only steps, requests and transfers overlapping it', () => {
    const all = new Timeline(sc);
    simulate(sc, { arrivals, timeline: all });
    const part = new Timeline(sc, 15, 30);
    const r = simulate(sc, { arrivals, timeline: part });
    const ev = (t: Timeline) =>
      (t.toJSON() as { traceEvents: { cat: string; ts?: number; dur?: number; args?: Record<string, number> }[] })
        .traceEvents;
    const steps = ev(all).filter((e) => e.cat === 'step');
    expect(steps.length).toBeGreaterThan(1);
    // The first step prefills both requests together (batch 2, 200 tokens).
    expect(steps[0]!.args).toMatchObject({ batch: 2, prefillTokens: 200 });
    expect(ev(all).filter((e) => e.cat === 'request' && e.ts !== undefined)).toHaveLength(6); // begin + end per request
    const late = ev(part).filter((e) => e.cat !== '__metadata');
    expect(late.every((e) => (e.ts ?? 0) + (e.dur ?? 0) >= 15e6)).toBe(true);
    expect(ev(part).filter((e) => e.cat === 'request')).toHaveLength(2);
    // Tracing changes nothing in the result.
    expect(JSON.stringify(simulate(sc, { arrivals }))).toBe(JSON.stringify(r));
  });

  it('timeline › --window parsing › open ends and bad input', () => {
    expect(parseWindow('5:10', 100)).toEqual([5, 10]);
    expect(parseWindow(':10', 100)).toEqual([0, 10]);
    expect(parseWindow('30:', 100)).toEqual([30, 100]);
    expect(() => parseWindow('10:5', 100)).toThrow(/--window/);
    expect(() => parseWindow('abc', 100)).toThrow(/--window/);
  });
});

describe('timeline › engine steps', () => {
  type Ev = { cat: string; name: string; ts?: number; dur?: number; tid?: number; args?: Record<string, number> };
  const stepsOf = (t: Timeline) => (t.toJSON() as { traceEvents: Ev[] }).traceEvents.filter((e) => e.cat === 'step');

  it('timeline › LLM › a prefill step, then one decode run of the remaining tokens, with the KV blocks held', () => {
    // One request (prompt 100, out 5) alone: prefill (7 blocks for 101 tokens), then 4 decode steps
    // as one run (blocks counted at its start: ⌈102/16⌉ = 7) of the toy box's thousands of blocks.
    const sc = scenario({
      links: [link('l0', 'gpu0', 'sw', 1e30, 0.001)],
      services: [llmService({ model: modelSpec() })],
      horizonS: 30,
    });
    const tl = new Timeline(sc);
    simulate(sc, { arrivals: fixedArrivals({ chat: [[10, 100, 5]] }), timeline: tl });
    const steps = stepsOf(tl);
    expect(steps.map((s) => s.name)).toEqual(['prefill+decode', 'decode ×4']);
    expect(steps[0]!.args).toMatchObject({
      batch: 1,
      prefillTokens: 100,
      decodes: 0,
      steps: 1,
      kvBlocksUsed: 7,
      waiting: 0,
    });
    expect(steps[1]!.args).toMatchObject({
      batch: 1,
      prefillTokens: 0,
      decodes: 1,
      steps: 4,
      kvBlocksUsed: 7,
      waiting: 0,
    });
    expect(steps[0]!.args!['kvBlocks']).toBeGreaterThan(1000);
    // Back to back: the run starts where the prefill ends.
    expect(steps[1]!.ts).toBeCloseTo(steps[0]!.ts! + steps[0]!.dur!, 3);
    expect(steps[0]!.ts).toBeCloseTo(10.001e6, 3);
  });
  it('timeline › segmentation › one event per batch with its size and the frames left waiting', () => {
    const seg = {
      ...llmService(),
      name: 'seg',
      kind: 'segmentation' as const,
      maxBatch: 2,
      model: modelSpec({
        key: 'toy-seg',
        kind: 'segmentation',
        weightBytes: 1e6,
        profiles: [
          { deviceType: 'testbox', batch: 1, itemLatencyS: 0.01, source: 't' },
          { deviceType: 'testbox', batch: 2, itemLatencyS: 0.01, source: 't' },
        ],
      }),
      slo: { kind: 'frame' as const, deadlineS: 1 },
    };
    const sc = scenario({ links: [link('l0', 'gpu0', 'sw', 1e30, 0)], services: [seg], horizonS: 30 });
    const tl = new Timeline(sc);
    const frames: [number, number, number][] = [
      [10, 0, 1],
      [10, 0, 1],
      [10, 0, 1],
    ];
    simulate(sc, { arrivals: fixedArrivals({ seg: frames }), timeline: tl });
    const steps = stepsOf(tl);
    expect(steps.map((s) => s.args)).toEqual([
      { batch: 2, prefillTokens: 0, decodes: 0, steps: 1, waiting: 1 },
      { batch: 1, prefillTokens: 0, decodes: 0, steps: 1, waiting: 0 },
    ]);
    // Batch 2 takes 2 × 0.01 s (0.01 s per item at batch 2).
    expect(steps[0]!.dur).toBeCloseTo(0.02e6, 3);
    expect(steps[1]!.ts).toBeCloseTo(steps[0]!.ts! + 0.02e6, 3);
  });
});
