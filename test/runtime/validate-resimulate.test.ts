/**
 * `validate --resimulate`: a report's twins rebuilt from what it recorded, through the JSON the
 * CLI writes and reads back (runtime/validate/resimulate.ts). In process, no agents: the report
 * is assembled as validate.ts assembles it, from the llama testbed scenario and recorded round
 * trips, idle gaps, calibration states and co-location; a simulation with another seed stands in
 * for the live run (its figures are what the report records). The re-simulated rows must be the
 * ones the twin gives when built directly from the same measurements.
 */
import { describe, expect, it } from 'vitest';
import type { RoundTripSample, Testbed } from '../../runtime/controller/index.js';
import type { OverheadRow } from '../../runtime/profile/index.js';
import {
  compareCell,
  readRecorded,
  resimulate,
  validationJson,
  type ValidationReport,
} from '../../runtime/validate/index.js';
import { simulateLikeReplay } from '../../runtime/validate/sim-window.js';
import { simulateTwin, withOtherCells, type RunMeasurements } from '../../runtime/validate/twin.js';
import { policyChoiceFor, readScenarioObject, scaleLoad, validateScenarioObject } from '../../scenarios/index.js';

const FILE = 'scenarios/testbed/llama-cpu-scenario.yaml';
const read = readScenarioObject(FILE);
if (!read.ok) throw new Error('llama scenario unreadable');
const original = read.value as Record<string, unknown>;

const testbed: Testbed = {
  file: 'inline.yaml',
  agents: [
    { name: 'core0', device: 'cpu-0', url: 'http://127.0.0.1:1', token: 't' },
    { name: 'core1', device: 'cpu-1', url: 'http://127.0.0.1:2', token: 't' },
  ],
  models: {},
  segment: { width: 32, height: 32 },
};

const ms = (xs: number[]): number[] => xs.map((x) => x / 1000);
const overhead: OverheadRow[] = [
  {
    deviceType: 'x86-vm-core',
    kind: 'llm',
    payloadBytes: 64,
    overheadS: 0.003,
    samplesS: ms([2.5, 3, 3.5, 6]),
    source: 't',
  },
  {
    deviceType: 'x86-vm-core',
    kind: 'segmentation',
    payloadBytes: 3072,
    overheadS: 0.001,
    samplesS: ms([0.8, 1, 1.2, 4]),
    source: 't',
  },
];
// 24 frames that met a busy agent (≥ MIN_STATE_SAMPLES: they replace the profile's), one first request (idle NaN).
const busy: RoundTripSample[] = Array.from({ length: 24 }, (_, i) => ({
  device: 'cpu-0',
  kind: 'segmentation',
  overheadS: 0.002 + i * 0.0005,
  othersInFlight: 1,
  idleS: 0,
  elsewhereInFlight: 0,
}));
const measured: RunMeasurements = {
  testbed,
  roundTrip: true,
  speedups: new Map([['x86-vm-core', 1.2]]),
  idle: new Map([['x86-vm-core', [{ idleS: 0.1, samplesS: ms([1.9, 2.1, 2.4]) }]]]),
  replayed: new Map([['x86-vm-core', [...busy, { ...busy[0]!, idleS: NaN, othersInFlight: 0 }]]]),
  calibrationS: 30,
};
const H = 8;
const LOAD = 1;
const SEED = 11;

function scaled() {
  const obj = structuredClone(original);
  scaleLoad(obj, LOAD);
  obj['horizon_s'] = H;
  const v = validateScenarioObject(obj, FILE);
  if (!v.ok) throw new Error('scaled scenario invalid');
  return v.value;
}

describe('validate › --resimulate', () => {
  const run = { policy: 'least-loaded', seed: SEED, drainS: 5, replicas: 3 };
  const direct = simulateTwin(scaled(), measured, new Map(), overhead, run);
  const live = simulateLikeReplay(direct.twin.scenario, SEED + 7, policyChoiceFor(direct.twin.scenario, run.policy), 5);
  const cell = compareCell(run.policy, LOAD, direct.runs, live);
  const report: ValidationReport = {
    schema: 'parasim.validation/1',
    scenario: 'llama-cpu',
    testbed: testbed.file,
    seed: SEED,
    policies: [run.policy],
    loads: [LOAD],
    liveRuns: 1,
    profiles: [],
    cells: [
      {
        ...cell,
        sim: direct.runs[0]!,
        measured: live,
        twinProfiles: {},
        twinOverhead: [0, overhead.length],
        roundTrips: [],
      },
    ],
    medianAbsGoodputError: 0,
    services: {},
    medianAbsServiceGoodputError: 0,
    medianAbsE2eP50Error: 0,
    medianAbsE2eP99Error: 0,
    medianAbsTtftP99Error: 0,
    overhead,
    twinInputs: {
      roundTrip: true,
      calibrationS: 30,
      speedups: { 'x86-vm-core': 1.2 },
      idle: { 'x86-vm-core': measured.idle.get('x86-vm-core')! },
      replayed: { 'x86-vm-core': measured.replayed.get('x86-vm-core')! },
      horizonS: H,
      drainS: 5,
      twinReplicas: 3,
    },
    roundTripFits: {},
    notes: [],
  };

  it('the twin actually draws the recorded states (a different calibration gives other figures)', () => {
    const other = simulateTwin(scaled(), { ...measured, replayed: new Map() }, new Map(), overhead, run);
    const mean = (r: (typeof direct.runs)[number]) => r.services['cameras']!.e2eS.mean;
    expect(mean(other.runs[0]!)).not.toBe(mean(direct.runs[0]!));
  });

  it('through the JSON › every recorded row re-simulated as the twin built directly gives it; live figures kept', () => {
    const json: unknown = JSON.parse(validationJson(report));
    const rec = readRecorded(json, 'v.json');
    if (!rec.ok) throw new Error(rec.issues.join('; '));
    const r = resimulate(original, FILE, testbed, rec.value);
    if (!r.ok) throw new Error(r.issues.join('; '));
    const again = r.value.cells[0]!;
    expect(again.rows.map((x) => `${x.scope}.${x.metric}`)).toEqual(cell.rows.map((x) => `${x.scope}.${x.metric}`));
    for (const [i, row] of again.rows.entries()) {
      const want = cell.rows[i]!;
      // JSON keeps ~9 significant digits of the recorded samples: equal to that precision.
      if (Number.isNaN(want.sim)) expect(row.sim).toBeNaN();
      else expect(Math.abs(row.sim - want.sim)).toBeLessThanOrEqual(Math.abs(want.sim) * 1e-6 + 1e-12);
      if (Number.isNaN(want.measured)) expect(row.measured).toBeNaN();
      else expect(row.measured).toBeCloseTo(want.measured, 8);
    }
    expect(again.measured.totals.offered).toBe(live.totals.offered);
    expect(r.value.notes.join('\n')).toContain('re-simulated');
    expect(r.value.notes.join('\n')).toContain('from the calibration replay (30 s');
    // Fewer replicas on request: still a report, its sims from one replica.
    const one = resimulate(original, FILE, testbed, rec.value, { twinReplicas: 1 });
    expect(one.ok && one.value.cells[0]!.sim.totals.offered).toBe(direct.runs[0]!.totals.offered);
  });

  it('bad input › not a report, a report without twin inputs, a cell without its twin › errors naming the file', () => {
    expect(readRecorded([], 'a.json')).toMatchObject({
      ok: false,
      issues: [expect.stringContaining('a.json: not a validation report')],
    });
    const old = JSON.parse(validationJson(report)) as Record<string, unknown>;
    delete old['twinInputs'];
    expect(readRecorded(old, 'old.json')).toMatchObject({
      ok: false,
      issues: [expect.stringMatching(/old\.json: no twinInputs .*run validate again/)],
    });
    const cut = JSON.parse(validationJson(report)) as { cells: Record<string, unknown>[] };
    delete cut.cells[0]!['twinProfiles'];
    expect(readRecorded(cut, 'cut.json')).toMatchObject({
      ok: false,
      issues: [expect.stringContaining('cut.json: cells[0]: needs')],
    });
  });
});

describe('validate › round trips of the other cells (leave one cell out)', () => {
  const frame = (overheadS: number, othersInFlight: number): RoundTripSample => ({
    device: 'cpu-1',
    kind: 'segmentation',
    overheadS,
    othersInFlight,
    idleS: 0,
    elsewhereInFlight: 0,
  });
  const typeOf = new Map([
    ['cpu-0', 'x86-vm-core'],
    ['cpu-1', 'x86-vm-core'],
  ]);
  it('withOtherCells › adds the samples by device type to the calibration replay’s; nothing to add or no round trip › unchanged', () => {
    const others = [frame(0.009, 1), frame(0.011, 2)];
    const m = withOtherCells(measured, others, 33, overhead, typeOf);
    expect(m.replayed.get('x86-vm-core')!.length).toBe(measured.replayed.get('x86-vm-core')!.length + 2);
    expect(m.otherRuns).toBe(33);
    expect(measured.replayed.get('x86-vm-core')!.length).toBe(25); // not mutated
    expect(withOtherCells(measured, [], 33, overhead, typeOf)).toBe(measured);
    const off = { ...measured, roundTrip: false };
    expect(withOtherCells(off, others, 33, overhead, typeOf)).toBe(off);
    // An LLM round trip is not the kind the twin draws frames by (segmentation has the smaller intercept).
    expect(
      withOtherCells(measured, [{ ...frame(0.5, 1), kind: 'llm' }], 1, overhead, typeOf).replayed.get('x86-vm-core')!
        .length,
    ).toBe(25);
  });
  it('the twin draws them and says so: 40 busy frames of 50 ms from other cells move its cameras tail', () => {
    const slow = Array.from({ length: 40 }, () => frame(0.05, 1));
    const m = withOtherCells({ ...measured, replayed: new Map() }, slow, 11, overhead, typeOf);
    const run = { policy: 'least-loaded', seed: SEED, drainS: 5, replicas: 1 };
    const a = simulateTwin(scaled(), { ...measured, replayed: new Map() }, new Map(), overhead, run);
    const b = simulateTwin(scaled(), m, new Map(), overhead, run);
    expect(b.runs[0]!.services['cameras']!.e2eS.mean).toBeGreaterThan(a.runs[0]!.services['cameras']!.e2eS.mean);
    expect(b.twin.notes.join('\n')).toContain('11 live runs of the other cells');
  });
});
