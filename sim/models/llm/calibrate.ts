/**
 * Calibration of the step cost (step-cost.ts) per (device, model) pair: the efficiencies ηbw, ηp,
 * ηd that make the cost model reproduce the pair's profile rows, fitted by least squares on
 * log(predicted / published) with a weak pull towards the defaults (so a pair with only a
 * decode row keeps the default prefill efficiency). Pairs without
 * rows use the defaults, fitted once on the shared batched rows as a whole (docs/sim-models.md
 * "Calibration"; scripts/fidelity-report.mjs --fit re-derives that fit on the mapped tables and prints the error of every row).
 *
 * A row is predicted like it was measured (compare like with like):
 *  - prefill rate at batch B, prompt P per sequence: B·P / step(B·P, 0, 0);
 *  - decode rate at batch B (llama-bench / llama-batched-bench S_TG): B / step(0, B, B·ctx),
 *    ctx = P + out/2 (the mean context over the generated tokens);
 *  - closed-loop output throughput (vLLM `--max-concurrency B`, TTFT included):
 *    B·out / (step(B·P, 0, 0) + Σ_{i=1}^{out−1} step(0, B, B·(P+i))) — B clients in lockstep: one
 *    prefill step for all, then out−1 decode steps; exactly what the engine does for that load.
 */
import {
  DEFAULT_FRAMEWORK,
  type DeviceSpec,
  type ModelSpec,
  type ProfileRow,
  type ServingFramework,
} from '../../../scenarios/index.js';
import { StepCost, stageFigures, type Efficiency } from './step-cost.js';

/**
 * Defaults for pairs without profile rows: fitted on all shared batched rows together
 * (sim/calibrate/fit-defaults.ts, `node scripts/fidelity-report.mjs --fit`); values and their error in docs/sim-models.md.
 */
export const DEFAULT_EFFICIENCY: Efficiency = { etaBw: 0.962, etaPrefill: 0.326, etaDecode: 0.131, overheadS: 0.00478 };

/**
 * Defaults per serving framework (scenarios/frameworks.ts), fitted by sim/calibrate/fit-defaults.ts
 * (`node scripts/fidelity-report.mjs --fit`): `generic` on every not-fitted one-device row of the
 * mapped shared tables, then each framework's prefill efficiency ηp and step overhead τ on its own
 * rows (least median, efficiencies ≤ 1); bandwidth and decode compute are the device's, shared by
 * all. MLC has too few such rows (10 < MIN_FRAMEWORK_POINTS) and keeps `generic`.
 * docs/fidelity.md "Serving framework" gives the fits and their error on devices held out.
 */
export const FRAMEWORK_EFFICIENCY: Readonly<Record<ServingFramework, Efficiency>> = {
  generic: DEFAULT_EFFICIENCY,
  'llama.cpp': { ...DEFAULT_EFFICIENCY, etaPrefill: 0.313, overheadS: 0.00552, fp16Accumulate: true },
  vllm: { ...DEFAULT_EFFICIENCY, etaPrefill: 0.591, overheadS: 0.00394 },
  'tensorrt-llm': { ...DEFAULT_EFFICIENCY, etaPrefill: 0.869, overheadS: 0.00229 },
  mlc: DEFAULT_EFFICIENCY,
};

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
  if (r.decodeTokPerS !== undefined)
    out.push({ measure: r.closedLoop === true ? 'closed-loop' : 'decode', value: r.decodeTokPerS });
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
    case 'prefill':
      return (b * p) / c.stepS(b * p, 0, b * depth, pairs);
    case 'decode':
      return b / c.stepS(0, b, b * (depth + p + out / 2), 0);
    case 'closed-loop': {
      let t = c.stepS(b * p, 0, b * depth, pairs);
      for (let i = 1; i < out; i++) t += c.stepS(0, b, b * (depth + p + i), 0);
      return (b * out) / t;
    }
  }
}

/** Weight of the pull towards the defaults, per log-efficiency squared (small: rows dominate). */
const PRIOR = 0.002;
const LOG_LO = Math.log(1e-3);
const LOG_HI = Math.log(10);
const GRID_N = 40;
const ROUNDS = 4;

export interface FitPoint {
  readonly row: ProfileRow;
  readonly measure: RowMeasure;
  readonly value: number;
  readonly model: ModelSpec;
  readonly spec: DeviceSpec;
  /** The measuring framework's prefill accumulates in FP16 (Efficiency.fp16Accumulate); absent = the efficiency's. */
  readonly fp16Accumulate?: boolean;
}

/** `e` with the point's framework property (fp16Accumulate) when the point states one. */
export function pointEfficiency(e: Efficiency, p: FitPoint): Efficiency {
  return p.fp16Accumulate === undefined || p.fp16Accumulate === e.fp16Accumulate
    ? e
    : { ...e, fp16Accumulate: p.fp16Accumulate };
}

const KEYS = ['etaBw', 'etaPrefill', 'etaDecode', 'overheadS'] as const;
/**
 * The numeric efficiencies a fit moves (fp16Accumulate is a property of the framework);
 * prefillOverheadS only where a pair's rows can tell it from τ (`pairKeys`).
 */
export type FittedKey = (typeof KEYS)[number] | 'prefillOverheadS' | 'etaAttention';
/** Keys whose scan is over seconds (10 µs … 30 ms), not efficiencies. */
const isSeconds = (k: FittedKey): boolean => k === 'overheadS' || k === 'prefillOverheadS';
/** Scan range of the overhead τ, as log seconds (10 µs … 30 ms). */
const TAU_LO = Math.log(1e-5);
const TAU_HI = Math.log(0.03);

/**
 * Loss of `points` at efficiency `e`: squared log errors plus the prior (a pair's rows), or —
 * `robust`, for the global defaults — the median relative error |predicted/published − 1|
 * (least median, Rousseeuw 1984: the headline figure of the row table itself, which a minority of
 * rows from odd builds cannot drag).
 */
function loss(points: readonly FitPoint[], e: Efficiency, prior: Efficiency | null, robust: boolean): number {
  if (robust) {
    const errs = points.map((p) =>
      Math.abs(
        predictRow(new StepCost(stageFigures(p.model, p.spec, 1, 1, 1), pointEfficiency(e, p)), p.row, p.measure) /
          p.value -
          1,
      ),
    );
    errs.sort((a, b) => a - b);
    const m = errs.length >> 1;
    return errs.length % 2 === 1 ? errs[m]! : (errs[m - 1]! + errs[m]!) / 2;
  }
  let s = 0;
  for (const p of points) {
    const c = new StepCost(stageFigures(p.model, p.spec, 1, 1, 1), pointEfficiency(e, p));
    const d = Math.log(predictRow(c, p.row, p.measure) / p.value);
    s += d * d;
  }
  // No prior on τp: its default 0 has no log, and it is fitted only where rows identify it.
  if (prior !== null)
    for (const k of KEYS) {
      const a = Math.log(e[k] / prior[k]);
      s += PRIOR * a * a;
    }
  return s;
}

/**
 * Efficiencies (ηbw, ηp, ηd) minimizing the loss over `points`, by coordinate descent: each
 * round scans each efficiency over a log grid (the others held), the grid narrowing round by
 * round around the best value; τ likewise (10 µs … 30 ms). Efficiencies are capped at `maxEta`. Deterministic; a few thousand loss evaluations.
 */
export function fitEfficiency(
  points: readonly FitPoint[],
  base: Efficiency,
  prior: Efficiency | null,
  robust = false,
  maxEta = Math.exp(LOG_HI),
  keys: readonly FittedKey[] = KEYS,
): Efficiency {
  let best: Efficiency = base;
  let bestLoss = loss(points, base, prior, robust);
  let half = (LOG_HI - LOG_LO) / 2;
  let tauHalf = (TAU_HI - TAU_LO) / 2;
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of keys) {
      const tau = isSeconds(k);
      const h = tau ? tauHalf : half;
      const now = best[k] ?? 0;
      // A value still at 0 (τp) scans the whole range again: the log grid has no centre at 0.
      const centre = round === 0 || !(now > 0) ? (tau ? (TAU_HI + TAU_LO) / 2 : (LOG_HI + LOG_LO) / 2) : Math.log(now);
      const hh = round > 0 && !(now > 0) ? (tau ? (TAU_HI - TAU_LO) / 2 : (LOG_HI - LOG_LO) / 2) : h;
      for (let i = 0; i < GRID_N; i++) {
        const x = Math.exp(centre - hh + (2 * hh * i) / (GRID_N - 1));
        // Bandwidth never above the device's peak; compute capped at maxEta (rows that imply
        // more than peak compute are data to question — docs/sim-models.md — not to hide).
        const v = tau ? x : Math.min(k === 'etaBw' ? 1 : maxEta, x);
        const e = { ...best, [k]: v };
        const l = loss(points, e, prior, robust);
        if (l < bestLoss) {
          bestLoss = l;
          best = e;
        }
      }
    }
    half /= 4;
    tauHalf /= 4;
  }
  return best;
}

/**
 * The keys a pair's own rows can fit: the four always (the prior holds those the rows do not
 * reach), the prefill set-up τp when the rows give prefill at two step sizes or more — with
 * one size, τp and ηp trade off exactly — and the decode attention efficiency ηa when they give
 * decode at two contexts or more (with one, ηa and ηd trade off exactly).
 */
export function pairKeys(points: readonly FitPoint[]): readonly FittedKey[] {
  const sizes = new Set<number>();
  const contexts = new Set<number>();
  for (const p of points) {
    if (p.measure === 'prefill') sizes.add(Math.max(1, p.row.batch) * (p.row.promptTokens ?? DEFAULT_PROMPT));
    if (p.measure === 'decode')
      contexts.add((p.row.promptTokens ?? DEFAULT_PROMPT) + (p.row.outputTokens ?? DEFAULT_OUTPUT) / 2);
  }
  const keys: FittedKey[] = [...KEYS];
  if (sizes.size >= 2) keys.push('prefillOverheadS');
  if (contexts.size >= 2) keys.push('etaAttention');
  return keys;
}

export interface Calibration {
  readonly efficiency: Efficiency;
  /** 'profile' when fitted on rows of this pair, 'roofline' when on the defaults. */
  readonly source: 'profile' | 'roofline';
  readonly rows: number;
}

const cache = new WeakMap<ModelSpec, WeakMap<DeviceSpec, Map<ServingFramework, Calibration>>>();

/**
 * The calibration of `model` on `spec` served by `framework` (cached; pure function of the three):
 * the pair's profile rows fitted around the framework's defaults, or those defaults.
 */
export function calibrate(
  model: ModelSpec,
  spec: DeviceSpec,
  framework: ServingFramework = DEFAULT_FRAMEWORK,
): Calibration {
  let byModel = cache.get(model);
  if (byModel === undefined) {
    byModel = new WeakMap();
    cache.set(model, byModel);
  }
  let m = byModel.get(spec);
  if (m === undefined) {
    m = new Map();
    byModel.set(spec, m);
  }
  const hit = m.get(framework);
  if (hit !== undefined) return hit;
  const points: FitPoint[] = [];
  for (const row of model.profiles) {
    if (row.deviceType !== spec.key) continue;
    for (const { measure, value } of rowMeasures(row)) if (value > 0) points.push({ row, measure, value, model, spec });
  }
  const base = FRAMEWORK_EFFICIENCY[framework];
  const cal: Calibration =
    points.length === 0
      ? { efficiency: base, source: 'roofline', rows: 0 }
      : {
          efficiency: fitEfficiency(points, base, base, false, Math.exp(LOG_HI), pairKeys(points)),
          source: 'profile',
          rows: points.length,
        };
  m.set(framework, cal);
  return cal;
}
