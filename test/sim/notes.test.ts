/**
 * The notes that explain a result (sim/metrics/notes.ts) at their thresholds: each note appears
 * just past its stated threshold and not at it, losses are listed largest first, and the overload
 * note compares the end of the run with its middle.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult, ServiceResult } from '../../policies/index.js';
import { explainRun } from '../../sim/metrics/index.js';

/** The fields explainRun reads of a service; a healthy one by default. */
function svc(over: Partial<ServiceResult> = {}): ServiceResult {
  return {
    offered: 10,
    ok: 10,
    late: 0,
    dropped: 0,
    failed: 0,
    inflight: 0,
    sloAttainment: 1,
    noReadyFraction: 0,
    inflightTimeline: [0, 0, 0, 0],
    dropReasons: {},
    ...over,
  } as ServiceResult;
}
function result(services: Record<string, ServiceResult>, links: Record<string, number> = {}): RunResult {
  return {
    services,
    links: Object.fromEntries(Object.entries(links).map(([id, u]) => [id, { type: 'wifi', utilization: u }])),
  } as unknown as RunResult;
}

describe('notes', () => {
  it('notes › a healthy run › none', () => {
    expect(explainRun(result({ chat: svc() }, { l: 0.5 }))).toEqual([]);
  });
  it('notes › no ready instance › above 10% of the run, not at 10%', () => {
    expect(explainRun(result({ chat: svc({ noReadyFraction: 0.1 }) }))).toEqual([]);
    expect(explainRun(result({ chat: svc({ noReadyFraction: 0.125 }) }))).toEqual([
      'chat: no ready instance for 13% of the run (> 10%)',
    ]);
  });
  it('notes › attainment › below 50%, not at 50% nor when nothing was offered', () => {
    expect(explainRun(result({ chat: svc({ ok: 5, late: 5, sloAttainment: 0.5 }) }))).toEqual([]);
    expect(explainRun(result({ chat: svc({ offered: 0, ok: 0, sloAttainment: 0 }) }))).toEqual([]);
    expect(explainRun(result({ chat: svc({ ok: 4, late: 6, sloAttainment: 0.4 }) }))).toEqual([
      'chat: SLO attainment 40% (< 50%) of 10 requests: 6 finished late',
    ]);
  });
  it('notes › losses › reasons largest first, ties by name; failed counted with dropped', () => {
    const s = svc({
      ok: 1,
      dropped: 6,
      failed: 3,
      sloAttainment: 0.1,
      dropReasons: { 'queue-full': 3, 'no-instance': 3, 'device-crash': 3 },
    });
    expect(explainRun(result({ chat: s }))).toEqual([
      'chat: SLO attainment 10% (< 50%) of 10 requests: 9 dropped or failed (device-crash 3, no-instance 3, queue-full 3)',
    ]);
    const t = svc({ ok: 1, dropped: 9, sloAttainment: 0.1, dropReasons: { 'no-instance': 2, 'queue-full': 7 } });
    expect(explainRun(result({ chat: t }))[0]).toBe(
      'chat: SLO attainment 10% (< 50%) of 10 requests: 9 dropped or failed (queue-full 7, no-instance 2)',
    );
    // No reason recorded: no parenthesis.
    const u = svc({ ok: 1, dropped: 9, sloAttainment: 0.1 });
    expect(explainRun(result({ chat: u }))[0]).toBe(
      'chat: SLO attainment 10% (< 50%) of 10 requests: 9 dropped or failed',
    );
  });
  it('notes › overload › at least 10 in flight at the end and at least twice the mid-run count', () => {
    const note = (tl: number[]) => explainRun(result({ chat: svc({ inflightTimeline: tl }) }));
    // Mid-run = the bucket at ⌊(n − 1)/2⌋.
    expect(note([5, 10])).toEqual(['chat: overloaded — requests in flight grew from 5 at mid-run to 10 at the end']);
    expect(note([0, 5, 9, 12])).toEqual([
      'chat: overloaded — requests in flight grew from 5 at mid-run to 12 at the end',
    ]);
    expect(note([6, 11])).toEqual([]); // 11 < 2 × 6
    expect(note([0, 9])).toEqual([]); // fewer than 10 at the end
    expect(note([0, 0, 6, 11])).toEqual([
      'chat: overloaded — requests in flight grew from 0 at mid-run to 11 at the end',
    ]);
    expect(note([30])).toEqual([]); // one bucket: no mid-run to compare with
  });
  it('notes › links › busier than 90%, not at 90%', () => {
    expect(explainRun(result({}, { a: 0.9, b: 0.925 }))).toEqual([
      'link b (wifi): 93% busy (> 90%); transfers queue on it',
    ]);
  });
});
