/**
 * The twin's round-trip states from what validate measured (runtime/validate/busy-round-trip.ts,
 * profile-pairs.ts, round-trip-links.ts): idle-gap rows stay out of the back-to-back samples and
 * the fitted line; a calibration replay's requests replace a state's samples only with enough of
 * them; agents on one host become a co-located group with the alone ÷ together speedup.
 */
import { describe, expect, it } from 'vitest';
import type { RoundTripSample, Testbed, TestbedAgent } from '../../runtime/controller/index.js';
import type { ProfileRow, Scenario } from '../../scenarios/index.js';
import { aloneSpeedups, withColocation } from '../../runtime/validate/colocation.js';
import type { OverheadRow } from '../../runtime/profile/index.js';
import { inSituOverhead, MIN_STATE_SAMPLES } from '../../runtime/validate/busy-round-trip.js';
import {
  fitsByType,
  idleSamplesByType,
  replaySamplesByType,
  sameHost,
  samplesByType,
  speedRatios,
} from '../../runtime/validate/profile-pairs.js';

const row = (kind: OverheadRow['kind'], samplesS: number[], idleGapS?: number): OverheadRow => ({
  deviceType: 'cpu',
  kind,
  payloadBytes: 64,
  overheadS: samplesS[0]!,
  samplesS,
  source: 'test',
  ...(idleGapS !== undefined ? { idleGapS } : {}),
});
const sample = (
  overheadS: number,
  othersInFlight: number,
  idleS: number,
  elsewhereInFlight = 0,
  kind: RoundTripSample['kind'] = 'segmentation',
): RoundTripSample => ({
  device: 'cpu-0',
  kind,
  overheadS,
  othersInFlight,
  idleS,
  elsewhereInFlight,
});

describe('round-trip states', () => {
  const rows = [
    row('segmentation', [0.001, 0.001]),
    row('segmentation', [0.005], 0.1),
    row('segmentation', [0.003], 0.02),
    row('llm', [0.002, 0.002]),
    row('llm', [0.0001], 0.1),
  ];

  it('profile › idle-gap rows › neither in the back-to-back samples nor in the fitted line; by gap, ascending, of the same kind', () => {
    // The llm idle row (0.1 ms) would win the smallest intercept if idle rows were fitted.
    expect(fitsByType(rows).get('cpu')!.interceptS).toBeCloseTo(0.001, 9);
    expect(samplesByType(rows).get('cpu')).toEqual([0.001, 0.001]);
    expect(idleSamplesByType(rows).get('cpu')).toEqual([
      { idleS: 0.02, samplesS: [0.003] },
      { idleS: 0.1, samplesS: [0.005] },
    ]);
  });

  it('replay › samples of the picked kind on devices of the type', () => {
    const m = replaySamplesByType(
      rows,
      [sample(0.01, 1, 0), sample(0.02, 0, 1, 0, 'llm')],
      new Map([['cpu-0', 'cpu']]),
    );
    expect(m.get('cpu')!.map((s) => s.overheadS)).toEqual([0.01]);
  });

  it('in situ › a state with enough replay samples takes them, the others keep the profile', () => {
    const idle = [
      { idleS: 0.02, samplesS: [0.003] },
      { idleS: 0.1, samplesS: [0.005] },
    ];
    const n = MIN_STATE_SAMPLES;
    const replayed = [
      ...Array.from({ length: n }, () => sample(0.009, 2, 0)), // busy
      ...Array.from({ length: n }, () => sample(0.004, 0, 0.05)), // idle in [20, 100) ms
      ...Array.from({ length: n - 1 }, () => sample(0.007, 0, 0.5)), // idle ≥ 100 ms: one too few
      sample(0.0005, 0, 0.001), // idle < 20 ms: too few
      ...Array.from({ length: n }, () => sample(0.003, 0, 0.5, 1)), // another agent busy
      ...Array.from({ length: n }, () => sample(0.05, 0, Infinity)), // first requests: left out
    ];
    const t = inSituOverhead([0.001], idle, replayed);
    expect(t.busy).toEqual(Array(n).fill(0.009));
    expect(t.warm).toEqual([0.001]);
    expect(t.afterIdle).toEqual([
      { idleS: 0.02, samplesS: Array(n).fill(0.004) },
      { idleS: 0.1, samplesS: [0.005] },
    ]);
    expect(t.neighbourBusy).toEqual(Array(n).fill(0.003));
    expect(t.fromReplay.map((s) => s.split(' ')[0])).toEqual(['idle', 'busy', 'another']);
    // No replay: the profile's states, and no busy states.
    expect(inSituOverhead([0.001], idle, [])).toEqual({
      warm: [0.001],
      afterIdle: idle,
      busy: [],
      busyNeighbourBusy: [],
      neighbourBusy: [],
      fromReplay: [],
    });
  });

  it('in situ › busy split by whether another agent was busy too, only when both states have enough samples', () => {
    const n = MIN_STATE_SAMPLES;
    const alone = Array.from({ length: n }, () => sample(0.002, 1, 0, 0));
    const both = Array.from({ length: n }, () => sample(0.008, 1, 0, 1));
    const split = inSituOverhead([0.001], [], [...alone, ...both]);
    expect(split.busy).toEqual(Array(n).fill(0.002));
    expect(split.busyNeighbourBusy).toEqual(Array(n).fill(0.008));
    expect(split.fromReplay.map((s) => s.split(',')[0])).toEqual(['busy', 'busy']);
    // One state a sample short: one busy state of both, as measured.
    const one = inSituOverhead([0.001], [], [...alone, ...both.slice(1)]);
    expect([...one.busy].sort()).toEqual([...Array(n).fill(0.002), ...Array(n - 1).fill(0.008)]);
    expect(one.busyNeighbourBusy).toEqual([]);
  });
});

describe('co-located agents', () => {
  const pr = (batch: number, promptTokens: number | undefined, f: Partial<ProfileRow>): ProfileRow =>
    ({
      deviceType: 'cpu',
      model: 'm',
      batch,
      ...(promptTokens !== undefined ? { promptTokens } : {}),
      source: 't',
      ...f,
    }) as ProfileRow;

  it('speed ratios › alone ÷ together per figure of the same batch and prompt; items by latency', () => {
    const together = [
      pr(1, 256, { prefillTokPerS: 2000 }),
      pr(1, 256, { decodeTokPerS: 400 }),
      pr(2, 256, { decodeTokPerS: 500 }),
      pr(1, undefined, { itemLatencyS: 0.004 }),
    ];
    const alone = [
      pr(1, 256, { decodeTokPerS: 600 }),
      pr(1, 256, { prefillTokPerS: 3000 }),
      pr(1, undefined, { itemLatencyS: 0.002 }),
      pr(1, 64, { prefillTokPerS: 9 }),
    ];
    expect(speedRatios(alone, together)).toEqual([1.5, 1.5, 2]);
  });

  it('speedups › median of the rounds, at least 1; scenario › devices of agents on one host grouped by it', () => {
    const s = aloneSpeedups(
      new Map([
        ['cpu', [1.5, 1.5, 2]],
        ['gpu', [0.9]],
      ]),
    );
    expect(s.get('cpu')).toBe(1.5);
    expect(s.get('gpu')).toBe(1);
    expect(sameHost([agent('a', 'http://127.0.0.1:1'), agent('b', 'http://127.0.0.1:2')])).toBe(true);
    expect(sameHost([agent('a', 'http://127.0.0.1:1'), agent('b', 'http://10.0.0.2:2')])).toBe(false);
    const sc = {
      devices: [
        { id: 'cpu-0', spec: { key: 'cpu' } },
        { id: 'cpu-1', spec: { key: 'cpu' } },
        { id: 'gpu-0', spec: { key: 'gpu' } },
      ],
    } as unknown as Scenario;
    const tb = {
      agents: [agent('cpu-0', 'http://127.0.0.1:1'), agent('cpu-1', 'http://127.0.0.1:2')],
    } as unknown as Testbed;
    const out = withColocation(sc, tb, new Map([['cpu', 1.4]])).scenario.devices;
    expect(out.map((d) => d.colocated)).toEqual([
      { group: '127.0.0.1', aloneSpeedup: 1.4 },
      { group: '127.0.0.1', aloneSpeedup: 1.4 },
      undefined,
    ]);
  });
});

function agent(device: string, url: string): TestbedAgent {
  return { name: device, device, url, token: 'x'.repeat(8) };
}
