/**
 * Profiling for validation: every (device type × model) pair of a scenario on its testbed agents,
 * all agents of a type at once (mean per row), the round trip one agent at a time, and the fitted
 * round-trip line per device type that goes on the simulated links (round-trip-links.ts).
 */
import type { IdleOverhead, ProfileRow, Scenario, ServiceConfig } from '../../scenarios/index.js';
import type { RoundTripSample, Testbed, TestbedAgent } from '../controller/index.js';
import {
  fitOverhead,
  overheadSamples,
  idleOverheadSamples,
  backToBack,
  profileDevice,
  type OverheadFit,
  type OverheadRow,
  type ProfilePlan,
} from '../profile/index.js';

/** Profile grid per pair (the rest of ProfilePlan comes from the scenario and testbed). */
export type ProfileGrid = Pick<
  ProfilePlan,
  | 'batches'
  | 'promptTokens'
  | 'outputTokens'
  | 'repeats'
  | 'decodePromptTokens'
  | 'roundTripSamples'
  | 'roundTripIdleGapsMs'
  | 'roundTripIdleSamples'
>;

export const agentModel = (tb: Testbed, svc: ServiceConfig): string =>
  tb.models[svc.name] ?? tb.models[svc.model.key] ?? svc.model.key;

export interface PairProfiles {
  readonly perService: Map<string, ProfileRow[]>;
  readonly overhead: OverheadRow[];
  /**
   * Per device type whose agents share one host (`measureAlone`): each batch-1 figure's speed on
   * one agent alone ÷ with every agent of the type at once (colocation.ts); absent otherwise.
   */
  readonly aloneRatios: Map<string, number[]>;
}

/**
 * The mean of each measured figure over runs of one plan (rows come in the same order in every
 * run): over agents measured at once, or over the profiles before and after a cell. `of` names
 * the runs in the rows' `source`.
 */
export function meanRows(runs: readonly (readonly ProfileRow[])[], of: string): ProfileRow[] {
  const mean = (f: (r: ProfileRow) => number | undefined, i: number): number | undefined => {
    const xs = runs.map((rs) => f(rs[i]!)).filter((x): x is number => x !== undefined);
    return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  return runs[0]!.map((r, i) => {
    const pre = mean((x) => x.prefillTokPerS, i);
    const dec = mean((x) => x.decodeTokPerS, i);
    const item = mean((x) => x.itemLatencyS, i);
    return {
      ...r,
      ...(pre !== undefined ? { prefillTokPerS: pre } : {}),
      ...(dec !== undefined ? { decodeTokPerS: dec } : {}),
      ...(item !== undefined ? { itemLatencyS: item } : {}),
      ...(runs.length > 1 ? { source: `${r.source} (mean of ${runs.length} ${of})` } : {}),
    };
  });
}

/** One line per profile: prefill tok/s by prompt, decode tok/s by batch@prompt, item ms by batch. */
function profileSummary(rows: readonly ProfileRow[]): string {
  const f = (x: number): string => x.toPrecision(3);
  const pre = rows
    .filter((r) => r.prefillTokPerS !== undefined)
    .map((r) => `${r.promptTokens ?? '-'}:${f(r.prefillTokPerS!)}`);
  const dec = rows
    .filter((r) => r.decodeTokPerS !== undefined)
    .map((r) => `b${r.batch}@${r.promptTokens ?? '-'}:${f(r.decodeTokPerS!)}`);
  const item = rows.filter((r) => r.itemLatencyS !== undefined).map((r) => `b${r.batch}:${f(r.itemLatencyS! * 1000)}`);
  return [
    pre.length > 0 ? `prefill tok/s ${pre.join(' ')}` : '',
    dec.length > 0 ? `decode tok/s ${dec.join(' ')}` : '',
    item.length > 0 ? `ms/item ${item.join(' ')}` : '',
  ]
    .filter((x) => x !== '')
    .join('; ');
}

/**
 * Profiles each (device type × model) pair once, on every agent of that type at the same time,
 * and keeps the mean per row: during the replay those agents run at the same time, sharing the
 * host's caches, memory bandwidth and spare cores, and a lone agent measures a faster device than
 * the one the replay meets (on the 2-core testbed: two copies of a 21 MB model do not fit one
 * 32 MB L3 together). Returns rows per service name and the round-trip rows.
 */
export async function profileAll(
  scenario: Scenario,
  testbed: Testbed,
  grid: ProfileGrid,
  label: string,
  log: (l: string) => void,
  measureAlone = false,
): Promise<PairProfiles> {
  const aloneRatios = new Map<string, number[]>();
  const typeOf = new Map(scenario.devices.map((d) => [d.id, d.spec.key]));
  const byPair = new Map<string, ProfileRow[]>();
  const perService = new Map<string, ProfileRow[]>();
  const overhead: OverheadRow[] = [];
  for (const svc of scenario.services) {
    const rows: ProfileRow[] = [];
    const model = agentModel(testbed, svc);
    const types = [
      ...new Set(testbed.agents.map((a) => typeOf.get(a.device)).filter((t): t is string => t !== undefined)),
    ];
    for (const deviceType of types) {
      const key = `${deviceType}\0${svc.kind}\0${model}`;
      let pair = byPair.get(key);
      if (pair === undefined) {
        const agents = testbed.agents.filter((a) => typeOf.get(a.device) === deviceType);
        log(`profiling ${model} (${svc.kind}) on ${agents.map((a) => a.name).join(', ')} at once as ${deviceType}`);
        const plan = (agent: TestbedAgent, roundTrip: 'only' | false): ProfilePlan => ({
          kind: svc.kind,
          model,
          deviceType,
          ...grid,
          frameWidth: testbed.segment.width,
          frameHeight: testbed.segment.height,
          sourceLabel: `${label} ${agent.url} ${model}`,
          roundTrip,
        });
        // The round trip is client time: measured one agent at a time, or the client's own event
        // loop, busy with the other agents' streams, would be counted as the agents' overhead.
        for (const agent of agents)
          overhead.push(...(await profileDevice({ url: agent.url, token: agent.token }, plan(agent, 'only'))).overhead);
        const runs = await Promise.all(
          agents.map((agent) => profileDevice({ url: agent.url, token: agent.token }, plan(agent, false))),
        );
        pair = meanRows(
          runs.map((r) => r.rows),
          'agents measured at once',
        );
        log(`  ${model} on ${deviceType}: ${profileSummary(pair)}`);
        if (measureAlone && agents.length > 1 && sameHost(agents)) {
          // Alone vs all at once, interleaved over ALONE_ROUNDS rounds of a small grid (batch 1, the
          // longest prompt): a shared host's background load drifts on the scale of minutes, and one
          // alone run against the whole profile measured 1.1× to 1.9× on the same VM in one hour.
          const a = agents[0]!;
          const small = (x: TestbedAgent): ProfilePlan => ({
            ...plan(x, false),
            batches: [1],
            promptTokens: [Math.max(...grid.promptTokens)],
          });
          const rounds: number[] = [];
          for (let k = 0; k < ALONE_ROUNDS; k++) {
            const alone = await profileDevice({ url: a.url, token: a.token }, small(a));
            const together = await Promise.all(
              agents.map((x) => profileDevice({ url: x.url, token: x.token }, small(x))),
            );
            const ratios = speedRatios(alone.rows, together[0]!.rows);
            if (ratios.length > 0) rounds.push(Math.exp(ratios.reduce((t, r) => t + Math.log(r), 0) / ratios.length));
          }
          aloneRatios.set(deviceType, [...(aloneRatios.get(deviceType) ?? []), ...rounds]);
          log(`  ${model} on ${a.name} alone ÷ all at once, per round: ${rounds.map((r) => r.toFixed(2)).join(' ')}`);
        }
        byPair.set(key, pair);
      }
      rows.push(...pair);
    }
    perService.set(svc.name, rows);
  }
  return { perService, overhead, aloneRatios };
}

/** Interleaved alone / all-at-once rounds per pair (colocation.ts takes their median). */
export const ALONE_ROUNDS = 5;

/** True when every agent's URL names one host (agents launched on this machine, or on one remote box). */
export function sameHost(agents: readonly TestbedAgent[]): boolean {
  return new Set(agents.map((a) => new URL(a.url).hostname)).size === 1;
}

/**
 * Speed alone ÷ speed together, per figure both row sets have (same batch and prompt):
 * prefill and decode tok/s, and segmentation items per second.
 */
export function speedRatios(alone: readonly ProfileRow[], together: readonly ProfileRow[]): number[] {
  const out: number[] = [];
  const figures: ((r: ProfileRow) => number | undefined)[] = [
    (r) => r.prefillTokPerS,
    (r) => r.decodeTokPerS,
    (r) => (r.itemLatencyS !== undefined ? 1 / r.itemLatencyS : undefined),
  ];
  for (const a of alone)
    for (const f of figures) {
      const t = together.find((r) => r.batch === a.batch && r.promptTokens === a.promptTokens && f(r) !== undefined);
      const x = f(a);
      if (x !== undefined && t !== undefined) out.push(x / f(t)!);
    }
  return out.filter((x) => Number.isFinite(x) && x > 0);
}

/**
 * One round-trip line per device type for its link: fitted per service kind, and the kind with
 * the smallest intercept wins. What every request pays (HTTP, JSON, agent dispatch) is in every
 * kind's figure; what only one kind pays (an LLM's streamed first chunk) is not the link's, and
 * on a millisecond segmentation request it would be a large error, on a 0.3 s LLM request a small one.
 */
export function fitsByType(rows: readonly OverheadRow[]): Map<string, OverheadFit> {
  return new Map([...bestKindByType(rows)].map(([t, b]) => [t, b.fit]));
}

function bestKindByType(rows: readonly OverheadRow[]): Map<string, { fit: OverheadFit; kind: OverheadRow['kind'] }> {
  const out = new Map<string, { fit: OverheadFit; kind: OverheadRow['kind'] }>();
  for (const t of new Set(rows.map((r) => r.deviceType))) {
    const ofType = rows.filter((r) => r.deviceType === t && backToBack(r));
    const fits = [...new Set(ofType.map((r) => r.kind))]
      .map((kind) => ({ kind, fit: fitOverhead(ofType.filter((r) => r.kind === kind)) }))
      .filter((f): f is { kind: OverheadRow['kind']; fit: OverheadFit } => f.fit !== null);
    const best = fits.sort((a, b) => a.fit.interceptS - b.fit.interceptS)[0];
    if (best !== undefined) out.set(t, best);
  }
  return out;
}

/**
 * Per device type, `pick` of the kind fitsByType picks (one kind per type: the one every request
 * pays, see fitsByType); types where `pick` finds nothing (an empty list) are left out.
 */
function byBestKind<T>(
  rows: readonly OverheadRow[],
  pick: (type: string, kind: OverheadRow['kind']) => readonly T[],
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const [t, b] of bestKindByType(rows)) {
    const xs = pick(t, b.kind);
    if (xs.length > 0) out.set(t, [...xs]);
  }
  return out;
}

/** Per device type, its back-to-back round-trip samples (the simulated twin draws each request's overhead from them). */
export function samplesByType(rows: readonly OverheadRow[]): Map<string, number[]> {
  return byBestKind(rows, (t, kind) =>
    overheadSamples(
      rows.filter((r) => r.deviceType === t),
      kind,
    ),
  );
}

/**
 * Per device type, the round trips measured after idle gaps, by gap: the simulated twin's
 * requests that meet an idle device draw from them (sim/host/request-overhead.ts).
 */
export function idleSamplesByType(rows: readonly OverheadRow[]): Map<string, IdleOverhead[]> {
  return byBestKind(rows, (t, kind) =>
    idleOverheadSamples(
      rows.filter((r) => r.deviceType === t),
      kind,
    ),
  );
}

/**
 * Per device type, the round trips measured during a calibration replay (busy-round-trip.ts);
 * `typeOf` maps a scenario device to its type.
 */
export function replaySamplesByType(
  rows: readonly OverheadRow[],
  measured: readonly RoundTripSample[],
  typeOf: ReadonlyMap<string, string>,
): Map<string, RoundTripSample[]> {
  return byBestKind(rows, (t, kind) => measured.filter((x) => x.kind === kind && typeOf.get(x.device) === t));
}
