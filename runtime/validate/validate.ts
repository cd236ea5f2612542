/**
 * `validate`: profile → simulate → replay → compare, for each policy × load of one scenario on
 * one testbed (docs/validation.md).
 *
 * 1. Profile: every (catalog device type of a testbed agent × agent model of a service) pair is
 *    measured once per run with `profileDevice`, on all agents of that type at once (mean); the rows are
 *    injected into every load-scaled scenario (`withProfiles`), so the simulator serves each
 *    device at the speed its agent showed. The scenario ↔ agent mapping is the testbed file's.
 *    The same profiling measures each pair's round trip (request → first byte beyond compute, per
 *    payload size); its fitted line goes on the simulated side as the device's link latency and
 *    bandwidth (round-trip-links.ts), unless `roundTrip: false`.
 * 2. Per cell (policy, load): the scenario object is load-scaled (`scaleLoad`, the sweep's load
 *    axis), validated, simulated with the cell's policy and seed (to horizon + drain, as the live
 *    replay measures: sim-window.ts), then replayed live with the same policy and seed (same
 *    arrival streams), and the two results compared (compare.ts).
 * Cells run one after another: live cells would otherwise share the CPU and disturb each other.
 */
import type { RunResult } from '../../policies/index.js';
import {
  formatIssues,
  isPlainObject,
  policyChoiceFor,
  scaleLoad,
  validateScenarioObject,
  type IdleOverhead,
  type ProfileRow,
  type Scenario,
} from '../../scenarios/index.js';
import { replay, type ReplayOptions, type RoundTripSample, type Testbed } from '../controller/index.js';
import { ROUND_TRIP_IDLE_GAPS_MS, withProfiles, type OverheadFit, type OverheadRow } from '../profile/index.js';
import {
  fitsByType,
  idleSamplesByType,
  meanRows,
  profileAll,
  replaySamplesByType,
  samplesByType,
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
import { withRoundTrip, withTestbedFrames, type OverheadStates } from './round-trip-links.js';
import { simulateLikeReplay } from './sim-window.js';
import { withTraceOverride, type TraceOverride } from './trace-override.js';
import { stepCostFitNotes } from './fit-notes.js';
import { busyRoundTrips, inSituOverhead } from './busy-round-trip.js';
import { aloneSpeedups, withColocation } from './colocation.js';

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
  /** Replay another trace in the scenario's trace service (trace-override.ts). */
  readonly trace?: TraceOverride;
  readonly log?: (line: string) => void;
}

export interface CellRun extends CellComparison {
  readonly sim: RunResult;
  readonly measured: RunResult;
}

export interface ValidationReport {
  readonly schema: 'parasim.validation/1';
  readonly scenario: string;
  readonly testbed: string;
  readonly seed: number;
  readonly policies: readonly string[];
  readonly loads: readonly number[];
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
  readonly roundTripFits: Readonly<Record<string, OverheadFit>>;
  readonly notes: readonly string[];
}

export type ValidateResult =
  { readonly ok: true; readonly value: ValidationReport } | { readonly ok: false; readonly issues: readonly string[] };

/** The scenario object at load `m` (and horizon override), validated. */
function scenarioAt(
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

/**
 * Runs the validation. `base` is the scenario as a plain YAML object (readScenarioObject), `file`
 * its path (messages, relative trace paths). Agent failures while profiling or replaying throw
 * (the caller reports them); invalid inputs come back as issues.
 */
export async function validateOnTestbed(
  original: unknown,
  file: string,
  testbed: Testbed,
  opts: ValidateOptions = {},
): Promise<ValidateResult> {
  const log = opts.log ?? (() => {});
  const notes: string[] = [];
  let base = original;
  if (opts.trace !== undefined) {
    const o = withTraceOverride(original, file, opts.trace, opts.horizonS);
    if (!o.ok) return { ok: false, issues: o.issues };
    base = o.value;
    notes.push(o.note);
    log(o.note);
  }
  if (!isPlainObject(base)) return { ok: false, issues: [`${file}: a scenario is a YAML mapping`] };
  const loads = opts.loads ?? [1];
  const bad = loads.filter((m) => !(m > 0) || !Number.isFinite(m));
  if (bad.length > 0 || loads.length === 0)
    return { ok: false, issues: [`loads must be finite numbers > 0 (got ${loads.join(', ')})`] };
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

  const grid = opts.profileGrid ?? DEFAULT_PROFILE_GRID;
  const label = opts.profileLabel ?? 'measured: parasim validate';
  const around = opts.profileAround === true;
  // The wake-up after idle is measured once, with the first profile (a property of the host's
  // processes and idle states, not of a cell; ~5 s per agent and service kind).
  const idleGapsMs = opts.roundTrip === false ? [] : (grid.roundTripIdleGapsMs ?? ROUND_TRIP_IDLE_GAPS_MS);
  let before = await profileAll(
    first,
    testbed,
    { ...grid, roundTripIdleGapsMs: idleGapsMs },
    label,
    log,
    opts.colocation !== false,
  );
  const speedups = aloneSpeedups(before.aloneRatios);
  const later: ProfileGrid = { ...grid, roundTripIdleGapsMs: [] };
  const overhead: OverheadRow[] = [...before.overhead];
  const idleProfiled =
    opts.roundTrip === false ? new Map<string, IdleOverhead[]>() : idleSamplesByType(before.overhead);
  const usedRows: ProfileRow[] = [];
  const usedByService = new Map<string, ProfileRow[]>();
  if (opts.roundTrip === false)
    notes.push('round trip not modelled (roundTrip: false): links keep their catalog figures');
  if (around)
    notes.push(
      "profiled before and after every live cell; each cell is simulated with the mean of the two (cancels a drift of the host's speed)",
    );
  let fits = new Map<string, OverheadFit>();
  /** Round-trip states per device type for the cell being simulated (profiles before and after it, the calibration replay). */
  let states = new Map<string, OverheadStates>();
  /** The cell's scenario with `profiles` injected and the round trip on its links. */
  const withMeasured = (
    scenario: Scenario,
    profiles: ReadonlyMap<string, ProfileRow[]>,
    noteLinks = false,
  ): Scenario => {
    let s = scenario;
    for (const [svc, rows] of profiles) s = withProfiles(s, svc, rows);
    const rt = withRoundTrip(s, fits, states);
    const fr = withTestbedFrames(rt.scenario, testbed.segment);
    const co = withColocation(fr.scenario, testbed, speedups);
    if (noteLinks) notes.push(...rt.notes, ...fr.notes, ...co.notes);
    return co.scenario;
  };
  const seed = opts.seed ?? first.seed;
  const busyS = opts.roundTrip === false ? 0 : (opts.busyCalibrationS ?? 60);
  /** Per device type, the calibration replay's round trips (busy-round-trip.ts). */
  let replayed = new Map<string, RoundTripSample[]>();
  if (busyS > 0) {
    const cal = scenarioAt(base, file, 1, busyS);
    if (typeof cal === 'string') return { ok: false, issues: [cal] };
    log(`calibration replay: ${busyS} s at load 1, seed + 1 (round trips through the controller)`);
    const measured = await busyRoundTrips(withMeasured(cal, before.perService), testbed, {
      policy: policyChoiceFor(cal, policies[0]!),
      seed,
      ...(opts.replay !== undefined ? { replay: opts.replay } : {}),
    });
    replayed = replaySamplesByType(before.overhead, measured, new Map(first.devices.map((d) => [d.id, d.spec.key])));
  }
  /** The twin's overhead states per device type: the replay's where it has enough samples, else the profile's. */
  const overheadStates = (warmByType: ReadonlyMap<string, number[]>, noteSources: boolean): void => {
    states = new Map();
    for (const [t, warm] of warmByType) {
      const x = inSituOverhead(warm, idleProfiled.get(t) ?? [], replayed.get(t) ?? []);
      states.set(t, x);
      if (noteSources)
        notes.push(
          x.fromReplay.length > 0
            ? `round trip on ${t} from the calibration replay (${busyS} s at load 1, seed + 1): ${x.fromReplay.join('; ')}; other states from the profile`
            : `round trip on ${t}: the calibration replay had too few samples in every state; all from the profile`,
        );
    }
  };
  const cells: CellRun[] = [];
  for (const load of loads) {
    const scaled = scenarioAt(base, file, load, opts.horizonS);
    if (typeof scaled === 'string') return { ok: false, issues: [scaled] };
    for (const name of policies) {
      fits = opts.roundTrip === false ? new Map<string, OverheadFit>() : fitsByType(overhead);
      const liveScenario = withMeasured(scaled, before.perService);
      const policy = policyChoiceFor(liveScenario, name);
      log(`cell ${name} × load ${load}: replaying live (${liveScenario.horizonS} s of arrivals)`);
      const live = await replay(liveScenario, testbed, {
        ...opts.replay,
        policy,
        seed,
        ...(opts.replay?.log === undefined ? { log } : {}),
      });
      const after = around ? await profileAll(first, testbed, later, label, log) : before;
      if (around) overhead.push(...after.overhead);
      const profiles = around
        ? new Map(
            [...before.perService].map(([svc, rows]) => [
              svc,
              meanRows([rows, after.perService.get(svc) ?? rows], 'profiles, before and after the cell'),
            ]),
          )
        : before.perService;
      for (const [svc, rows] of profiles) {
        usedRows.push(...rows);
        usedByService.set(svc, [...(usedByService.get(svc) ?? []), ...rows]);
      }
      if (opts.roundTrip !== false)
        overheadStates(
          samplesByType(around ? [...before.overhead, ...after.overhead] : before.overhead),
          cells.length === 0,
        );
      log(`cell ${name} × load ${load}: simulating`);
      const cellScenario = withMeasured(scaled, profiles, cells.length === 0);
      const replicas = Array.from({ length: Math.max(1, opts.twinReplicas ?? DEFAULT_TWIN_REPLICAS) }, (_, r) =>
        simulateLikeReplay(cellScenario, seed, policy, opts.replay?.drainS ?? 30, r),
      );
      const sim = replicas[0]!;
      const cell = compareCell(name, load, replicas, live.result);
      log(
        `cell ${name} × load ${load}: goodput sim ${sim.totals.goodputRps.toFixed(3)} live ${live.result.totals.goodputRps.toFixed(3)} req/s (error ${cell.goodputError === null ? 'undefined' : `${(cell.goodputError * 100).toFixed(1)}%`})`,
      );
      cells.push({ ...cell, sim, measured: live.result });
      before = after;
    }
  }
  const uniqueRows = [...new Set(usedRows)];
  notes.push(...stepCostFitNotes(first, usedByService));
  const services = summarizeServices(cells);
  return {
    ok: true,
    value: {
      schema: 'parasim.validation/1',
      scenario: first.name,
      testbed: testbed.file,
      seed,
      policies,
      loads,
      profiles: uniqueRows,
      cells,
      medianAbsGoodputError: medianAbsGoodputError(cells),
      services,
      medianAbsServiceGoodputError: worstServiceMedian(services, 'goodputRps'),
      medianAbsE2eP50Error: worstServiceMedian(services, 'e2eP50S'),
      medianAbsE2eP99Error: worstServiceMedian(services, 'e2eP99S'),
      medianAbsTtftP99Error: worstServiceMedian(services, 'ttftP99S'),
      overhead,
      roundTripFits: Object.fromEntries(fits),
      notes,
    },
  };
}
