/**
 * Simulates one calibration row and reads the benchmark's figures off the first round of
 * requests (the `batch` clients all send at t = 0 with identical lengths, so every later round
 * repeats it): aggregate prefill tok/s = batch × prompt / TTFT, aggregate decode tok/s =
 * batch × (output − 1) / (finish − first token), means over the round. A horizon too short for
 * the round is raised tenfold and the row simulated again.
 */
import type { RequestRecord } from '../../policies/index.js';
import { type Catalog, formatIssues } from '../../scenarios/index.js';
import { simulate } from '../simulate.js';
import type { CalibrationRow } from './rows.js';
import { FixedSplit, rowScenario, rowStages } from './row-scenario.js';

export type Measured =
  | { readonly ok: true; readonly prefillTokPerS: number; readonly decodeTokPerS: number | null }
  | { readonly ok: false; readonly reason: string };

const HORIZONS_S = [60, 600, 6000, 60000, 600000] as const;

export function measureRow(row: CalibrationRow, catalog: Catalog, file: string): Measured {
  const model = catalog.models[row.modelKey]!;
  if (model.kind !== 'llm') return { ok: false, reason: `model ${row.modelKey} is a ${model.kind} model; calibrate compares LLM tok/s` };
  if (row.parallelism === 'pp' && row.nodes > model.layers) return { ok: false, reason: `${row.nodes} pipeline stages for ${model.layers} layers` };
  const stages = rowStages(row, catalog);
  for (const h of HORIZONS_S) {
    const loaded = rowScenario(row, catalog, h, file);
    if (!loaded.ok) return { ok: false, reason: formatIssues(loaded.issues).split('\n').map((l) => l.replace(/^[^ ]+ /, '')).join('; ') };
    const round: RequestRecord[] = [];
    const result = simulate(loaded.value, {
      policyImpl: new FixedSplit(stages), warmStart: true,
      records: (r) => { if (r.id < row.batch) round.push(r); },
    });
    const refused = result.notes.find((n) => n.startsWith('refused instance'));
    if (refused !== undefined) return { ok: false, reason: refused };
    const failed = round.find((r) => r.outcome === 'dropped' || r.outcome === 'failed');
    if (failed !== undefined) return { ok: false, reason: `request ${failed.outcome}: ${failed.reason ?? 'no reason'}` };
    if (round.length < row.batch || round.some((r) => r.outcome === 'inflight')) continue;
    let ttft = 0;
    let decode = 0;
    for (const r of round) {
      ttft += r.firstTokenS - r.arrivalS;
      decode += r.finishS - r.firstTokenS;
    }
    ttft /= round.length;
    decode /= round.length;
    return {
      ok: true,
      prefillTokPerS: (row.batch * row.promptTokens) / ttft,
      decodeTokPerS: row.outputTokens > 1 && decode > 0 ? (row.batch * (row.outputTokens - 1)) / decode : null,
    };
  }
  return { ok: false, reason: `the first round did not finish within ${HORIZONS_S[HORIZONS_S.length - 1]} s of simulated time` };
}
