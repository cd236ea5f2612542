/**
 * The engine against every shared batched row: the global fit of the default efficiencies and
 * the error table of docs/sim-models.md "Error on the shared batched rows".
 *
 *  - fitted rows: rows the catalog holds for a (device, model) pair (scenarios/catalog), predicted
 *    with that pair's calibration (fitted on the catalog rows, sim/models/llm/calibrate.ts);
 *  - not-fitted rows: all others, predicted with DEFAULT_EFFICIENCY — the efficiencies fitted on
 *    these rows as a whole (one ηbw, ηc, τ for every device and model; `globalFit` re-derives it).
 *
 * "simulated" is a closed-loop run of the engine (runClosedLoop) at concurrency = batch with the
 * row's prompt / output lengths, read the way the row was measured: output throughput, B / TPOT
 * or B·P / TTFT. Rows with a context depth (llama-bench `@ dN`) have no closed-loop equivalent:
 * their simulated value is the step-cost prediction.
 */
import { DEVICE_CATALOG, MODEL_CATALOG } from '../../scenarios/index.js';
import type { DeviceSpec, ModelSpec, ProfileRow } from '../../scenarios/index.js';
import {
  DEFAULT_EFFICIENCY, DEFAULT_OUTPUT, DEFAULT_PROMPT, calibrate, fitEfficiency, predictRow, type FitPoint,
} from '../../sim/models/llm/calibrate.js';
import { runClosedLoop } from '../../sim/models/llm/closed-loop-run.js';
import { StepCost, stageFigures, type Efficiency } from '../../sim/models/llm/step-cost.js';
import type { SharedRow } from './batched-rows.js';

export interface RowError {
  readonly where: string;
  readonly device: string;
  readonly model: string;
  readonly measure: string;
  readonly batch: number;
  readonly published: number;
  readonly simulated: number;
  /** simulated / published − 1. */
  readonly error: number;
  readonly fitted: boolean;
}

/** The catalog pair a shared row belongs to, when the catalog holds that very row. */
function catalogPair(r: SharedRow): { model: ModelSpec; spec: DeviceSpec; row: ProfileRow } | null {
  for (const model of Object.values(MODEL_CATALOG)) {
    for (const row of model.profiles) {
      if (row.batch !== r.row.batch || row.batch <= 1) continue;
      const v = r.measure === 'prefill' ? row.prefillTokPerS : row.decodeTokPerS;
      if (v === undefined || Math.abs(v - r.published) > 1e-9) continue;
      const spec = DEVICE_CATALOG[row.deviceType];
      if (spec !== undefined) return { model, spec, row };
    }
  }
  return null;
}

/**
 * One (ηbw, ηp, ηd, τ) for all not-fitted rows at depth 0, minimizing their median relative error
 * (fitEfficiency's robust loss); efficiencies capped at 1: a default must not claim more than a
 * device's peak.
 */
export function globalFit(rows: readonly SharedRow[]): { efficiency: Efficiency; medianError: number } {
  const free = rows.filter((r) => catalogPair(r) === null && r.depth === 0);
  const points: FitPoint[] = free.map((r) => ({ row: r.row, measure: r.measure, value: r.published, model: r.modelSpec, spec: r.spec }));
  const best = fitEfficiency(points, DEFAULT_EFFICIENCY, null, true, 1);
  const errs = points.map((p) => Math.abs(predictRow(new StepCost(stageFigures(p.model, p.spec, 1, 1, 1), best), p.row, p.measure) / p.value - 1));
  return { efficiency: best, medianError: median(errs) };
}

/** Simulated value of a row: a closed-loop run read like the row was measured. */
function simulateRow(model: ModelSpec, spec: DeviceSpec, row: ProfileRow, measure: string, depth: number): number {
  const b = Math.max(1, row.batch);
  const p = row.promptTokens ?? DEFAULT_PROMPT;
  const out = Math.max(2, row.outputTokens ?? DEFAULT_OUTPUT);
  const cost = new StepCost(stageFigures(model, spec, 1, 1, 1), calibrate(model, spec).efficiency);
  if (depth > 0) return predictRow(cost, row, measure as 'prefill', depth);
  const cycle = (b * out) / predictRow(cost, { ...row, outputTokens: out }, 'closed-loop');
  const o = runClosedLoop({ spec, model, concurrency: b, promptTokens: p, outputTokens: out, horizonS: 12 * cycle, maxBatch: b });
  const svc = o.result.services['bench']!;
  if (measure === 'closed-loop') return o.outputTokPerS;
  if (measure === 'decode') return b / svc.tpotS.mean;
  return (b * p) / svc.ttftS.mean;
}

/** The error of every row (simulated vs published). */
export function rowErrors(rows: readonly SharedRow[]): RowError[] {
  return rows.map((r) => {
    const pair = catalogPair(r);
    const sim = pair !== null
      ? simulateRow(pair.model, pair.spec, pair.row, r.measure, 0)
      : simulateRow(r.modelSpec, r.spec, r.row, r.measure, r.depth);
    return {
      where: r.where, device: r.device, model: r.model, measure: r.measure, batch: r.row.batch, published: r.published,
      simulated: sim, error: sim / r.published - 1, fitted: pair !== null,
    };
  });
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
