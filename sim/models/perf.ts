/**
 * Performance estimator: how long an LLM iteration or a segmentation batch takes on one stage
 * (a block of layers on one device, tensor-parallel over `gpus` accelerators). Figures come from
 * the model's profile rows for the device type when there are any (interpolated), else from a
 * roofline with efficiency η. The host also uses it to fill `ServiceInfo.perf` for policies.
 * Formulas, assumptions and units: docs/sim-models.md "Performance".
 */
import type { DevicePerf } from '../../policies/index.js';
import type { DeviceSpec, ModelSpec, ProfileRow, ServiceConfig } from '../../scenarios/index.js';
import type { TokenSpec } from '../../traces/index.js';

/** Fraction of peak memory bandwidth reached (SOURCE.md "Roofline check": η ≈ 0.5). */
export const ETA_BANDWIDTH = 0.5;
/** Fraction of peak FLOP/s reached by prefill / batched decode. */
export const ETA_COMPUTE = 0.5;
/** Fixed start-up cost of one all-reduce, seconds (NCCL small-message latency order). */
export const ALLREDUCE_ALPHA_S = 10e-6;
/** All-reduces per transformer layer under Megatron-style TP (attention out + MLP out). */
export const ALLREDUCES_PER_LAYER = 2;

/** A piecewise-linear function through points sorted by x, held constant outside. */
class Curve {
  constructor(private readonly xs: Float64Array, private readonly ys: Float64Array) {}
  static of(points: readonly (readonly [number, number])[]): Curve | null {
    if (points.length === 0) return null;
    const byX = new Map<number, number[]>();
    for (const [x, y] of points) byX.set(x, [...(byX.get(x) ?? []), y]);
    const xs = [...byX.keys()].sort((a, b) => a - b);
    // Duplicate x (several sources): their mean, so the result does not depend on row order.
    const ys = xs.map((x) => { const v = byX.get(x)!; return v.reduce((a, b) => a + b, 0) / v.length; });
    return new Curve(Float64Array.from(xs), Float64Array.from(ys));
  }
  get maxX(): number { return this.xs[this.xs.length - 1]!; }
  at(x: number): number {
    const xs = this.xs;
    const n = xs.length;
    if (x <= xs[0]!) return this.ys[0]!;
    if (x >= xs[n - 1]!) return this.ys[n - 1]!;
    let i = 1;
    while (xs[i]! < x) i++;
    const f = (x - xs[i - 1]!) / (xs[i]! - xs[i - 1]!);
    return this.ys[i - 1]! + f * (this.ys[i]! - this.ys[i - 1]!);
  }
}

function rowsFor(model: ModelSpec, spec: DeviceSpec): readonly ProfileRow[] {
  return model.profiles.filter((r) => r.deviceType === spec.key);
}

/** One LLM pipeline stage: layers [share of the model] on `spec`, TP over `gpus`. */
export class LlmStagePerf {
  readonly source: 'profile' | 'roofline';
  private readonly prefillRate: Curve | null; // tok/s over prompt length (batch 1)
  private readonly decodeAgg: Curve | null; // aggregate tok/s over batch
  private readonly scale: number; // share × slowdown / gpus, applied to profile times
  private readonly weightS: number; // roofline: weight read per step
  private readonly activeFraction: number; // mixture of experts: parameters one token reads / all
  private readonly flopS: number; // roofline: seconds of compute per token
  private readonly kvS: number; // roofline: seconds to read one token of KV
  private readonly arPerTokenS: number;
  private readonly arFixedS: number;

  constructor(model: ModelSpec, spec: DeviceSpec, slowdown: number, gpus: number, share: number) {
    const rows = rowsFor(model, spec);
    const pre = rows.filter((r) => r.prefillTokPerS !== undefined && r.batch === 1);
    this.prefillRate = Curve.of(pre.map((r) => [r.promptTokens ?? 0, r.prefillTokPerS!]));
    this.decodeAgg = Curve.of(rows.filter((r) => r.decodeTokPerS !== undefined).map((r) => [r.batch, r.decodeTokPerS!]));
    this.source = this.prefillRate !== null || this.decodeAgg !== null ? 'profile' : 'roofline';
    this.scale = (share * slowdown) / gpus;
    const bw = ETA_BANDWIDTH * spec.memBandwidthBytesPerS * gpus;
    const fl = ETA_COMPUTE * spec.flopsPerGpu * gpus;
    this.weightS = ((model.weightBytes * share) / bw) * slowdown;
    this.activeFraction = model.activeParamsB !== undefined ? Math.min(1, model.activeParamsB / model.paramsB) : 1;
    this.flopS = ((model.flopsPerUnit * share) / fl) * slowdown;
    this.kvS = ((model.kvBytesPerToken * share) / bw) * slowdown;
    const layers = Math.max(1, Math.round(model.layers * share));
    const ring = gpus > 1 && spec.intraNodeBps > 0 ? (2 * (gpus - 1)) / gpus : 0;
    this.arFixedS = gpus > 1 ? layers * ALLREDUCES_PER_LAYER * ALLREDUCE_ALPHA_S : 0;
    this.arPerTokenS = ring > 0 ? (layers * ALLREDUCES_PER_LAYER * ring * model.activationBytesPerToken * 8) / spec.intraNodeBps : 0;
  }

  /**
   * Seconds to read the weights `tokens` tokens touch. Dense: all of them. Mixture of experts
   * (catalog `active_params_b`): each token reads a fraction a of the parameters; with experts
   * drawn independently the tokens of one step touch 1 − (1 − a)^tokens of them (assumption: no
   * routing skew), so batch 1 reads the active parameters and large batches read nearly all.
   */
  private weightReadS(tokens: number): number {
    const a = this.activeFraction;
    return a >= 1 ? this.weightS : this.weightS * (1 - (1 - a) ** Math.max(1, tokens));
  }

  /** True when either half came from a profile but the other half falls back to the roofline. */
  get partial(): boolean {
    return this.source === 'profile' && (this.prefillRate === null || this.decodeAgg === null);
  }

  /** Seconds to prefill `tokens` prompt tokens (sum over admitted requests). */
  prefillS(tokens: number): number {
    if (tokens <= 0) return 0;
    if (this.prefillRate !== null) return (tokens / this.prefillRate.at(tokens)) * this.scale;
    return Math.max(tokens * this.flopS, this.weightReadS(tokens));
  }

  /** Seconds of one decode step for `batch` sequences holding `kvTokens` tokens of context. */
  decodeStepS(batch: number, kvTokens: number): number {
    if (batch <= 0) return 0;
    const c = this.decodeAgg;
    if (c !== null) return (Math.max(batch, 1) / c.at(batch)) * this.scale;
    return Math.max(this.weightReadS(batch), batch * this.flopS) + kvTokens * this.kvS;
  }

  /** TP all-reduce cost of an iteration processing `tokens` tokens (0 without TP). */
  allReduceS(tokens: number): number {
    return this.arFixedS + this.arPerTokenS * tokens;
  }

  /** Growth of the decode step time per step for `batch` sequences (KV grows by `batch` tokens). */
  decodeGrowthS(batch: number): number {
    return this.decodeAgg !== null ? 0 : batch * this.kvS;
  }

  /** Seconds of one iteration on this stage. */
  iterationS(prefillTokens: number, decodeBatch: number, kvTokens: number): number {
    return this.prefillS(prefillTokens) + this.decodeStepS(decodeBatch, kvTokens) + this.allReduceS(prefillTokens + decodeBatch);
  }
}

/** Segmentation (or any per-item model) on one device; FPGA = fixed pipeline latency per item. */
export class ItemPerf {
  readonly source: 'profile' | 'roofline';
  private readonly itemLatency: Curve | null;
  private readonly fixedS: number | null;
  private readonly slowdown: number;
  private readonly weightS: number;
  private readonly flopS: number;

  constructor(model: ModelSpec, spec: DeviceSpec, slowdown: number, gpus: number) {
    this.itemLatency = Curve.of(rowsFor(model, spec).filter((r) => r.itemLatencyS !== undefined).map((r) => [r.batch, r.itemLatencyS!]));
    this.fixedS = spec.deviceClass === 'fpga' && spec.pipelineLatencyS !== undefined ? spec.pipelineLatencyS : null;
    this.source = this.itemLatency !== null || this.fixedS !== null ? 'profile' : 'roofline';
    this.slowdown = slowdown;
    this.weightS = (model.weightBytes / (ETA_BANDWIDTH * spec.memBandwidthBytesPerS * gpus)) * slowdown;
    this.flopS = (model.flopsPerUnit / (ETA_COMPUTE * spec.flopsPerGpu * gpus)) * slowdown;
  }

  /** FPGA pipelines take one item at a time. */
  get maxBatch(): number {
    return this.fixedS !== null ? 1 : Infinity;
  }

  /** Seconds to process a batch of `n` items (profile latency is per item at that batch). */
  batchS(n: number): number {
    if (this.fixedS !== null) return this.fixedS * n * this.slowdown;
    if (this.itemLatency !== null) return n * this.itemLatency.at(n) * this.slowdown;
    return Math.max(n * this.flopS, this.weightS);
  }
}

export function meanTokens(spec: TokenSpec): number {
  switch (spec.dist) {
    case 'fixed': return spec.value;
    case 'lognormal': return spec.max !== undefined ? Math.min(spec.mean, spec.max) : spec.mean;
    case 'uniform': return (spec.min + spec.max) / 2;
  }
}

/** Whole-box estimate of one replica of `service` on device type `spec`, for policy views. */
export function devicePerf(service: ServiceConfig, spec: DeviceSpec): DevicePerf {
  const model = service.model;
  const memory = spec.gpus * spec.memoryBytesPerGpu;
  const fits = model.weightBytes <= memory;
  if (service.kind === 'llm') {
    const p = new LlmStagePerf(model, spec, 1, spec.gpus, 1);
    const prompt = Math.max(1, meanTokens(service.promptTokens));
    const ctx = prompt + meanTokens(service.outputTokens) / 2;
    const b = Math.max(1, service.maxBatch);
    return {
      prefillTokPerS: prompt / (p.prefillS(prompt) + p.allReduceS(prompt)),
      decodeTokPerS: 1 / p.iterationS(0, 1, ctx),
      decodeTokPerSAtMaxBatch: b / p.iterationS(0, b, ctx * b),
      maxBatch: b,
      itemLatencyS: 0,
      itemsPerSAtMaxBatch: 0,
      fits,
      source: p.source,
    };
  }
  const q = new ItemPerf(model, spec, 1, spec.gpus);
  const b = Math.max(1, Math.min(service.maxBatch, q.maxBatch));
  return {
    prefillTokPerS: 0, decodeTokPerS: 0, decodeTokPerSAtMaxBatch: 0,
    maxBatch: b, itemLatencyS: q.batchS(1), itemsPerSAtMaxBatch: b / q.batchS(b), fits, source: q.source,
  };
}
