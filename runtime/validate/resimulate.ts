/**
 * `parasim validate --resimulate FILE`: the simulated side of a recorded validation again, against
 * the live figures it recorded — no agent, no testbed time. Every cell's twin is rebuilt from what
 * the report kept (the profile rows it ran on, its round-trip rows, the run's idle-gap, calibration
 * and co-location measurements: `twinInputs`) with the simulator as it is now, so a change to a
 * model is checked against the same live runs instead of a new, differently noisy one (one live
 * run of the llama testbed's twelve cells takes ~19 minutes and its p99 errors move by ±10 points
 * from run to run). Pure apart from the simulator's CPU: a report in, a report out.
 */
import type { RunResult } from '../../policies/index.js';
import { isPlainObject, type ProfileRow } from '../../scenarios/index.js';
import type { RoundTripSample, Testbed } from '../controller/index.js';
import type { OverheadRow } from '../profile/index.js';
import { compareToRecorded, type CellComparison, type MetricRow } from './compare.js';
import { measurementsOf, revivedSamples, simulateTwin, withOtherCells } from './twin.js';
import { checkInputs, reportOf, scenarioAt, type CellRun, type TwinInputs, type ValidateResult } from './validate.js';

/** A recorded cell as `validationJson` writes it. */
interface RecordedCell {
  readonly policy: string;
  readonly load: number;
  readonly rows: readonly MetricRow[];
  readonly measuredTotals: RunResult['totals'];
  readonly measuredNotes: readonly string[];
  readonly twinProfiles: Readonly<Record<string, readonly ProfileRow[]>>;
  readonly twinOverhead: readonly [number, number];
  /** Absent in reports from before round trips were recorded per cell. */
  readonly roundTrips?: readonly RoundTripSample[];
}

/** What `--resimulate` reads from a validation JSON. */
export interface RecordedValidation {
  readonly policies: readonly string[];
  readonly loads: readonly number[];
  readonly seed: number;
  readonly liveRuns?: number;
  readonly overhead: readonly OverheadRow[];
  readonly twinInputs: TwinInputs;
  readonly cells: readonly RecordedCell[];
}

/** The parts of a parsed validation JSON `--resimulate` needs, or why it cannot use it. */
export function readRecorded(
  json: unknown,
  file: string,
): { ok: true; value: RecordedValidation } | { ok: false; issues: string[] } {
  if (!isPlainObject(json) || json['schema'] !== 'parasim.validation/1')
    return { ok: false, issues: [`${file}: not a validation report (schema parasim.validation/1)`] };
  if (!isPlainObject(json['twinInputs']))
    return {
      ok: false,
      issues: [
        `${file}: no twinInputs — written by a parasim validate from before they were recorded; run validate again`,
      ],
    };
  const cells = json['cells'];
  if (!Array.isArray(cells) || cells.length === 0) return { ok: false, issues: [`${file}: cells: none recorded`] };
  const bad = cells.findIndex(
    (c: unknown) =>
      !isPlainObject(c) ||
      typeof c['policy'] !== 'string' ||
      typeof c['load'] !== 'number' ||
      !Array.isArray(c['rows']) ||
      !isPlainObject(c['measuredTotals']) ||
      !Array.isArray(c['measuredNotes']) ||
      !isPlainObject(c['twinProfiles']) ||
      !Array.isArray(c['twinOverhead']),
  );
  if (bad >= 0)
    return {
      ok: false,
      issues: [
        `${file}: cells[${bad}]: needs policy, load, rows, measuredTotals, measuredNotes, twinProfiles and twinOverhead`,
      ],
    };
  if (!Array.isArray(json['overhead'])) return { ok: false, issues: [`${file}: overhead: missing`] };
  return { ok: true, value: json as unknown as RecordedValidation };
}

export interface ResimulateOptions {
  /** Twin replicas per cell (default: the recorded run's). */
  readonly twinReplicas?: number;
  readonly log?: (line: string) => void;
}

/**
 * Re-simulates every cell of `recorded` for the scenario `original` (the YAML object the run
 * validated, at `file`) on `testbed` (its frame size and hosts shape the twin; no agent is asked
 * anything) and compares with the recorded live figures.
 */
export function resimulate(
  original: unknown,
  file: string,
  testbed: Testbed,
  recorded: RecordedValidation,
  opts: ResimulateOptions = {},
): ValidateResult {
  const log = opts.log ?? (() => {});
  const tw = recorded.twinInputs;
  const input = checkInputs(original, file, testbed, {
    loads: recorded.loads,
    policies: recorded.policies,
    horizonS: tw.horizonS,
    ...(tw.trace !== undefined ? { trace: tw.trace } : {}),
  });
  if (!input.ok) return input;
  const { base, first } = input.value;
  const measured = measurementsOf(tw, testbed);
  const replicas = Math.max(1, opts.twinReplicas ?? tw.twinReplicas);
  const notes = [
    ...input.value.notes,
    `re-simulated with the simulator of this build against the live figures recorded in the report (${replicas} twin replicas per cell)`,
  ];
  const cells: CellRun[] = [];
  const usedByService = new Map<string, ProfileRow[]>();
  for (const [i, c] of recorded.cells.entries()) {
    const scaled = scenarioAt(base, file, c.load, tw.horizonS);
    if (typeof scaled === 'string') return { ok: false, issues: [scaled] };
    const profiles = new Map(Object.entries(c.twinProfiles));
    const [from, to] = c.twinOverhead;
    log(`cell ${c.policy} × load ${c.load}: simulating (${replicas} replicas)`);
    const rows = recorded.overhead.slice(from, to);
    // Leave one cell out, as the run did (empty round trips: the run did not draw from other cells).
    const others = revivedSamples(recorded.cells.filter((_, j) => j !== i).flatMap((o) => o.roundTrips ?? []));
    const typeOf = new Map(scaled.devices.map((d) => [d.id, d.spec.key]));
    const m = withOtherCells(measured, others, (recorded.cells.length - 1) * (recorded.liveRuns ?? 1), rows, typeOf);
    const { twin, runs } = simulateTwin(scaled, m, profiles, rows, {
      policy: c.policy,
      seed: recorded.seed,
      drainS: tw.drainS,
      replicas,
    });
    if (i === 0) notes.push(...twin.notes);
    for (const [svc, rows] of profiles) usedByService.set(svc, [...(usedByService.get(svc) ?? []), ...rows]);
    // A figure the live run did not have (NaN) is null in the JSON.
    const live = c.rows.map((r) => ({ ...r, measured: (r.measured as number | null) ?? NaN }));
    const cell: CellComparison = compareToRecorded(c.policy, c.load, runs, live);
    cells.push({
      ...cell,
      sim: runs[0]!,
      measured: { totals: c.measuredTotals, notes: c.measuredNotes },
      twinProfiles: c.twinProfiles,
      twinOverhead: c.twinOverhead,
      roundTrips: c.roundTrips ?? [],
    });
  }
  return {
    ok: true,
    value: reportOf({
      first,
      testbed: testbed.file,
      seed: recorded.seed,
      policies: recorded.policies,
      loads: recorded.loads,
      liveRuns: recorded.liveRuns ?? 1,
      cells,
      usedByService,
      overhead: recorded.overhead,
      twinInputs: { ...tw, twinReplicas: replicas },
      fits: new Map(),
      notes,
    }),
  };
}
