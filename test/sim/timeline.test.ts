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
