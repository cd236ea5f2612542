/**
 * Simulates one calibration row and reads the benchmark's figures off the first round of
 * requests (the `batch` clients all send at t = 0 with identical lengths): aggregate prefill
 * tok/s = batch × prompt / (last first token), aggregate decode tok/s = batch × (output − 1) /
 * (last finish − last first token), the benchmarks' S_PP and S_TG; for a closed-loop row
 * (`closed_loop: true`) decode is batch × output / last finish, TTFT included. A horizon too short for
 * the round is raised tenfold and the row simulated again.
 */
import type { RequestRecord } from '../../policies/index.js';
import type { Catalog } from '../../scenarios/index.js';
import { simulate } from '../simulate.js';
import type { CalibrationRow } from './rows.js';
import { FixedSplit, rowScenario, rowStages } from './row-scenario.js';

export type Measured =
  | { readonly ok: true; readonly prefillTokPerS: number; readonly decodeTokPerS: number | null }
  | { readonly ok: false; readonly reason: string };

const HORIZONS_S = [60, 600, 6000, 60000, 600000] as const;

export function measureRow(row: CalibrationRow, catalog: Catalog, file: string): Measured {
  const model = catalog.models[row.modelKey]!;
  if (model.kind !== 'llm')
    return { ok: false, reason: `model ${row.modelKey} is a ${model.kind} model; calibrate compares LLM tok/s` };
  if (row.parallelism === 'pp' && row.nodes > model.layers)
    return { ok: false, reason: `${row.nodes} pipeline stages for ${model.layers} layers` };
  const stages = rowStages(row, catalog);
  for (const h of HORIZONS_S) {
    const loaded = rowScenario(row, catalog, h, file);
    if (!loaded.ok)
      return {
        ok: false,
        reason: loaded.issues
          .map((i) => `${i.path}: ${i.message}${i.hint !== undefined ? `; ${i.hint}` : ''}`)
          .join(' | '),
      };
    const round: RequestRecord[] = [];
    const result = simulate(loaded.value, {
      policyImpl: new FixedSplit(stages),
      warmStart: true,
      records: (r) => {
        if (r.id < row.batch) round.push(r);
      },
    });
    const refused = result.notes.find((n) => n.startsWith('refused instance'));
    if (refused !== undefined) return { ok: false, reason: refused };
    const failed = round.find((r) => r.outcome === 'dropped' || r.outcome === 'failed');
    if (failed !== undefined)
      return { ok: false, reason: `request ${failed.outcome}: ${failed.reason ?? 'no reason'}` };
    if (round.length < row.batch || round.some((r) => r.outcome === 'inflight')) continue;
    // The round's clients send together, but the engine starts a step at the first arrival, so a
    // round may prefill in two steps; both figures are taken from the whole round: prefill from
    // t = 0 to the last first token, decode from the last first token (all sequences decoding)
    // to the last finish. With one prefill step they are exactly the benchmarks' S_PP and S_TG.
    let lastFirst = 0;
    let lastFinish = 0;
    for (const r of round) {
      lastFirst = Math.max(lastFirst, r.firstTokenS);
      lastFinish = Math.max(lastFinish, r.finishS);
    }
    const decodeS = lastFinish - lastFirst;
    return {
      ok: true,
      prefillTokPerS: (row.batch * row.promptTokens) / lastFirst,
      decodeTokPerS: row.closedLoop
        ? (row.batch * row.outputTokens) / lastFinish
        : row.outputTokens > 1 && decodeS > 0
          ? (row.batch * (row.outputTokens - 1)) / decodeS
          : null,
    };
  }
  return {
    ok: false,
    reason: `the first round did not finish within ${HORIZONS_S[HORIZONS_S.length - 1]} s of simulated time`,
  };
}
