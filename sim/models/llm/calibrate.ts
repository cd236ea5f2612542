/**
 * Calibration of the step cost (step-cost.ts) per (device, model) pair: the efficiencies ηbw, ηc
 * that make the cost model reproduce the pair's profile rows, fitted by least squares on
 * log(predicted / published) with a weak pull towards the defaults (so a pair with only a
 * decode row keeps the default ηc, one with only a prefill row the default ηbw). Pairs without
 * rows use the defaults, fitted once on the shared batched rows as a whole (docs/sim-models.md
 * "Calibration"; scripts/engine-rows.mjs prints that fit and the error of every row).
 *
 * A row is predicted like it was measured (compare like with like):
 *  - prefill rate at batch B, prompt P per sequence: B·P / step(B·P, 0, 0);
 *  - decode rate at batch B (llama-bench / llama-batched-bench S_TG): B / step(0, B, B·ctx),
 *    ctx = P + out/2 (the mean context over the generated tokens);
 *  - closed-loop output throughput (vLLM `--max-concurrency B`, TTFT included):
 *    B·out / (step(B·P, 0, 0) + Σ_{i=1}^{out−1} step(0, B, B·(P+i))) — B clients in lockstep: one
 *    prefill step for all, then out−1 decode steps; exactly what the engine does for that load.
 */
import type { DeviceSpec, ModelSpec, ProfileRow } from '../../../scenarios/index.js';
import { StepCost, stageFigures, type Efficiency } from './step-cost.js';

/**
 * Defaults for pairs without profile rows: fitted on all shared batched rows together
 * (scripts/engine-rows.mjs, "global fit"); values and their error in docs/sim-models.md.
 */
export const DEFAULT_EFFICIENCY: Efficiency = { etaBw: 0.6, etaC: 0.35, overheadS: 0.002 };

/** Prompt tokens assumed when a row does not state them (llama-bench's default pp512). */
export const DEFAULT_PROMPT = 512;
/** Output tokens assumed when a row does not state them (llama-bench's default tg128). */
export const DEFAULT_OUTPUT = 128;

/** What a row says, in the engine's terms. */
export type RowMeasure = 'prefill' | 'decode' | 'closed-loop';

/** The measures a row carries (a row may give both a prefill and a decode figure). */
export function rowMeasures(r: ProfileRow): { measure: RowMeasure; value: number }[] {
  const out: { measure: RowMeasure; value: number }[] = [];
  if (r.prefillTokPerS !== undefined) out.push({ measure: 'prefill', value: r.prefillTokPerS });
  if (r.decodeTokPerS !== undefined) out.push({ measure: r.closedLoop === true ? 'closed-loop' : 'decode', value: r.decodeTokPerS });
  return out;
}

/**
 * Predicted value of one measure of `r` with the cost `c` (tok/s). `depth`: context already in
 * the KV before the prompt (llama-bench `pp2048 @ d4096`), 0 for every catalog row.
 */
export function predictRow(c: StepCost, r: ProfileRow, measure: RowMeasure, depth = 0): number {
  const b = Math.max(1, r.batch);
  const p = r.promptTokens ?? DEFAULT_PROMPT;
  const out = Math.max(1, r.outputTokens ?? DEFAULT_OUTPUT);
  const pairs = b * p * (depth + p / 2);
  switch (measure) {
    case 'prefill': return (b * p) / c.stepS(b * p, 0, b * depth, pairs);
    case 'decode': return b / c.stepS(0, b, b * (depth + p + out / 2), 0);
    case 'closed-loop': {
      let t = c.stepS(b * p, 0, b * depth, pairs);
      for (let i = 1; i < out; i++) t += c.stepS(0, b, b * (depth + p + i), 0);
      return (b * out) / t;
    }
  }
}

/** Weight of the pull towards the defaults, per log-efficiency squared (small: rows dominate). */
const PRIOR = 0.01;
const GRID_LO = Math.log(1e-3);
const GRID_HI = Math.log(10);
const GRID_N = 48;

export interface FitPoint { readonly row: ProfileRow; readonly measure: RowMeasure; readonly value: number; readonly model: ModelSpec; readonly spec: DeviceSpec }

/** Sum of squared log errors of `points` at efficiency `e` (plus the prior), for the fit. */
function loss(points: readonly FitPoint[], e: Efficiency, prior: Efficiency | null): number {
  let s = 0;
  for (const p of points) {
    const c = new StepCost(stageFigures(p.model, p.spec, 1, 1, 1), e);
    const d = Math.log(predictRow(c, p.row, p.measure) / p.value);
    s += d * d;
  }
  if (prior !== null) {
    const a = Math.log(e.etaBw / prior.etaBw);
    const b = Math.log(e.etaC / prior.etaC);
    s += PRIOR * (a * a + b * b);
  }
  return s;
}

/**
 * Least-squares efficiencies for `points`: a log grid over (ηbw, ηc), then a finer grid around
 * the best cell. `overheadS` is held at `base.overheadS`. Deterministic.
 */
export function fitEfficiency(points: readonly FitPoint[], base: Efficiency, prior: Efficiency | null): Efficiency {
  let best = base;
  let bestLoss = loss(points, base, prior);
  let lo0 = GRID_LO;
  let lo1 = GRID_LO;
  let step = (GRID_HI - GRID_LO) / (GRID_N - 1);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < GRID_N; i++) {
      for (let j = 0; j < GRID_N; j++) {
        const e = { etaBw: Math.exp(lo0 + i * step), etaC: Math.exp(lo1 + j * step), overheadS: base.overheadS };
        const l = loss(points, e, prior);
        if (l < bestLoss) { bestLoss = l; best = e; }
      }
    }
    lo0 = Math.log(best.etaBw) - step;
    lo1 = Math.log(best.etaC) - step;
    step = (2 * step) / (GRID_N - 1);
  }
  return best;
}

export interface Calibration {
  readonly efficiency: Efficiency;
  /** 'profile' when fitted on rows of this pair, 'roofline' when on the defaults. */
  readonly source: 'profile' | 'roofline';
  readonly rows: number;
}

const cache = new WeakMap<ModelSpec, WeakMap<DeviceSpec, Calibration>>();

/** The calibration of `model` on `spec` (cached per pair; pure function of the two). */
export function calibrate(model: ModelSpec, spec: DeviceSpec): Calibration {
  let m = cache.get(model);
  if (m === undefined) { m = new WeakMap(); cache.set(model, m); }
  const hit = m.get(spec);
  if (hit !== undefined) return hit;
  const points: FitPoint[] = [];
  for (const row of model.profiles) {
    if (row.deviceType !== spec.key) continue;
    for (const { measure, value } of rowMeasures(row)) if (value > 0) points.push({ row, measure, value, model, spec });
  }
  const cal: Calibration = points.length === 0
    ? { efficiency: DEFAULT_EFFICIENCY, source: 'roofline', rows: 0 }
    : { efficiency: fitEfficiency(points, DEFAULT_EFFICIENCY, DEFAULT_EFFICIENCY), source: 'profile', rows: points.length };
  m.set(spec, cal);
  return cal;
}
