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
  formatIssues, isPlainObject, policyChoiceFor, validateScenarioObject, type ProfileRow, type Scenario, type ServiceConfig,
} from '../../scenarios/index.js';
import { scaleLoad } from '../../sim/index.js';
import { replay, type ReplayOptions, type Testbed, type TestbedAgent } from '../controller/index.js';
import { fitOverhead, profileDevice, withProfiles, type OverheadFit, type OverheadRow, type ProfilePlan } from '../profile/index.js';
import {
  compareCell, medianAbsGoodputError, summarizeServices, worstServiceMedian, type CellComparison, type ServiceErrorSummary,
} from './compare.js';
import { withRoundTrip, withTestbedFrames } from './round-trip-links.js';
import { simulateLikeReplay } from './sim-window.js';

/** Profile grid per pair (the rest of ProfilePlan comes from the scenario and testbed). */
export type ProfileGrid = Pick<ProfilePlan, 'batches' | 'promptTokens' | 'outputTokens' | 'repeats' | 'decodePromptTokens'>;

export const DEFAULT_PROFILE_GRID: ProfileGrid = { batches: [1, 2, 4, 8], promptTokens: [16, 64, 256], outputTokens: 16, repeats: 3 };

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

export type ValidateResult = { readonly ok: true; readonly value: ValidationReport } | { readonly ok: false; readonly issues: readonly string[] };


/** The scenario object at load `m` (and horizon override), validated. */
function scenarioAt(base: Record<string, unknown>, file: string, m: number, horizonS: number | undefined): Scenario | string {
  const obj = structuredClone(base);
  scaleLoad(obj, m);
  if (horizonS !== undefined) obj['horizon_s'] = horizonS;
  const r = validateScenarioObject(obj, file);
  return r.ok ? r.value : formatIssues(r.issues);
}

const agentModel = (tb: Testbed, svc: ServiceConfig): string => tb.models[svc.name] ?? tb.models[svc.model.key] ?? svc.model.key;

/** The mean of each measured figure over agents (rows of one plan come in the same order on every agent). */
function meanRows(runs: readonly (readonly ProfileRow[])[]): ProfileRow[] {
  const mean = (f: (r: ProfileRow) => number | undefined, i: number): number | undefined => {
    const xs = runs.map((rs) => f(rs[i]!)).filter((x): x is number => x !== undefined);
    return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  return runs[0]!.map((r, i) => {
    const pre = mean((x) => x.prefillTokPerS, i);
    const dec = mean((x) => x.decodeTokPerS, i);
    const item = mean((x) => x.itemLatencyS, i);
    return {
      ...r, ...(pre !== undefined ? { prefillTokPerS: pre } : {}), ...(dec !== undefined ? { decodeTokPerS: dec } : {}),
      ...(item !== undefined ? { itemLatencyS: item } : {}),
      ...(runs.length > 1 ? { source: `${r.source} (mean of ${runs.length} agents measured at once)` } : {}),
    };
  });
}

/** One line per profile: prefill tok/s by prompt, decode tok/s by batch@prompt, item ms by batch. */
function profileSummary(rows: readonly ProfileRow[]): string {
  const f = (x: number): string => x.toPrecision(3);
  const pre = rows.filter((r) => r.prefillTokPerS !== undefined).map((r) => `${r.promptTokens ?? '-'}:${f(r.prefillTokPerS!)}`);
  const dec = rows.filter((r) => r.decodeTokPerS !== undefined).map((r) => `b${r.batch}@${r.promptTokens ?? '-'}:${f(r.decodeTokPerS!)}`);
  const item = rows.filter((r) => r.itemLatencyS !== undefined).map((r) => `b${r.batch}:${f(r.itemLatencyS! * 1000)}`);
  return [pre.length > 0 ? `prefill tok/s ${pre.join(' ')}` : '', dec.length > 0 ? `decode tok/s ${dec.join(' ')}` : '',
    item.length > 0 ? `ms/item ${item.join(' ')}` : ''].filter((x) => x !== '').join('; ');
}

/**
 * Profiles each (device type × model) pair once, on every agent of that type at the same time,
 * and keeps the mean per row: during the replay those agents run at the same time, sharing the
 * host's caches, memory bandwidth and spare cores, and a lone agent measures a faster device than
 * the one the replay meets (on the 2-core testbed: two copies of a 21 MB model do not fit one
 * 32 MB L3 together). Returns rows per service name and the round-trip rows.
 */
async function profileAll(scenario: Scenario, testbed: Testbed, grid: ProfileGrid, label: string, log: (l: string) => void):
  Promise<{ perService: Map<string, ProfileRow[]>; overhead: OverheadRow[] }> {
  const typeOf = new Map(scenario.devices.map((d) => [d.id, d.spec.key]));
  const byPair = new Map<string, ProfileRow[]>();
  const perService = new Map<string, ProfileRow[]>();
  const overhead: OverheadRow[] = [];
  for (const svc of scenario.services) {
    const rows: ProfileRow[] = [];
    const model = agentModel(testbed, svc);
    const types = [...new Set(testbed.agents.map((a) => typeOf.get(a.device)).filter((t): t is string => t !== undefined))];
    for (const deviceType of types) {
      const key = `${deviceType}\0${svc.kind}\0${model}`;
      let pair = byPair.get(key);
      if (pair === undefined) {
        const agents = testbed.agents.filter((a) => typeOf.get(a.device) === deviceType);
        log(`profiling ${model} (${svc.kind}) on ${agents.map((a) => a.name).join(', ')} at once as ${deviceType}`);
        const plan = (agent: TestbedAgent, roundTrip: 'only' | false): ProfilePlan => ({
          kind: svc.kind, model, deviceType, ...grid,
          frameWidth: testbed.segment.width, frameHeight: testbed.segment.height,
          sourceLabel: `${label} ${agent.url} ${model}`, roundTrip,
        });
        // The round trip is client time: measured one agent at a time, or the client's own event
        // loop, busy with the other agents' streams, would be counted as the agents' overhead.
        for (const agent of agents) overhead.push(...(await profileDevice({ url: agent.url, token: agent.token }, plan(agent, 'only'))).overhead);
        const runs = await Promise.all(agents.map((agent) => profileDevice({ url: agent.url, token: agent.token }, plan(agent, false))));
        pair = meanRows(runs.map((r) => r.rows));
        log(`  ${model} on ${deviceType}: ${profileSummary(pair)}`);
        byPair.set(key, pair);
      }
      rows.push(...pair);
    }
    perService.set(svc.name, rows);
  }
  return { perService, overhead };
}

/**
 * One round-trip line per device type for its link: fitted per service kind, and the kind with
 * the smallest intercept wins. What every request pays (HTTP, JSON, agent dispatch) is in every
 * kind's figure; what only one kind pays (an LLM's streamed first chunk) is not the link's, and
 * on a millisecond segmentation request it would be a large error, on a 0.3 s LLM request a small one.
 */
function fitsByType(rows: readonly OverheadRow[]): Map<string, OverheadFit> {
  const out = new Map<string, OverheadFit>();
  for (const t of new Set(rows.map((r) => r.deviceType))) {
    const ofType = rows.filter((r) => r.deviceType === t);
    const fits = [...new Set(ofType.map((r) => r.kind))].map((k) => fitOverhead(ofType.filter((r) => r.kind === k))).filter((f): f is OverheadFit => f !== null);
    const best = fits.sort((a, b) => a.interceptS - b.interceptS)[0];
    if (best !== undefined) out.set(t, best);
  }
  return out;
}

/**
 * Runs the validation. `base` is the scenario as a plain YAML object (readScenarioObject), `file`
 * its path (messages, relative trace paths). Agent failures while profiling or replaying throw
 * (the caller reports them); invalid inputs come back as issues.
 */
export async function validateOnTestbed(base: unknown, file: string, testbed: Testbed, opts: ValidateOptions = {}): Promise<ValidateResult> {
  const log = opts.log ?? (() => {});
  if (!isPlainObject(base)) return { ok: false, issues: [`${file}: a scenario is a YAML mapping`] };
  const loads = opts.loads ?? [1];
  const bad = loads.filter((m) => !(m > 0) || !Number.isFinite(m));
  if (bad.length > 0 || loads.length === 0) return { ok: false, issues: [`loads must be finite numbers > 0 (got ${loads.join(', ')})`] };
  const first = scenarioAt(base, file, 1, opts.horizonS);
  if (typeof first === 'string') return { ok: false, issues: [first] };
  const policies = opts.policies ?? [first.policy.name];
  const known = new Set(first.devices.map((d) => d.id));
  const unknown = testbed.agents.filter((a) => !known.has(a.device)).map((a) => `${a.name} → ${a.device}`);
  if (unknown.length > 0) return { ok: false, issues: [`${testbed.file}: agents realize devices the scenario does not have: ${unknown.join(', ')}`] };
  const notes: string[] = [];
  const unmapped = first.devices.filter((d) => !testbed.agents.some((a) => a.device === d.id)).map((d) => d.id);
  if (unmapped.length > 0) notes.push(`devices without an agent (down live, simulated as present): ${unmapped.join(', ')}`);

  const grid = opts.profileGrid ?? DEFAULT_PROFILE_GRID;
  const label = opts.profileLabel ?? 'measured: parasim validate';
  const around = opts.profileAround === true;
  let before = await profileAll(first, testbed, grid, label, log);
  const overhead: OverheadRow[] = [...before.overhead];
  const usedRows: ProfileRow[] = [];
  if (opts.roundTrip === false) notes.push('round trip not modelled (roundTrip: false): links keep their catalog figures');
  if (around) notes.push('profiled before and after every live cell; each cell is simulated with the mean of the two (cancels a drift of the host\'s speed)');
  let fits = new Map<string, OverheadFit>();
  /** The cell's scenario with `profiles` injected and the round trip on its links. */
  const withMeasured = (scenario: Scenario, profiles: ReadonlyMap<string, ProfileRow[]>, noteLinks = false): Scenario => {
    let s = scenario;
    for (const [svc, rows] of profiles) s = withProfiles(s, svc, rows);
    const rt = withRoundTrip(s, fits);
    const fr = withTestbedFrames(rt.scenario, testbed.segment);
    if (noteLinks) notes.push(...rt.notes, ...fr.notes);
    return fr.scenario;
  };
  const seed = opts.seed ?? first.seed;
  const cells: CellRun[] = [];
  for (const load of loads) {
    const scaled = scenarioAt(base, file, load, opts.horizonS);
    if (typeof scaled === 'string') return { ok: false, issues: [scaled] };
    for (const name of policies) {
      fits = opts.roundTrip === false ? new Map<string, OverheadFit>() : fitsByType(overhead);
      const liveScenario = withMeasured(scaled, before.perService);
      const policy = policyChoiceFor(liveScenario, name);
      log(`cell ${name} × load ${load}: replaying live (${liveScenario.horizonS} s of arrivals)`);
      const live = await replay(liveScenario, testbed, { ...opts.replay, policy, seed, ...(opts.replay?.log === undefined ? { log } : {}) });
      const after = around ? await profileAll(first, testbed, grid, label, log) : before;
      if (around) overhead.push(...after.overhead);
      const profiles = around
        ? new Map([...before.perService].map(([svc, rows]) => [svc, meanRows([rows, after.perService.get(svc) ?? rows])]))
        : before.perService;
      for (const rows of profiles.values()) usedRows.push(...rows);
      log(`cell ${name} × load ${load}: simulating`);
      const sim = simulateLikeReplay(withMeasured(scaled, profiles, cells.length === 0), seed, policy, opts.replay?.drainS ?? 30);
      const cell = compareCell(name, load, sim, live.result);
      log(`cell ${name} × load ${load}: goodput sim ${sim.totals.goodputRps.toFixed(3)} live ${live.result.totals.goodputRps.toFixed(3)} req/s (error ${cell.goodputError === null ? 'undefined' : `${(cell.goodputError * 100).toFixed(1)}%`})`);
      cells.push({ ...cell, sim, measured: live.result });
      before = after;
    }
  }
  const uniqueRows = [...new Set(usedRows)];
  const services = summarizeServices(cells);
  return {
    ok: true,
    value: {
      schema: 'parasim.validation/1', scenario: first.name, testbed: testbed.file, seed, policies, loads,
      profiles: uniqueRows, cells, medianAbsGoodputError: medianAbsGoodputError(cells), services,
      medianAbsServiceGoodputError: worstServiceMedian(services, 'goodputRps'),
      medianAbsE2eP50Error: worstServiceMedian(services, 'e2eP50S'),
      medianAbsE2eP99Error: worstServiceMedian(services, 'e2eP99S'),
      medianAbsTtftP99Error: worstServiceMedian(services, 'ttftP99S'),
      overhead, roundTripFits: Object.fromEntries(fits), notes,
    },
  };
}
