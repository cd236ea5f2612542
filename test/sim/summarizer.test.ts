/**
 * The pure metrics pieces (sim/metrics, shared with the live runtime), by hand: exact quantiles
 * (type 7), the summarizer's counts, latency populations, goodput timeline and busy-time buckets,
 * energy, and canonical JSON's rules. Small inputs whose every figure is computed in a comment.
 */
import { describe, expect, it } from 'vitest';
import { RunSummarizer, Samples, canonicalJson, resultToJson } from '../../sim/index.js';

describe('metrics › samples', () => {
  it('samples › empty › count 0 and NaN figures, no CDF', () => {
    expect(new Samples().summary()).toEqual({ count: 0, mean: NaN, p50: NaN, p90: NaN, p99: NaN, cdf: [] });
  });
  it('samples › 1..10 pushed out of order › mean 5.5, type-7 quantiles p50 5.5, p90 9.1, p99 9.91', () => {
    const s = new Samples();
    for (const x of [7, 3, 10, 1, 9, 2, 8, 4, 6, 5]) s.push(x);
    const r = s.summary();
    expect(r.count).toBe(10);
    expect(r.mean).toBeCloseTo(5.5, 12);
    expect(r.p50).toBeCloseTo(5.5, 12); // h = 9·0.5 = 4.5 → 5 + 0.5·(6 − 5)
    expect(r.p90).toBeCloseTo(9.1, 12); // h = 8.1 → 9 + 0.1·1
    expect(r.p99).toBeCloseTo(9.91, 12); // h = 8.91
    expect(r.cdf).toHaveLength(21);
    expect(r.cdf[0]).toBe(1);
    expect(r.cdf[20]).toBe(10);
    expect(r.cdf[10]).toBeCloseTo(5.5, 12);
    expect(r.cdf[1]).toBeCloseTo(1.45, 12); // h = 0.45
  });
  it('samples › one value › every quantile is that value', () => {
    const s = new Samples();
    s.push(0.25);
    expect(s.summary()).toMatchObject({ count: 1, mean: 0.25, p50: 0.25, p90: 0.25, p99: 0.25 });
  });
  it('samples › 1000 values (past the initial 256-slot buffer) › none lost', () => {
    const s = new Samples();
    for (let i = 1000; i >= 1; i--) s.push(i);
    const r = s.summary();
    expect(r.count).toBe(1000);
    expect(r.mean).toBeCloseTo(500.5, 9);
    expect(r.cdf[0]).toBe(1);
    expect(r.cdf[20]).toBe(1000);
    expect(r.p50).toBeCloseTo(500.5, 9);
  });
});

const meta = (over: Partial<ConstructorParameters<typeof RunSummarizer>[0]> = {}) => ({
  scenario: 's',
  seed: 3,
  policy: 'p',
  horizonS: 10,
  timelineBucketS: 4,
  services: [
    {
      name: 'chat',
      kind: 'llm' as const,
      slo: { kind: 'token' as const, ttftS: 1, tpotS: 0.2 },
      perfSource: { box: 'profile' as const },
    },
    {
      name: 'cams',
      kind: 'segmentation' as const,
      slo: { kind: 'frame' as const, deadlineS: 0.1 },
      perfSource: { box: 'roofline' as const },
    },
  ],
  devices: [
    { id: 'gpu', type: 'box', idleW: 50, busyW: 250 },
    { id: 'fpga', type: 'fpga', idleW: null, busyW: null },
  ],
  ...over,
});

describe('metrics › summarizer', () => {
  // Horizon 10 s in buckets of 4 s: [0,4), [4,8), [8,10) — the last one 2 s wide.
  const s = new RunSummarizer(meta());
  s.add(0, 'ok', 1, 1.5, 2.5, 3); // TTFT 0.5, TPOT (2.5 − 1.5)/2 = 0.5, e2e 1.5, ok in bucket 0
  s.add(0, 'late', 2, 4, 4.2, 2); // TTFT 2, TPOT 0.2, e2e 2.2
  s.add(0, 'ok', 5, 5.1, 5.1, 1); // one token: TTFT 0.1, no TPOT sample, e2e 0.1, bucket 1
  s.add(0, 'dropped', 6, NaN, 6, 5, 'slo-infeasible');
  s.add(0, 'failed', 7, NaN, 7, 5, 'device-crash');
  s.add(0, 'dropped', 7, NaN, 7, 5, 'no-instance');
  s.add(0, 'inflight', 9, NaN, NaN, 5);
  s.add(1, 'ok', 8, NaN, 9.05, 1); // frame: e2e 1.05, no TTFT, bucket 2
  s.add(1, 'late', 9, NaN, 9.5, 1, 'ignored-reason'); // reasons count only for dropped/failed
  s.addBusy(0, 3, 9); // 1 s in bucket 0, 4 s in bucket 1, 1 s in bucket 2
  s.addBusy(0, 9.5, 12); // clipped to the horizon: 0.5 s in bucket 2
  s.addBusy(0, 8, 9, -1); // 1 s handed back in bucket 2 (a decode run cut short)
  s.addBusy(1, 5, 5); // empty interval: nothing
  const r = s.finish([], ['a note']);

  it('summarizer › outcomes › counted per service and in total, reasons only for dropped and failed, sorted', () => {
    expect(r.services.chat).toMatchObject({ offered: 7, ok: 2, late: 1, dropped: 2, failed: 1, inflight: 1 });
    expect(r.services.chat!.dropReasons).toEqual({ 'device-crash': 1, 'no-instance': 1, 'slo-infeasible': 1 });
    expect(Object.keys(r.services.chat!.dropReasons)).toEqual(['device-crash', 'no-instance', 'slo-infeasible']);
    expect(r.services.cams!.dropReasons).toEqual({});
    expect(r.totals).toMatchObject({ offered: 9, ok: 3, late: 2, dropped: 2, failed: 1, inflight: 1 });
  });
  it('summarizer › goodput and attainment › ok per second of horizon, ok per offered', () => {
    expect(r.services.chat!.goodputRps).toBeCloseTo(0.2, 12);
    expect(r.services.chat!.sloAttainment).toBeCloseTo(2 / 7, 12);
    expect(r.totals.goodputRps).toBeCloseTo(0.3, 12);
    expect(r.totals.sloAttainment).toBeCloseTo(3 / 9, 12);
  });
  it('summarizer › latency populations › e2e over ok + late, TTFT where a first token exists, TPOT for ≥ 2 tokens', () => {
    expect(r.services.chat!.e2eS.count).toBe(3);
    expect(r.services.chat!.e2eS.mean).toBeCloseTo((1.5 + 2.2 + 0.1) / 3, 12);
    expect(r.services.chat!.ttftS.count).toBe(3);
    expect(r.services.chat!.ttftS.p50).toBeCloseTo(0.5, 12);
    expect(r.services.chat!.tpotS.count).toBe(2);
    expect(r.services.chat!.tpotS.mean).toBeCloseTo(0.35, 12);
    expect(r.services.cams!.ttftS.count).toBe(0);
    expect(r.services.cams!.e2eS.count).toBe(2);
    expect(r.services.cams!.perfSource).toEqual({ box: 'roofline' });
  });
  it('summarizer › goodput timeline › ok by finish time per bucket, the last bucket divided by its own width', () => {
    expect(r.goodputTimeline).toHaveLength(3);
    expect(r.goodputTimeline[0]).toBeCloseTo(1 / 4, 12);
    expect(r.goodputTimeline[1]).toBeCloseTo(1 / 4, 12);
    expect(r.goodputTimeline[2]).toBeCloseTo(1 / 2, 12);
  });
  it('summarizer › busy time › split across buckets, clipped to the horizon, handed back with sign −1', () => {
    // gpu: 6 + 0.5 − 1 = 5.5 s busy of 10; buckets 1/4, 4/4, (1 + 0.5 − 1)/2.
    expect(r.devices.gpu!.utilization).toBeCloseTo(0.55, 12);
    expect(r.devices.gpu!.utilizationTimeline[0]).toBeCloseTo(0.25, 12);
    expect(r.devices.gpu!.utilizationTimeline[1]).toBeCloseTo(1, 12);
    expect(r.devices.gpu!.utilizationTimeline[2]).toBeCloseTo(0.25, 12);
    expect(r.devices.fpga!.utilization).toBe(0);
    expect(r.devices.fpga!.utilizationTimeline).toEqual([0, 0, 0]);
  });
  it('summarizer › energy › idle power over the horizon plus the busy surplus; null without power figures', () => {
    expect(r.devices.gpu!.energyJ).toBeCloseTo(50 * 10 + 200 * 5.5, 9);
    expect(r.devices.fpga!.energyJ).toBeNull();
    expect(r.devices.gpu!.type).toBe('box');
  });
  it('summarizer › result header › schema, names, seed, horizon passed through', () => {
    expect(r).toMatchObject({
      schema: 'parasim.result/1',
      scenario: 's',
      seed: 3,
      policy: 'p',
      horizonS: 10,
      timelineBucketS: 4,
      placementChanges: [],
    });
  });
  it("summarizer › notes › the caller's notes first, then why (sim/metrics/notes.ts), per service in order", () => {
    // No placement change: neither service ever had a ready instance (100% > 10%). chat: 2 ok of
    // 7 = 29% < 50%, losses 2 dropped + 1 failed, 1 late, 1 in flight; cams: 1 of 2 = 50%, no note.
    expect(r.notes).toEqual([
      'a note',
      'chat: no ready instance for 100% of the run (> 10%)',
      'chat: SLO attainment 29% (< 50%) of 7 requests: 3 dropped or failed (device-crash 1, no-instance 1, slo-infeasible 1), 1 finished late, 1 still in flight at the horizon',
      'cams: no ready instance for 100% of the run (> 10%)',
    ]);
  });
  it('summarizer › nothing offered › attainment NaN, goodput 0', () => {
    const e = new RunSummarizer(meta()).finish([], []);
    expect(e.totals.sloAttainment).toBeNaN();
    expect(e.totals.goodputRps).toBe(0);
    expect(e.services.chat!.sloAttainment).toBeNaN();
    expect(e.totals.minServiceAttainment).toBeNaN();
    expect(e.totals.meanServiceAttainment).toBeNaN();
    // One service offered nothing: min and mean are over the other only.
    const one = new RunSummarizer(meta());
    one.add(1, 'ok', 1, NaN, 1.05, 1);
    one.add(1, 'late', 2, NaN, 2.5, 1);
    expect(one.finish([], []).totals).toMatchObject({ minServiceAttainment: 0.5, meanServiceAttainment: 0.5 });
  });
  it('summarizer › a record for an unknown service › throws (a bug, not bad input)', () => {
    const t = new RunSummarizer(meta());
    expect(() =>
      t.addRecord({
        id: 0,
        service: 'nope',
        arrivalS: 0,
        startS: 0,
        firstTokenS: 0,
        finishS: 1,
        promptTokens: 1,
        outputTokens: 1,
        devices: [],
        outcome: 'ok',
      }),
    ).toThrow(/unknown service nope/);
    t.addRecord({
      id: 1,
      service: 'cams',
      arrivalS: 0,
      startS: 0,
      firstTokenS: NaN,
      finishS: 0.05,
      promptTokens: 0,
      outputTokens: 1,
      devices: [],
      outcome: 'ok',
    });
    expect(t.finish([], []).services.cams!.ok).toBe(1);
  });
  it('summarizer › an exact-multiple horizon › buckets are horizon / width, not one more', () => {
    const t = new RunSummarizer(meta({ horizonS: 8, timelineBucketS: 4 }));
    t.add(1, 'ok', 7, NaN, 8, 1); // finishing exactly at the horizon: counted in the last bucket
    const x = t.finish([], []);
    expect(x.goodputTimeline).toEqual([0, 0.25]);
  });
});

describe('metrics › canonical JSON', () => {
  it('canonical › keys sorted at every depth, 2-space indent, trailing newline', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: 'x' } })).toBe(
      '{\n  "a": {\n    "c": "x",\n    "d": [\n      1,\n      {\n        "y": 1,\n        "z": 0\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });
  it('canonical › numbers › 9 significant digits, -0 → 0, NaN and ±∞ → null, integers exact, undefined dropped', () => {
    expect(
      JSON.parse(
        canonicalJson({ x: 0.1 + 0.2, y: -0, z: NaN, i: Infinity, k: 123456789012, u: undefined, s: 1 / 3, m: -1e-12 }),
      ),
    ).toEqual({ x: 0.3, y: 0, z: null, i: null, k: 123456789012, s: 0.333333333, m: -1e-12 });
    expect(canonicalJson({ y: -0 })).toBe('{\n  "y": 0\n}\n');
    expect(canonicalJson([1e15 + 2])).toBe(
      '[\n  1.00000000e+15\n]\n'.replace('1.00000000e+15', String(Number((1e15 + 2).toPrecision(9)))),
    );
  });
});

describe('metrics › summarizer › per-service energy, clocks, links, live clock', () => {
  // gpu busy 4 s of 10: 50·10 + 200·4 = 1300 J. Service busy on it: chat 3 − 1 (a run cut short) = 2 s,
  // cams 1 s → chat 2/3, cams 1/3 of it. Busy time on the fpga (no power figure) attributes nothing.
  const t = new RunSummarizer(
    meta({
      clock: 'live',
      links: [
        { id: 'wifi0', type: 'wifi' },
        { id: 'eth0', type: 'ethernet' },
      ],
    }),
  );
  t.add(0, 'ok', 1, 1.5, 2, 5);
  t.add(0, 'ok', 3, 3.5, 4, 3);
  t.add(0, 'dropped', 5, NaN, 5, 1, 'no-instance'); // one token: +∞ TTFT, no TPOT sample
  t.add(1, 'late', 6, NaN, 7, 1);
  t.add(1, 'dropped', 8, NaN, 8, 1, 'queue-full'); // segmentation: +∞ e2e only
  t.addBusy(0, 0, 4);
  t.addServiceBusy(0, 0, 3);
  t.addServiceBusy(1, 0, 1);
  t.addServiceBusy(0, 0, -1);
  t.addServiceBusy(0, 1, 2);
  t.setClockTimeline(0, [1, 0.5, 0.5]);
  t.setLinkBusy(0, 12); // busier than the run: capped at 1
  t.setLinkBusy(1, 3);
  const r = t.finish([], []);

  it('energy › split by service busy share; per request over ok + late, per output token for LLMs', () => {
    const chat = r.services.chat!;
    const cams = r.services.cams!;
    expect(r.devices.gpu!.energyJ).toBeCloseTo(1300, 9);
    expect(chat.energyJ).toBeCloseTo((1300 * 2) / 3, 9);
    expect(cams.energyJ).toBeCloseTo(1300 / 3, 9);
    expect(chat.energyPerRequestJ).toBeCloseTo((1300 * 2) / 3 / 2, 9);
    expect(chat.energyPerOutputTokenJ).toBeCloseTo((1300 * 2) / 3 / 8, 9);
    expect(cams.energyPerRequestJ).toBeCloseTo(1300 / 3, 9);
    expect(cams).not.toHaveProperty('energyPerOutputTokenJ');
  });
  it('output tokens › per second of horizon for LLMs only', () => {
    expect(r.services.chat!.outputTokPerS).toBeCloseTo(0.8, 12);
    expect(r.services.cams).not.toHaveProperty('outputTokPerS');
  });
  it('including drops › +∞ TTFT for an unfinished LLM request, TPOT only with ≥ 2 tokens; e2e only for frames', () => {
    expect(r.services.chat!.ttftInclDropsS.count).toBe(3);
    expect(r.services.chat!.ttftInclDropsS.p99).toBe(Infinity);
    // The finished ones count their real TTFT (0.5 s each): the median is one of them.
    expect(r.services.chat!.ttftInclDropsS.p50).toBeCloseTo(0.5, 12);
    expect(r.services.chat!.tpotInclDropsS.count).toBe(2);
    expect(r.services.chat!.e2eInclDropsS.count).toBe(3);
    expect(r.services.cams!.e2eInclDropsS.count).toBe(2);
    expect(r.services.cams!.ttftInclDropsS.count).toBe(0);
    expect(r.services.cams!.tpotInclDropsS.count).toBe(0);
  });
  it('attainment across services › min and mean of the services that were offered requests', () => {
    expect(r.totals.minServiceAttainment).toBeCloseTo(0, 12);
    expect(r.totals.meanServiceAttainment).toBeCloseTo((2 / 3 + 0) / 2, 12);
  });
  it('clock timeline on the device it was set for only; links capped at 1; the clock named', () => {
    expect(r.devices.gpu!.clockTimeline).toEqual([1, 0.5, 0.5]);
    expect(r.devices.fpga).not.toHaveProperty('clockTimeline');
    expect(r.links).toEqual({ wifi0: { type: 'wifi', utilization: 1 }, eth0: { type: 'ethernet', utilization: 0.3 } });
    expect(r.clock).toBe('live');
    expect(new RunSummarizer(meta()).finish([], []).clock).toBe('simulated');
  });
  it('in flight over time › arrivals minus ends per bucket; an end after the horizon is not an end', () => {
    const u = new RunSummarizer(meta());
    u.add(0, 'ok', 1, 1.5, 2, 2); // bucket 0 in and out
    u.add(0, 'late', 3, 3.5, 6, 2); // in at bucket 0, out at bucket 1
    u.add(0, 'inflight', 5, NaN, NaN, 2); // in at bucket 1, never out
    u.add(0, 'dropped', 9, NaN, 9.5, 2); // in and out in bucket 2
    u.add(0, 'late', 9, 9.5, 11, 2); // finishes past the horizon: still in flight at the end
    expect(u.finish([], []).services.chat!.inflightTimeline).toEqual([1, 1, 2]);
    // Busy time wholly past the horizon counts nothing (not a negative interval).
    u.addBusy(0, 12, 15);
    expect(u.finish([], []).devices.gpu!.utilization).toBe(0);
    // A drop without a reason counts in no reason.
    expect(u.finish([], []).services.chat!.dropReasons).toEqual({});
  });
});

describe('metrics › small API pieces', () => {
  it('samples › count follows the pushes', () => {
    const s = new Samples();
    expect(s.count).toBe(0);
    s.push(1);
    s.push(Infinity);
    expect(s.count).toBe(2);
  });
  it('resultToJson › the canonical JSON of a run result', () => {
    const r = new RunSummarizer(meta()).finish([], []);
    expect(resultToJson(r)).toBe(canonicalJson(r));
    expect(resultToJson(r).endsWith('}\n')).toBe(true);
  });
});
