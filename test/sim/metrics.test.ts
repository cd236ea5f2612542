/** The pure summarizer: drops counted in percentiles, per-service figures, notes — hand-computed cases. */
import { describe, expect, it } from 'vitest';
import type { PlacementChange } from '../../policies/index.js';
import { RunSummarizer, canonicalJson, noReadyFractions, type RunMeta } from '../../sim/metrics/index.js';

const META: RunMeta = {
  scenario: 's',
  seed: 1,
  policy: 'p',
  horizonS: 100,
  timelineBucketS: 10,
  services: [
    { name: 'chat', kind: 'llm', slo: { kind: 'e2e', e2eS: 5 }, perfSource: {} },
    { name: 'cams', kind: 'segmentation', slo: { kind: 'frame', deadlineS: 0.1 }, perfSource: {} },
  ],
  devices: [],
  links: [{ id: 'wan', type: 'wan-edge-cloud' }],
};

/** 98 chat requests finished in 1 s (10 output tokens, first token at 0.1 s), then `tail` for the last two. */
function run(tail: 'late' | 'dropped'): RunSummarizer {
  const s = new RunSummarizer(META);
  for (let i = 0; i < 98; i++) s.add(0, 'ok', i, i + 0.1, i + 1, 10);
  for (let i = 98; i < 100; i++) {
    if (tail === 'late') s.add(0, 'late', i - 10, i - 9.9, i, 10);
    else s.add(0, 'dropped', i - 10, NaN, i - 10, 10, 'no-instance');
  }
  return s;
}

describe('metrics › summarizer', () => {
  it('summarizer › drops › count as +∞ in the including-drops percentiles, not in the served-only ones', () => {
    const r = run('dropped').finish([], []);
    const chat = r.services['chat']!;
    expect(chat.e2eS.count).toBe(98);
    expect(chat.e2eS.p99).toBe(1);
    expect(chat.e2eInclDropsS.count).toBe(100);
    expect(chat.e2eInclDropsS.p50).toBe(1);
    // type-7 quantile at 0.99 of 100 samples sits between the 99th and 100th: both +∞.
    expect(chat.e2eInclDropsS.p99).toBe(Infinity);
    expect(chat.ttftInclDropsS.p99).toBe(Infinity);
    expect(chat.tpotInclDropsS.count).toBe(100);
    expect(chat.sloAttainment).toBe(0.98);
    expect(chat.dropReasons).toEqual({ 'no-instance': 2 });
    // JSON carries +∞ as null; the count tells it from an empty population.
    const json = JSON.parse(canonicalJson(r)) as {
      services: { chat: { e2eInclDropsS: { p99: unknown; count: number } } };
    };
    expect(json.services.chat.e2eInclDropsS).toMatchObject({ p99: null, count: 100 });
  });

  it('summarizer › dropping the slow tail › improves the served-only p99 but never the including-drops p99', () => {
    const served = run('late').finish([], []).services['chat']!;
    const dropped = run('dropped').finish([], []).services['chat']!;
    expect(served.e2eS.p99).toBeGreaterThan(1);
    expect(dropped.e2eS.p99).toBeLessThan(served.e2eS.p99);
    expect(dropped.e2eInclDropsS.p99).toBeGreaterThan(served.e2eInclDropsS.p99);
    expect(served.e2eInclDropsS.p99).toBe(served.e2eS.p99);
  });

  it('summarizer › segmentation service › no TTFT population, drops still +∞ in E2E', () => {
    const s = new RunSummarizer(META);
    s.add(1, 'ok', 1, NaN, 1.05, 1);
    s.add(1, 'failed', 2, NaN, 2.5, 1, 'device-crash');
    const cams = s.finish([], []).services['cams']!;
    expect(cams.ttftInclDropsS.count).toBe(0);
    expect(cams.e2eInclDropsS.count).toBe(2);
    expect(cams.e2eInclDropsS.p99).toBe(Infinity);
    expect(cams.outputTokPerS).toBeUndefined();
  });

  it('summarizer › LLM output tokens › finished requests only, per second of the run', () => {
    const chat = run('dropped').finish([], []).services['chat']!;
    expect(chat.outputTokPerS).toBeCloseTo((98 * 10) / 100, 12);
    expect(chat.offeredRps).toBe(1);
  });

  it('summarizer › system figures › min and mean over services, request-weighted total kept', () => {
    const s = run('dropped');
    for (let i = 0; i < 900; i++) s.add(1, 'ok', i / 10, NaN, i / 10 + 0.05, 1);
    for (let i = 0; i < 100; i++) s.add(1, 'dropped', i / 10, NaN, i / 10, 1, 'queue-full');
    const t = s.finish([], []).totals;
    expect(t.minServiceAttainment).toBeCloseTo(0.9, 12);
    expect(t.meanServiceAttainment).toBeCloseTo((0.98 + 0.9) / 2, 12);
    expect(t.sloAttainment).toBeCloseTo((98 + 900) / 1100, 12);
  });
});

describe('metrics › notes', () => {
  it('notes › starved service, no ready instance, busy link, overload › each named with its figure', () => {
    const s = new RunSummarizer(META);
    // chat: 60 arrivals at 1/s from t = 40 that never finish → in flight grows; 0% attainment.
    for (let i = 0; i < 60; i++) s.add(0, 'inflight', 40 + i, NaN, NaN, 10);
    s.add(1, 'ok', 1, NaN, 1.05, 1);
    s.setLinkBusy(0, 95);
    const changes: PlacementChange[] = [{ timeS: 70, service: 'chat', action: 'ready', instance: 'a', devices: ['d'] }];
    const r = s.finish(changes, ['host note']);
    expect(r.services['chat']!.noReadyFraction).toBeCloseTo(0.7, 12);
    expect(r.services['chat']!.inflightTimeline).toEqual([0, 0, 0, 0, 10, 20, 30, 40, 50, 60]);
    expect(r.links['wan']!.utilization).toBeCloseTo(0.95, 12);
    expect(r.notes).toEqual([
      'host note',
      'chat: no ready instance for 70% of the run (> 10%)',
      'chat: SLO attainment 0% (< 50%) of 60 requests: 60 still in flight at the horizon',
      'chat: overloaded — requests in flight grew from 10 at mid-run to 60 at the end',
      'cams: no ready instance for 100% of the run (> 10%)',
      'link wan (wan-edge-cloud): 95% busy (> 90%); transfers queue on it',
    ]);
  });

  it('ready time › overlapping instances, drain then gone › counts only gaps with none ready', () => {
    const c = (timeS: number, action: PlacementChange['action'], instance: string): PlacementChange => ({
      timeS,
      service: 'x',
      action,
      instance,
      devices: [],
    });
    // ready a [10, 50), b [40, 60) → no ready instance on [0, 10) and [60, 100): 50%.
    const f = noReadyFractions(
      ['x', 'y'],
      [c(10, 'ready', 'a'), c(40, 'ready', 'b'), c(50, 'drain', 'a'), c(55, 'gone', 'a'), c(60, 'failed', 'b')],
      100,
    );
    expect(f[0]).toBeCloseTo(0.5, 12);
    expect(f[1]).toBe(1);
  });
});
