/**
 * The simulated twin of a validation cell: the cell's load-scaled scenario with what the run
 * measured put on it — each service's profile rows (the profiles before and after the cell), the
 * agents' round trip by state (the profiles' back-to-back samples, the first profile's idle gaps,
 * the calibration replay's states where it has enough samples: busy-round-trip.ts), the testbed's
 * frame sizes, and co-location (colocation.ts). The live replay runs the same construction from
 * the profile known before the cell, so the policies plan on the same figures on both sides.
 * Pure: a scenario, the round-trip fits and one note per applied measurement.
 */
import type { RequestRecord, RunResult } from '../../policies/index.js';
import { policyChoiceFor, type IdleOverhead, type ProfileRow, type Scenario } from '../../scenarios/index.js';
import type { RoundTripSample, Testbed } from '../controller/index.js';
import { withProfiles, type OverheadFit, type OverheadRow } from '../profile/index.js';
import { inSituOverhead } from './busy-round-trip.js';
import { withColocation } from './colocation.js';
import { fitsByType, replaySamplesByType, samplesByType } from './profile-pairs.js';
import { withRoundTrip, withTestbedFrames, type OverheadStates } from './round-trip-links.js';
import { simulateLikeReplay } from './sim-window.js';

/** What a run measures once and every cell's twin is built with. */
export interface RunMeasurements {
  readonly testbed: Testbed;
  /** false: the round trip is not modelled (links keep the catalog's figures). */
  readonly roundTrip: boolean;
  /** Per device type: one agent alone ÷ every agent at once (colocation.ts); empty: not co-located. */
  readonly speedups: ReadonlyMap<string, number>;
  /** Per device type: round trips after idle gaps, from the first profile. */
  readonly idle: ReadonlyMap<string, readonly IdleOverhead[]>;
  /** Per device type: the calibration replay's round trips (empty without one). */
  readonly replayed: ReadonlyMap<string, readonly RoundTripSample[]>;
  /** Seconds of arrivals of the calibration replay (0: none), for the notes. */
  readonly calibrationS: number;
  /** Live runs of other cells whose round trips `replayed` also holds (`withOtherCells`), for the notes. */
  readonly otherRuns?: number;
}

export interface Twin {
  readonly scenario: Scenario;
  /** Per device type, the round-trip line fitted on the profiles (link latency where no samples apply). */
  readonly fits: ReadonlyMap<string, OverheadFit>;
  readonly notes: readonly string[];
}

/** The twin of `scaled` from `profiles` (rows per service) and the profiles' round-trip rows. */
export function twinOf(
  scaled: Scenario,
  m: RunMeasurements,
  profiles: ReadonlyMap<string, readonly ProfileRow[]>,
  overhead: readonly OverheadRow[],
): Twin {
  let s = scaled;
  for (const [svc, rows] of profiles) s = withProfiles(s, svc, rows);
  const notes: string[] = [];
  const fits = m.roundTrip ? fitsByType(overhead) : new Map<string, OverheadFit>();
  const states = new Map<string, OverheadStates>();
  if (m.roundTrip)
    for (const [t, warm] of samplesByType(overhead)) {
      const x = inSituOverhead(warm, m.idle.get(t) ?? [], m.replayed.get(t) ?? []);
      states.set(t, x);
      const sources = [
        ...(m.calibrationS > 0 ? [`the calibration replay (${m.calibrationS} s at load 1, seed + 1)`] : []),
        ...((m.otherRuns ?? 0) > 0 ? [`${m.otherRuns} live runs of the other cells`] : []),
      ].join(' and ');
      if (sources !== '')
        notes.push(
          x.fromReplay.length > 0
            ? `round trip on ${t} from ${sources}: ${x.fromReplay.join('; ')}; other states from the profile`
            : `round trip on ${t}: ${sources} had too few samples in every state; all from the profile`,
        );
    }
  else notes.push('round trip not modelled (roundTrip: false): links keep their catalog figures');
  const rt = withRoundTrip(s, fits, states);
  const fr = withTestbedFrames(rt.scenario, m.testbed.segment);
  const co = withColocation(fr.scenario, m.testbed, m.speedups);
  // The live controller is one router that counts what it sends (docs/sim-models.md "Router").
  const central = co.scenario.router === 'central' ? co.scenario : { ...co.scenario, router: 'central' as const };
  if (scaled.router === 'distributed')
    notes.push('router: the twin routes central, as the live controller does (the scenario says distributed)');
  return { scenario: central, fits, notes: [...notes, ...rt.notes, ...fr.notes, ...co.notes] };
}

/** How a cell's twin is simulated. */
export interface TwinRun {
  readonly policy: string;
  readonly seed: number;
  /** Seconds the live replay waits for requests still running after the horizon. */
  readonly drainS: number;
  /** Runs that differ only in their draws of the measured overheads (streams `overhead:<device>/r<r>`). */
  readonly replicas: number;
  /** Every request of replica 0 (`validate --records`). */
  readonly records?: (r: RequestRecord) => void;
}

/** The twin of a cell (`twinOf`) simulated `run.replicas` times like the replay measures. */
export function simulateTwin(
  scaled: Scenario,
  m: RunMeasurements,
  profiles: ReadonlyMap<string, readonly ProfileRow[]>,
  overhead: readonly OverheadRow[],
  run: TwinRun,
): { readonly twin: Twin; readonly runs: readonly RunResult[] } {
  const twin = twinOf(scaled, m, profiles, overhead);
  const policy = policyChoiceFor(twin.scenario, run.policy);
  const runs = Array.from({ length: Math.max(1, run.replicas) }, (_, r) =>
    simulateLikeReplay(twin.scenario, run.seed, policy, run.drainS, r, r === 0 ? run.records : undefined),
  );
  return { twin, runs };
}

/**
 * A run's measurements as the report records them (plain JSON: records, not maps), so
 * `parasim validate --resimulate` can rebuild every cell's twin without the agents.
 */
export interface RecordedMeasurements {
  readonly roundTrip: boolean;
  readonly calibrationS: number;
  readonly speedups: Readonly<Record<string, number>>;
  readonly idle: Readonly<Record<string, readonly IdleOverhead[]>>;
  /** idleS is null in JSON for an agent's first request (NaN: never idle-timed). */
  readonly replayed: Readonly<Record<string, readonly RoundTripSample[]>>;
}

export function recordMeasurements(m: RunMeasurements): RecordedMeasurements {
  return {
    roundTrip: m.roundTrip,
    calibrationS: m.calibrationS,
    speedups: Object.fromEntries(m.speedups),
    idle: Object.fromEntries(m.idle),
    replayed: Object.fromEntries(m.replayed),
  };
}

/** Round trips read back from JSON: an agent's first request has no idle time (NaN, written as null). */
export function revivedSamples(xs: readonly RoundTripSample[]): RoundTripSample[] {
  return xs.map((x) => ({ ...x, idleS: (x.idleS as number | null) ?? NaN }));
}

/** The measurements of a recorded run on `testbed` (JSON nulls back to NaN). */
export function measurementsOf(r: RecordedMeasurements, testbed: Testbed): RunMeasurements {
  return {
    testbed,
    roundTrip: r.roundTrip,
    calibrationS: r.calibrationS,
    speedups: new Map(Object.entries(r.speedups)),
    idle: new Map(Object.entries(r.idle)),
    replayed: new Map(Object.entries(r.replayed).map(([t, xs]) => [t, revivedSamples(xs)])),
  };
}

/**
 * `m` with the round trips measured through the controller in other cells' live runs added to
 * the calibration replay's (leave one cell out: a cell's twin never sees its own live figures).
 * A 60-s calibration gives ~45 frames that meet a busy agent, whose top few decide the twin's
 * p99: two runs' busy-state p90 was 8.1 and 12.0 ms (docs/decisions.md); eleven other cells' runs
 * give thousands, in the states the twin draws by. `typeOf` maps a device to its type,
 * `overhead` picks the kind per type (fitsByType).
 */
export function withOtherCells(
  m: RunMeasurements,
  others: readonly RoundTripSample[],
  runs: number,
  overhead: readonly OverheadRow[],
  typeOf: ReadonlyMap<string, string>,
): RunMeasurements {
  if (others.length === 0 || !m.roundTrip) return m;
  const added = replaySamplesByType(overhead, others, typeOf);
  const replayed = new Map(m.replayed);
  for (const [t, xs] of added) replayed.set(t, [...(replayed.get(t) ?? []), ...xs]);
  return { ...m, replayed, otherRuns: runs };
}
