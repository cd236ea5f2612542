/**
 * The round trip of a request that reaches a busy agent, measured where it happens: during a
 * short calibration replay through the controller. A profile measures the round trip against an
 * idle agent (back to back and after idle gaps, runtime/profile/round-trip.ts); during a replay a
 * frame also meets an agent whose event loop streams an LLM's tokens and a controller that reads
 * them, on cores the llama.cpp threads keep busy. On the 2-core llama testbed the agent's own
 * handling of such a frame stayed ~0.5 ms while its round trip grew to 4–35 ms (docs/validation.md
 * "Busy agents"): the delay is in the sockets and event loops, which no idle measurement sees.
 *
 * The calibration replay runs the scenario at load 1 for `horizonS` with seed + 1 — a draw of
 * arrivals and tokens that no validated cell uses — and keeps each served request's round trip
 * beyond the agent-reported queue and compute, with its agent's state when it was sent: other
 * requests in flight (busy), else whether another agent had (another agent busy: the controller
 * and the host's cores serve its streams), else how long the agent had been idle. `inSituOverhead`
 * sorts them into the states the twin draws by (sim/host/request-overhead.ts): busy (split by
 * whether another agent was busy too, when both were measured), another agent busy, idle below
 * the first gap, idle ≥ each gap (each agent's first request left out); a state with fewer than
 * MIN_STATE_SAMPLES samples keeps the profile's (idle-agent) samples. So the twin's overhead is
 * measured through the controller, with the other agents' streams and the controller's own work
 * in it, as the cells meet it.
 */
import type { IdleOverhead, PolicyChoice, Scenario } from '../../scenarios/index.js';
import { replay, type ReplayOptions, type RoundTripSample, type Testbed } from '../controller/index.js';
import type { OverheadStates } from './round-trip-links.js';

export interface BusyCalibration {
  readonly policy: PolicyChoice;
  /** Seed of the validated cells; the calibration uses seed + 1. */
  readonly seed: number;
  readonly replay?: Omit<ReplayOptions, 'policy' | 'seed' | 'records' | 'timeScale' | 'roundTrips'>;
}

/** Replays `scenario` (already at load 1 and the calibration horizon) and returns every served request's round trip. */
export async function busyRoundTrips(
  scenario: Scenario,
  testbed: Testbed,
  c: BusyCalibration,
): Promise<RoundTripSample[]> {
  const samples: RoundTripSample[] = [];
  await replay(scenario, testbed, {
    ...c.replay,
    policy: c.policy,
    seed: c.seed + 1,
    roundTrips: (s) => samples.push(s),
  });
  return samples;
}

/** `n` samples' median and p90 in ms, for the notes. */
export function describeSamples(xs: readonly number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): string => ((s[Math.floor(p * (s.length - 1))] ?? NaN) * 1000).toFixed(2);
  return `${s.length} samples, p50 ${q(0.5)}, p90 ${q(0.9)}, max ${q(1)} ms`;
}

/** Fewest samples of a state for the replay's figure to replace the profile's. */
export const MIN_STATE_SAMPLES = 20;

export interface OverheadTables extends OverheadStates {
  /** Which states came from the replay, for the notes. */
  readonly fromReplay: readonly string[];
}

/**
 * The twin's overhead samples of one device type: each state from the calibration replay's
 * requests in that state when it has at least MIN_STATE_SAMPLES, else the profile's.
 */
export function inSituOverhead(
  profileWarm: readonly number[],
  profileIdle: readonly IdleOverhead[],
  replayed: readonly RoundTripSample[],
): OverheadTables {
  const fromReplay: string[] = [];
  const pick = (label: string, xs: number[], fallback: readonly number[]): readonly number[] => {
    if (xs.length < MIN_STATE_SAMPLES) return fallback;
    fromReplay.push(`${label} ${describeSamples(xs)}`);
    return xs;
  };
  // An agent's first request meets a freshly loaded instance (first-run allocations, which the
  // profile's warm-up discards): not a state the twin draws for.
  const served = replayed.filter((x) => Number.isFinite(x.idleS));
  const idle = served.filter((x) => x.othersInFlight === 0 && x.elsewhereInFlight === 0);
  const gaps = profileIdle.map((g) => g.idleS);
  const inBin = (lo: number, hi: number): number[] =>
    idle.filter((x) => x.idleS >= lo && x.idleS < hi).map((x) => x.overheadS);
  const warm = pick(
    gaps.length > 0 ? `idle < ${(gaps[0]! * 1000).toFixed(0)} ms` : 'idle',
    inBin(0, gaps[0] ?? Infinity),
    profileWarm,
  );
  const afterIdle = profileIdle.map((g, i) => ({
    idleS: g.idleS,
    samplesS: [
      ...pick(`idle ≥ ${(g.idleS * 1000).toFixed(0)} ms`, inBin(g.idleS, gaps[i + 1] ?? Infinity), g.samplesS),
    ],
  }));
  // Busy with a core free vs busy while another agent is too (every core taken on a host with
  // one llama.cpp thread per agent and core): split only when both were measured often enough.
  const busyAny = served.filter((x) => x.othersInFlight > 0);
  const busyAlone = busyAny.filter((x) => x.elsewhereInFlight === 0).map((x) => x.overheadS);
  const busyBoth = busyAny.filter((x) => x.elsewhereInFlight > 0).map((x) => x.overheadS);
  const split = busyAlone.length >= MIN_STATE_SAMPLES && busyBoth.length >= MIN_STATE_SAMPLES;
  const busy = split
    ? pick('busy, other agents idle', busyAlone, [])
    : pick(
        'busy',
        busyAny.map((x) => x.overheadS),
        [],
      );
  const busyNeighbourBusy = split ? pick('busy, another agent busy too', busyBoth, []) : [];
  const neighbourBusy = pick(
    'another agent busy',
    served.filter((x) => x.othersInFlight === 0 && x.elsewhereInFlight > 0).map((x) => x.overheadS),
    [],
  );
  return { warm, afterIdle, busy, busyNeighbourBusy, neighbourBusy, fromReplay };
}
