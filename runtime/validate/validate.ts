/**
 * `validate`: profile → calibrate → replay → simulate → compare, for each policy × load of one
 * scenario on one testbed (docs/validation.md).
 *
 * 1. Profile (profile-pairs.ts): every (catalog device type of a testbed agent × agent model of a
 *    service) pair is measured with `profileDevice` on all agents of that type at once (mean), with
 *    each agent's round trip back to back and — this first time only — after idle gaps, and one
 *    agent alone against all at once (co-location, colocation.ts).
 * 2. Calibration replay (busy-round-trip.ts, `busyCalibrationS`): the scenario at load 1 with
 *    seed + 1 through the controller, for the round trips of requests that meet a busy agent.
 * 3. Per cell (policy, load), one after another (live cells would share the CPU): the scenario is
 *    load-scaled (`scaleLoad`, the sweep's load axis) and replayed live `liveRuns` times with the
 *    cell's policy and seed; the agents are profiled again (`profileAround`).
 * 4. Per cell, after the live cells: the twin — the scaled scenario with the mean of the run's
 *    profiles (or of the two around the cell: `profileMean`) and every measured overhead
 *    (twin.ts) — is simulated `twinReplicas` times like the replay measures (sim-window.ts),
 *    and the two sides compared (compare.ts).
 */
import type { RequestRecord, RunResult } from '../../policies/index.js';
import {
  formatIssues,
  isPlainObject,
  policyChoiceFor,
  scaleLoad,
  validateScenarioObject,
  type PolicyChoice,
  type ProfileRow,
  type Scenario,
} from '../../scenarios/index.js';
import { replay, type ReplayOptions, type RoundTripSample, type Testbed } from '../controller/index.js';
import { ROUND_TRIP_IDLE_GAPS_MS, type OverheadFit, type OverheadRow } from '../profile/index.js';
import {
  idleSamplesByType,
  meanRows,
  profileAll,
  replaySamplesByType,
  type PairProfiles,
  type ProfileGrid,
} from './profile-pairs.js';
import {
  compareCell,
  medianAbsGoodputError,
  summarizeServices,
  worstServiceMedian,
  type CellComparison,
  type ServiceErrorSummary,
} from './compare.js';
import { withTraceOverride, type TraceOverride } from './trace-override.js';
import { stepCostFitNotes } from './fit-notes.js';
import { busyRoundTrips } from './busy-round-trip.js';
import { aloneSpeedups } from './colocation.js';
import {
  recordMeasurements,
  simulateTwin,
  twinOf,
  withOtherCells,
  type RecordedMeasurements,
  type RunMeasurements,
  type Twin,
} from './twin.js';

export type { ProfileGrid } from './profile-pairs.js';

export const DEFAULT_PROFILE_GRID: ProfileGrid = {
  batches: [1, 2, 4, 8],
  promptTokens: [16, 64, 256],
  outputTokens: 16,
  repeats: 3,
};

/** Twin replicas per cell: enough that a p99 of ~100 frames is not one draw's luck; ms each. */
export const DEFAULT_TWIN_REPLICAS = 9;

export interface ValidateOptions {
  /** Policies to compare (default: the scenario's own). A policy other than the scenario's runs with default params. */
  readonly policies?: readonly string[];
  /** Load multipliers (default [1]). */
  readonly loads?: readonly number[];
  /** Root seed (default: the scenario's). */
  readonly seed?: number;
  /** Overrides the scenario's horizon_s (short runs, tests). */
  readonly horizonS?: number;
  readonly profileGrid?: ProfileGrid;
  /** Passed to `replay` (drain, heartbeat, timeouts); policy and seed are set per cell. */
  readonly replay?: Omit<ReplayOptions, 'policy' | 'seed' | 'records' | 'timeScale'>;
  /** Label written into each profile row's `source`. */
  readonly profileLabel?: string;
  /** Put the measured round trip on the simulated side (default true). */
  readonly roundTrip?: boolean;
  /**
   * Profile again after every live cell and simulate each cell with the mean of the profiles
   * before and after it (default false): on a shared host whose speed drifts, one profile taken
   * minutes before a cell measures another machine than the cell met.
   */
  readonly profileAround?: boolean;
  /**
   * Each cell's twin also draws its round trips from those of the other cells' live runs (leave
   * one cell out; twin.ts `withOtherCells`). Default true.
   */
  readonly roundTripFromOtherCells?: boolean;
  /**
   * With `profileAround`: 'run' (default) simulates every cell with the mean of all the run's
   * profiles and round trips; 'cell' with the mean of the profiles just before and after it (a
   * host whose speed drifts within the run).
   */
  readonly profileMean?: 'run' | 'cell';
  /**
   * Seconds of arrivals of the calibration replay that measures the round trip of requests
   * reaching a busy agent (busy-round-trip.ts; load 1, seed + 1, the first policy). Default 60;
   * 0: none (a request reaching a busy device draws the back-to-back samples).
   */
  readonly busyCalibrationS?: number;
  /**
   * Measure one agent alone once and model agents on one host as co-located (colocation.ts).
   * Default true; false: each device at its profile's speed always.
   */
  readonly colocation?: boolean;
  /**
   * Twin runs per cell that differ only in their draws of the measured overheads (default
   * DEFAULT_TWIN_REPLICAS); each compared figure is their median. The cell's `sim` result is
   * replica 0.
   */
  readonly twinReplicas?: number;
  /**
   * Live replays per cell (default 1), all with the cell's seed (the same arrivals): each live
   * figure is their median, as each simulated one is the twin replicas' — one live run is one draw
   * of the host's timing, and a cell's p99 is its one or two slowest requests.
   */
  readonly liveRuns?: number;
  /**
   * Every request of every cell: each live run's (`run` 0…) and the twin's replica 0 (`run` 0),
   * for a look at where a cell's two sides part (`validate --records DIR`).
   */
  readonly records?: (cell: CellRecordKey, r: RequestRecord) => void;
  /** Replay another trace in the scenario's trace service (trace-override.ts). */
  readonly trace?: TraceOverride;
  readonly log?: (line: string) => void;
}

/** Which run of which cell a request record belongs to. */
export interface CellRecordKey {
  readonly policy: string;
  readonly load: number;
  readonly side: 'live' | 'sim';
  readonly run: number;
}

export interface CellRun extends CellComparison {
  /** Twin replica 0 (the compared figures are medians over all replicas: compare.ts). */
  readonly sim: RunResult;
  /** Live run 0's totals and notes (a re-simulated report: the recorded ones). */
  readonly measured: Pick<RunResult, 'totals' | 'notes'>;
  /** Every live run of the cell; absent in a re-simulated report (resimulate.ts). */
  readonly live?: readonly RunResult[];
  /** The profile rows the twin ran on, per service. */
  readonly twinProfiles: Readonly<Record<string, readonly ProfileRow[]>>;
  /** The report's `overhead` rows the twin's round trips came from: [from, to). */
  readonly twinOverhead: readonly [number, number];
  /**
   * Round trips of the cell's live runs through the controller: the other cells' twins drew from
   * them (`roundTripFromOtherCells`; empty when off).
   */
  readonly roundTrips: readonly RoundTripSample[];
}

/** How the twins were run and what they were built from, beside the profiles and overhead rows. */
export interface TwinInputs extends RecordedMeasurements {
  /** The cells' horizon (arrivals), seconds, and the drain after it. */
  readonly horizonS: number;
  readonly drainS: number;
  readonly twinReplicas: number;
  /** The trace replayed instead of the scenario's own (ValidateOptions.trace). */
  readonly trace?: TraceOverride;
}

export interface ValidationReport {
  readonly schema: 'parasim.validation/1';
  readonly scenario: string;
  readonly testbed: string;
  readonly seed: number;
  readonly policies: readonly string[];
  readonly loads: readonly number[];
  /** Live replays per cell (ValidateOptions.liveRuns). */
  readonly liveRuns: number;
  readonly profiles: readonly ProfileRow[];
  readonly cells: readonly CellRun[];
  /** Median over cells of the total-goodput error. */
  readonly medianAbsGoodputError: number;
  /** Per service, per metric: median over cells of |relative error| (compare.ts `summarizeServices`). */
  readonly services: Readonly<Record<string, ServiceErrorSummary>>;
  /** The worst service's median over cells, per metric (compare.ts `worstServiceMedian`). */
  readonly medianAbsServiceGoodputError: number;
  readonly medianAbsE2eP50Error: number;
  readonly medianAbsE2eP99Error: number;
  readonly medianAbsTtftP99Error: number;
  /** Round trip measured per device type (rows) and what the simulated side used (fits). */
  readonly overhead: readonly OverheadRow[];
  /** What rebuilds every cell's twin without the agents (`resimulate`). */
  readonly twinInputs: TwinInputs;
  readonly roundTripFits: Readonly<Record<string, OverheadFit>>;
  readonly notes: readonly string[];
}

export type ValidateResult =
  { readonly ok: true; readonly value: ValidationReport } | { readonly ok: false; readonly issues: readonly string[] };

/** The scenario object at load `m` (and horizon override), validated. */
export function scenarioAt(
  base: Record<string, unknown>,
  file: string,
  m: number,
  horizonS: number | undefined,
): Scenario | string {
  const obj = structuredClone(base);
  scaleLoad(obj, m);
  if (horizonS !== undefined) obj['horizon_s'] = horizonS;
  const r = validateScenarioObject(obj, file);
  return r.ok ? r.value : formatIssues(r.issues);
}

interface Inputs {
  /** The scenario as a YAML object, with a replayed trace swapped in (`opts.trace`). */
  readonly base: Record<string, unknown>;
  /** `base` at load 1. */
  readonly first: Scenario;
  readonly loads: readonly number[];
  readonly policies: readonly string[];
  readonly notes: readonly string[];
}

/** Everything that can be wrong before an agent is asked anything, as issues. */
export function checkInputs(
  original: unknown,
  file: string,
  testbed: Testbed,
  opts: ValidateOptions,
): { ok: true; value: Inputs } | { ok: false; issues: readonly string[] } {
  const notes: string[] = [];
  let base = original;
  if (opts.trace !== undefined) {
    const o = withTraceOverride(original, file, opts.trace, opts.horizonS);
    if (!o.ok) return { ok: false, issues: o.issues };
    base = o.value;
    notes.push(o.note);
  }
  if (!isPlainObject(base)) return { ok: false, issues: [`${file}: a scenario is a YAML mapping`] };
  const loads = opts.loads ?? [1];
  const bad = loads.filter((m) => !(m > 0) || !Number.isFinite(m));
  if (bad.length > 0 || loads.length === 0)
    return { ok: false, issues: [`loads must be finite numbers > 0 (got ${loads.join(', ')})`] };
  const runs = opts.liveRuns ?? 1;
  if (!Number.isInteger(runs) || runs < 1)
    return { ok: false, issues: [`live runs per cell must be an integer ≥ 1 (got ${runs})`] };
  const first = scenarioAt(base, file, 1, opts.horizonS);
  if (typeof first === 'string') return { ok: false, issues: [first] };
  const policies = opts.policies ?? [first.policy.name];
  const known = new Set(first.devices.map((d) => d.id));
  const unknown = testbed.agents.filter((a) => !known.has(a.device)).map((a) => `${a.name} → ${a.device}`);
  if (unknown.length > 0)
    return {
      ok: false,
      issues: [`${testbed.file}: agents realize devices the scenario does not have: ${unknown.join(', ')}`],
    };
  const unmapped = first.devices.filter((d) => !testbed.agents.some((a) => a.device === d.id)).map((d) => d.id);
  if (unmapped.length > 0)
    notes.push(`devices without an agent (down live, simulated as present): ${unmapped.join(', ')}`);
  return { ok: true, value: { base, first, loads, policies, notes } };
}

/** One cell's inputs that do not change from cell to cell. */
interface CellContext {
  readonly testbed: Testbed;
  readonly measured: RunMeasurements;
  readonly seed: number;
  readonly liveRuns: number;
  readonly twinReplicas: number;
  readonly opts: ValidateOptions;
  /** Profiles the agents again after a cell (`profileAround`), or null: the profile before stands. */
  readonly profileAgain: (() => Promise<PairProfiles>) | null;
  readonly log: (line: string) => void;
}

/** A cell's live side, and what its twin is built from. */
interface LiveCell {
  readonly name: string;
  readonly load: number;
  readonly scaled: Scenario;
  readonly lives: readonly RunResult[];
  /** Round trips of every request served in the live runs (the other cells' twins draw from them). */
  readonly roundTrips: readonly RoundTripSample[];
  /** The profile known before the cell (what its live side planned with). */
  readonly before: PairProfiles;
  /** The profile after the cell (the next cell's before); `before` itself without `profileAround`. */
  readonly after: PairProfiles;
}

/** The mean of the profiles before and after a cell, per service (`--profile-mean cell`). */
function aroundCell(cell: LiveCell): ReadonlyMap<string, readonly ProfileRow[]> {
  const { before, after } = cell;
  if (after === before) return before.perService;
  return new Map(
    [...before.perService].map(([svc, rows]) => [
      svc,
      meanRows([rows, after.perService.get(svc) ?? rows], 'profiles, before and after the cell'),
    ]),
  );
}

/**
 * A cell's live side: replay `liveRuns` times from the profile known before it (the scenario the
 * policies plan with), then profile again (`profileAround`).
 */
async function liveCell(
  c: CellContext,
  name: string,
  load: number,
  scaled: Scenario,
  before: PairProfiles,
): Promise<LiveCell> {
  const live = twinOf(scaled, c.measured, before.perService, before.overhead).scenario;
  const policy = policyChoiceFor(live, name);
  const lives: RunResult[] = [];
  const roundTrips: RoundTripSample[] = [];
  for (let k = 0; k < c.liveRuns; k++) {
    const which = c.liveRuns > 1 ? `, run ${k + 1} of ${c.liveRuns}` : '';
    c.log(`cell ${name} × load ${load}: replaying live (${live.horizonS} s of arrivals${which})`);
    const records = c.opts.records;
    const key: CellRecordKey = { policy: name, load, side: 'live', run: k };
    const r = await replay(live, c.testbed, {
      ...c.opts.replay,
      policy,
      seed: c.seed,
      ...(c.opts.replay?.log === undefined ? { log: c.log } : {}),
      ...(records !== undefined ? { records: (x: RequestRecord) => records(key, x) } : {}),
      roundTrips: (x: RoundTripSample) => roundTrips.push(x),
    });
    lives.push(r.result);
  }
  const after = c.profileAgain === null ? before : await c.profileAgain();
  return { name, load, scaled, lives, roundTrips, before, after };
}

/**
 * A cell's twin, from `profiles` and the round-trip rows `overhead`, simulated `twinReplicas`
 * times and compared with its live runs (compare.ts: each figure a median over runs and replicas).
 */
function twinCell(
  c: CellContext,
  cell: LiveCell,
  m: RunMeasurements,
  profiles: ReadonlyMap<string, readonly ProfileRow[]>,
  overhead: readonly OverheadRow[],
): { run: Omit<CellRun, 'twinProfiles' | 'twinOverhead' | 'roundTrips'>; twin: Twin } {
  const { name, load, lives } = cell;
  c.log(`cell ${name} × load ${load}: simulating`);
  const { twin, runs: replicas } = simulateTwin(cell.scaled, m, profiles, overhead, {
    policy: name,
    seed: c.seed,
    drainS: c.opts.replay?.drainS ?? 30,
    replicas: c.twinReplicas,
    ...(c.opts.records !== undefined
      ? { records: (x: RequestRecord) => c.opts.records!({ policy: name, load, side: 'sim', run: 0 }, x) }
      : {}),
  });
  const sim = replicas[0]!;
  const compared = compareCell(name, load, replicas, lives);
  const measured = lives[0]!;
  c.log(
    `cell ${name} × load ${load}: goodput sim ${sim.totals.goodputRps.toFixed(3)} live ${measured.totals.goodputRps.toFixed(3)} req/s (error ${compared.goodputError === null ? 'undefined' : `${(compared.goodputError * 100).toFixed(1)}%`})`,
  );
  return { run: { ...compared, sim, measured, live: lives }, twin };
}

/**
 * Step 2: `profiled` with the round trips of the calibration replay (busy-round-trip.ts) — the
 * scenario `cal` at load 1 over the calibration horizon, replayed through the controller with
 * seed + 1 — by device type.
 */
async function calibrated(
  profiled: RunMeasurements,
  cal: Scenario,
  firstProfile: PairProfiles,
  policy: PolicyChoice,
  seed: number,
  opts: ValidateOptions,
): Promise<RunMeasurements> {
  const calTwin = twinOf(cal, profiled, firstProfile.perService, firstProfile.overhead).scenario;
  const samples = await busyRoundTrips(calTwin, profiled.testbed, {
    policy,
    seed,
    ...(opts.replay !== undefined ? { replay: opts.replay } : {}),
  });
  const typeOf = new Map(cal.devices.map((d) => [d.id, d.spec.key]));
  return {
    ...profiled,
    replayed: replaySamplesByType(firstProfile.overhead, samples, typeOf),
    calibrationS: cal.horizonS,
  };
}

/**
 * Step 4, after the live cells: each cell's twin — on the run's pooled profiles or the cell's own
 * (`profileMean`), with the other cells' round trips (`roundTripFromOtherCells`) — simulated and
 * compared. `overhead` holds every profile's round-trip rows in order; `lives[i].overheadAt`
 * the rows of the profiles around cell i.
 */
function twinCells(
  c: CellContext,
  lives: readonly { cell: LiveCell; overheadAt: readonly [number, number] }[],
  firstProfile: PairProfiles,
  overhead: readonly OverheadRow[],
  notes: string[],
): { cells: CellRun[]; usedByService: Map<string, ProfileRow[]>; fits: ReadonlyMap<string, OverheadFit> } {
  const pooled = c.profileAgain !== null && c.opts.profileMean !== 'cell';
  if (c.profileAgain !== null)
    notes.push(
      pooled
        ? `profiled before and after every live cell; every cell simulated with the mean of the run's ${lives.length + 1} profiles and all their round trips (--profile-mean run)`
        : "profiled before and after every live cell; each cell simulated with the mean of the two (--profile-mean cell: follows a drift of the host's speed)",
    );
  // The profiles of one run scatter ±10–20% from cell to cell with no trend (docs/validation.md):
  // their mean is a better measure of the machine than the two around a cell.
  const runProfiles = pooled
    ? new Map(
        [...firstProfile.perService.keys()].map((svc) => [
          svc,
          meanRows(
            [firstProfile.perService.get(svc)!, ...lives.map((l) => l.cell.after.perService.get(svc) ?? [])].filter(
              (rows) => rows.length > 0,
            ),
            'profiles of the run',
          ),
        ]),
      )
    : null;
  const otherCells = c.measured.roundTrip && c.opts.roundTripFromOtherCells !== false;
  const typeOf = new Map((lives[0]?.cell.scaled.devices ?? []).map((d) => [d.id, d.spec.key]));
  const usedByService = new Map<string, ProfileRow[]>();
  const cells: CellRun[] = [];
  let fits: ReadonlyMap<string, OverheadFit> = new Map();
  for (const [i, { cell, overheadAt }] of lives.entries()) {
    const profiles = runProfiles ?? aroundCell(cell);
    const at: readonly [number, number] = pooled ? [0, overhead.length] : overheadAt;
    const rows = overhead.slice(at[0], at[1]);
    const others = otherCells ? lives.filter((_, j) => j !== i).flatMap((l) => l.cell.roundTrips) : [];
    const m = withOtherCells(c.measured, others, (lives.length - 1) * c.liveRuns, rows, typeOf);
    const out = twinCell(c, cell, m, profiles, rows);
    for (const [svc, r] of profiles) usedByService.set(svc, [...(usedByService.get(svc) ?? []), ...r]);
    if (cells.length === 0) notes.push(...out.twin.notes);
    fits = out.twin.fits;
    cells.push({
      ...out.run,
      twinProfiles: Object.fromEntries(profiles),
      twinOverhead: at,
      roundTrips: otherCells ? cell.roundTrips : [],
    });
  }
  return { cells, usedByService, fits };
}

/**
 * Runs the validation. `original` is the scenario as a plain YAML object (readScenarioObject), `file`
 * its path (messages, relative trace paths). Agent failures while profiling or replaying throw
 * (the caller reports them); invalid inputs come back as issues. Steps (file comment): check the
 * inputs; profile every pair (with the idle-gap round trips and co-location, once); the
 * calibration replay; the live cells, one after another; the twins.
 */
export async function validateOnTestbed(
  original: unknown,
  file: string,
  testbed: Testbed,
  opts: ValidateOptions = {},
): Promise<ValidateResult> {
  const log = opts.log ?? (() => {});
  const input = checkInputs(original, file, testbed, opts);
  if (!input.ok) return input;
  const { base, first, loads, policies } = input.value;
  const notes = [...input.value.notes];
  for (const n of notes) log(n);
  const grid = opts.profileGrid ?? DEFAULT_PROFILE_GRID;
  const label = opts.profileLabel ?? 'measured: parasim validate';
  const roundTrip = opts.roundTrip !== false;
  const seed = opts.seed ?? first.seed;

  // The wake-up after idle is measured once, with the first profile (a property of the host's
  // processes and idle states, not of a cell; ~5 s per agent and service kind).
  const idleGapsMs = roundTrip ? (grid.roundTripIdleGapsMs ?? ROUND_TRIP_IDLE_GAPS_MS) : [];
  const firstProfile = await profileAll(
    first,
    testbed,
    { ...grid, roundTripIdleGapsMs: idleGapsMs },
    label,
    log,
    opts.colocation !== false,
  );
  const profiled: RunMeasurements = {
    testbed,
    roundTrip,
    speedups: aloneSpeedups(firstProfile.aloneRatios),
    idle: roundTrip ? idleSamplesByType(firstProfile.overhead) : new Map(),
    replayed: new Map(),
    calibrationS: 0,
  };

  const calibrationS = roundTrip ? (opts.busyCalibrationS ?? 60) : 0;
  let measured = profiled;
  if (calibrationS > 0) {
    const cal = scenarioAt(base, file, 1, calibrationS);
    if (typeof cal === 'string') return { ok: false, issues: [cal] };
    log(`calibration replay: ${calibrationS} s at load 1, seed + 1 (round trips through the controller)`);
    measured = await calibrated(profiled, cal, firstProfile, policyChoiceFor(cal, policies[0]!), seed, opts);
  }

  const around = opts.profileAround === true;
  const liveRuns = opts.liveRuns ?? 1;
  if (liveRuns > 1)
    notes.push(
      `${liveRuns} live runs per cell (same arrivals); each live figure is their median, as each simulated one is the twin replicas'`,
    );
  const later: ProfileGrid = { ...grid, roundTripIdleGapsMs: [] };
  const context: CellContext = {
    testbed,
    measured,
    seed,
    liveRuns,
    twinReplicas: Math.max(1, opts.twinReplicas ?? DEFAULT_TWIN_REPLICAS),
    opts,
    profileAgain: around ? () => profileAll(first, testbed, later, label, log) : null,
    log,
  };
  const overhead: OverheadRow[] = [...firstProfile.overhead];
  const lives: { cell: LiveCell; overheadAt: readonly [number, number] }[] = [];
  let before = firstProfile;
  /** Where `before`'s overhead rows start in `overhead`. */
  let beforeAt = 0;
  for (const load of loads) {
    const scaled = scenarioAt(base, file, load, opts.horizonS);
    if (typeof scaled === 'string') return { ok: false, issues: [scaled] };
    for (const name of policies) {
      const cell = await liveCell(context, name, load, scaled, before);
      const afterAt = cell.after === before ? beforeAt : overhead.length;
      if (cell.after !== before) overhead.push(...cell.after.overhead);
      lives.push({ cell, overheadAt: [beforeAt, overhead.length] });
      before = cell.after;
      beforeAt = afterAt;
    }
  }
  const { cells, usedByService, fits } = twinCells(context, lives, firstProfile, overhead, notes);
  return {
    ok: true,
    value: reportOf({
      first,
      testbed: testbed.file,
      seed,
      policies,
      loads,
      liveRuns,
      cells,
      usedByService,
      overhead,
      twinInputs: {
        ...recordMeasurements(measured),
        horizonS: first.horizonS,
        drainS: opts.replay?.drainS ?? 30,
        twinReplicas: context.twinReplicas,
        ...(opts.trace !== undefined ? { trace: opts.trace } : {}),
      },
      fits,
      notes,
    }),
  };
}

/** What a report is assembled from (a run, or a re-simulation of one): its fields as they go in, plus: */
export interface ReportParts extends Pick<
  ValidationReport,
  'testbed' | 'seed' | 'policies' | 'loads' | 'liveRuns' | 'cells' | 'overhead' | 'twinInputs' | 'notes'
> {
  /** The scenario at load 1 (name; the step-cost fit notes). */
  readonly first: Scenario;
  /** The profile rows the twins ran on, per service (every cell's). */
  readonly usedByService: ReadonlyMap<string, readonly ProfileRow[]>;
  readonly fits: ReadonlyMap<string, OverheadFit>;
}

/** The report: the medians per service over cells, the step cost's fit notes appended. */
export function reportOf(p: ReportParts): ValidationReport {
  const services = summarizeServices(p.cells);
  return {
    schema: 'parasim.validation/1',
    scenario: p.first.name,
    testbed: p.testbed,
    seed: p.seed,
    policies: p.policies,
    loads: p.loads,
    liveRuns: p.liveRuns,
    profiles: [...new Set([...p.usedByService.values()].flat())],
    cells: p.cells,
    medianAbsGoodputError: medianAbsGoodputError(p.cells),
    services,
    medianAbsServiceGoodputError: worstServiceMedian(services, 'goodputRps'),
    medianAbsE2eP50Error: worstServiceMedian(services, 'e2eP50S'),
    medianAbsE2eP99Error: worstServiceMedian(services, 'e2eP99S'),
    medianAbsTtftP99Error: worstServiceMedian(services, 'ttftP99S'),
    overhead: p.overhead,
    twinInputs: p.twinInputs,
    roundTripFits: Object.fromEntries(p.fits),
    notes: [...p.notes, ...stepCostFitNotes(p.first, p.usedByService)],
  };
}
