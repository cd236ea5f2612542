/** The pure sim-vs-live comparison on hand-made RunResults: each error computed by hand. */
import { describe, expect, it } from 'vitest';
import type { LatencySummary, RunResult, ServiceResult } from '../../policies/index.js';
import {
  compareCell,
  compareResults,
  compareToRecorded,
  figureOf,
  exceedsThreshold,
  medianAbsGoodputError,
  relativeError,
} from '../../runtime/validate/index.js';

const lat = (p50: number, p99: number, count = 10): LatencySummary => ({
  count,
  mean: p50,
  p50,
  p90: p99,
  p99,
  cdf: [],
});

function service(
  goodputRps: number,
  ok: number,
  offered: number,
  ttft: LatencySummary,
  e2e: LatencySummary,
): ServiceResult {
  return {
    offered,
    ok,
    late: offered - ok,
    dropped: 0,
    failed: 0,
    inflight: 0,
    goodputRps,
    sloAttainment: ok / offered,
    ttftS: ttft,
    tpotS: lat(0, 0, 0),
    e2eS: e2e,
    dropReasons: {},
    perfSource: {},
    kind: 'llm',
    slo: { kind: 'e2e', e2eS: 10 },
    offeredRps: offered / 10,
    ttftInclDropsS: ttft,
    tpotInclDropsS: lat(0, 0, 0),
    e2eInclDropsS: e2e,
    noReadyFraction: 0,
    inflightTimeline: [],
  };
}

function result(chat: ServiceResult, cams: ServiceResult): RunResult {
  const ok = chat.ok + cams.ok;
  const offered = chat.offered + cams.offered;
  return {
    schema: 'parasim.result/1',
    clock: 'simulated',
    scenario: 's',
    seed: 1,
    policy: 'p',
    horizonS: 10,
    timelineBucketS: 1,
    totals: {
      offered,
      ok,
      late: offered - ok,
      dropped: 0,
      failed: 0,
      inflight: 0,
      goodputRps: ok / 10,
      sloAttainment: ok / offered,
      minServiceAttainment: Math.min(chat.sloAttainment, cams.sloAttainment),
      meanServiceAttainment: (chat.sloAttainment + cams.sloAttainment) / 2,
    },
    services: { chat, cameras: cams },
    devices: {},
    links: {},
    goodputTimeline: [],
    placementChanges: [],
    notes: [],
  };
}

const NO_TTFT = lat(NaN, NaN, 0);
const measured = result(service(2, 20, 25, lat(0.2, 0.5), lat(1, 2)), service(4, 40, 40, NO_TTFT, lat(0.1, 0.4)));
const sim = result(service(1.5, 15, 25, lat(0.1, 0.6), lat(1.5, 2)), service(4.5, 45, 40, NO_TTFT, lat(0.05, 0.4)));

describe('validate › compare', () => {
  it('compare › two results › one row per metric with hand-computed relative errors', () => {
    const rows = compareResults(sim, measured);
    const byKey = Object.fromEntries(rows.map((r) => [`${r.scope}.${r.metric}`, r]));
    // Total goodput: sim 60 ok / 10 s = 6, measured 60 / 10 = 6 → 0.
    expect(byKey['total.goodputRps']!.relError).toBe(0);
    expect(byKey['chat.goodputRps']!.relError).toBeCloseTo(0.25, 12); // |1.5 − 2| / 2
    expect(byKey['chat.goodputRps']!.absError).toBeCloseTo(-0.5, 12);
    expect(byKey['chat.sloAttainment']!.relError).toBeCloseTo(0.25, 12); // |0.6 − 0.8| / 0.8
    expect(byKey['chat.ttftP50S']!.relError).toBeCloseTo(0.5, 12); // |0.1 − 0.2| / 0.2
    expect(byKey['chat.ttftP99S']!.relError).toBeCloseTo(0.2, 12); // |0.6 − 0.5| / 0.5
    expect(byKey['chat.e2eP50S']!.relError).toBeCloseTo(0.5, 12);
    expect(byKey['cameras.goodputRps']!.relError).toBeCloseTo(0.125, 12); // |4.5 − 4| / 4
    expect(byKey['cameras.e2eP50S']!.relError).toBeCloseTo(0.5, 12);
    // Segmentation has no TTFT samples on either side: no TTFT rows for it.
    expect(rows.filter((r) => r.scope === 'cameras').map((r) => r.metric)).toEqual([
      'goodputRps',
      'sloAttainment',
      'e2eP50S',
      'e2eP99S',
    ]);
    expect(rows).toHaveLength(2 + 6 + 4);
  });

  it('compare › a service without arrivals on either side › not compared (0 against 0 is no match); all dropped › goodput still compared', () => {
    const quiet = service(0, 0, 0, NO_TTFT, lat(NaN, NaN, 0));
    const noChatLive = result(quiet, measured.services['cameras']!);
    const noChatSim = result(quiet, sim.services['cameras']!);
    const rows = compareResults(noChatSim, noChatLive);
    expect(rows.filter((r) => r.scope === 'chat')).toEqual([]);
    expect(rows.filter((r) => r.scope === 'cameras')).toHaveLength(4);
    // Recorded before the rule: the chat rows of such a cell are left out again on re-simulation.
    const old = compareResults(sim, measured).map((r) => (r.scope === 'chat' ? { ...r, measured: NaN } : r));
    expect(compareToRecorded('p', 1, [noChatSim], old).rows.some((r) => r.scope === 'chat')).toBe(false);
    // Arrivals, all dropped: goodput 0 against 0 is a match; no latency samples, no latency rows.
    const dropped = { ...service(0, 0, 25, NO_TTFT, lat(NaN, NaN, 0)), dropped: 25 };
    const allDropped = compareResults(
      result(dropped, sim.services['cameras']!),
      result(dropped, measured.services['cameras']!),
    );
    expect(allDropped.filter((r) => r.scope === 'chat').map((r) => [r.metric, r.relError])).toEqual([
      ['goodputRps', 0],
      ['sloAttainment', 0],
    ]);
  });

  it('compare › measured zero › both zero is 0, otherwise undefined (null)', () => {
    expect(relativeError(0, 0)).toBe(0);
    expect(relativeError(1, 0)).toBeNull();
    expect(relativeError(NaN, 1)).toBeNull();
    expect(relativeError(3, 4)).toBeCloseTo(0.25, 12);
  });

  it('compare › cell › goodput error is on total goodput', () => {
    const half = result(service(1, 10, 25, lat(0.2, 0.5), lat(1, 2)), service(2, 20, 40, NO_TTFT, lat(0.1, 0.4)));
    expect(compareCell('p', 1, half, measured).goodputError).toBeCloseTo(0.5, 12); // 3 vs 6 req/s
  });

  it('compare › median over cells › odd, even, undefined counts as infinite, empty is NaN', () => {
    const c = (e: number | null): { goodputError: number | null } => ({ goodputError: e });
    expect(medianAbsGoodputError([c(0.3), c(0.01), c(0.1)])).toBeCloseTo(0.1, 12);
    expect(medianAbsGoodputError([c(0.3), c(0.01), c(0.1), c(0.05)])).toBeCloseTo(0.075, 12);
    expect(medianAbsGoodputError([c(0.02), c(null), c(0.04)])).toBeCloseTo(0.04, 12);
    expect(medianAbsGoodputError([c(0.02), c(null)])).toBe(Infinity);
    expect(medianAbsGoodputError([])).toBeNaN();
  });

  it('compare › threshold › exit decision above the threshold or when undefined', () => {
    expect(exceedsThreshold(0.05, 0.1)).toBe(false);
    expect(exceedsThreshold(0.1, 0.1)).toBe(false);
    expect(exceedsThreshold(0.1001, 0.1)).toBe(true);
    expect(exceedsThreshold(Infinity, 0.1)).toBe(true);
    expect(exceedsThreshold(NaN, 0.1)).toBe(true);
  });
});

/** A result with one camera service (or none) of the given E2E p99 and goodput: the figures compareCell reads. */
const mk = (p99: number, goodput: number, withCam = true) =>
  ({
    totals: { goodputRps: goodput, sloAttainment: 1 },
    services: withCam
      ? {
          cam: {
            goodputRps: goodput,
            offeredRps: goodput,
            sloAttainment: 1,
            ttftS: { count: 0, p50: NaN, p99: NaN },
            tpotS: { count: 0, p50: NaN, p99: NaN },
            e2eS: { count: 10, p50: 0.002, p99 },
          },
        }
      : {},
  }) as unknown as RunResult;

describe('validate › twin replicas', () => {
  it('compare › several simulated results › each figure is their median, errors from it', () => {
    const cell = compareCell('p', 1, [mk(0.02, 4), mk(0.008, 4), mk(0.01, 3)], mk(0.01, 4));
    const p99 = cell.rows.find((r) => r.scope === 'cam' && r.metric === 'e2eP99S')!;
    expect(p99.sim).toBe(0.01);
    expect(p99.relError).toBe(0);
    expect(cell.goodputError).toBe(0);
    // One result: as before.
    expect(
      compareCell('p', 1, mk(0.02, 4), mk(0.01, 4)).rows.find((r) => r.metric === 'e2eP99S')!.relError,
    ).toBeCloseTo(1, 12);
  });
});

describe('validate › live runs and recorded cells', () => {
  it('compare › several live runs › each live figure is their median (two: the mean), the goodput error on it', () => {
    const cell = compareCell('p', 1, [mk(0.01, 4)], [mk(0.008, 4), mk(0.012, 3), mk(0.03, 5)]);
    const p99 = cell.rows.find((r) => r.scope === 'cam' && r.metric === 'e2eP99S')!;
    expect(p99.measured).toBe(0.012);
    expect(p99.relError).toBeCloseTo(1 / 6, 12);
    expect(cell.goodputError).toBe(0);
    const two = compareCell('p', 1, [mk(0.01, 4)], [mk(0.008, 4), mk(0.012, 2)]);
    expect(two.rows.find((r) => r.metric === 'e2eP99S')!.measured).toBeCloseTo(0.01, 12);
    expect(two.goodputError).toBeCloseTo(1 / 3, 12); // 4 vs (4 + 2) / 2
  });
  it('figureOf › total and per service, NaN for a service the result lacks', () => {
    const r = mk(0.02, 4);
    expect(figureOf(r, 'total', 'goodputRps')).toBe(4);
    expect(figureOf(r, 'cam', 'e2eP99S')).toBe(0.02);
    expect(figureOf(r, 'cam', 'e2eP50S')).toBe(0.002);
    expect(figureOf(r, 'total', 'e2eP99S')).toBeNaN();
    expect(figureOf(mk(0.02, 4, false), 'cam', 'e2eP99S')).toBeNaN();
  });
  it('compareToRecorded › new replicas against recorded live figures › median sim, live kept, goodput error from the total row', () => {
    const recorded = compareCell('p', 1, [mk(0.05, 9)], [mk(0.01, 4)]).rows;
    const cell = compareToRecorded('p', 1, [mk(0.02, 4), mk(0.008, 4), mk(0.011, 5)], recorded);
    expect(cell.rows.map((r) => `${r.scope}.${r.metric}`)).toEqual(recorded.map((r) => `${r.scope}.${r.metric}`));
    const p99 = cell.rows.find((r) => r.scope === 'cam' && r.metric === 'e2eP99S')!;
    expect(p99.measured).toBe(0.01);
    expect(p99.sim).toBe(0.011);
    expect(p99.relError).toBeCloseTo(0.1, 12);
    expect(cell.goodputError).toBe(0);
    // Without a total goodput row there is no cell goodput error to give.
    expect(
      compareToRecorded(
        'p',
        1,
        [mk(0.02, 4)],
        recorded.filter((r) => r.scope !== 'total'),
      ).goodputError,
    ).toBeNull();
  });
});
