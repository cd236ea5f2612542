/**
 * Performance estimator: how long an LLM iteration or a segmentation batch takes on one stage
 * (a block of layers on one device, tensor-parallel over `gpus` accelerators). Figures come from
 * the LLM step cost (llm/step-cost.ts) calibrated on the pair's profile rows (llm/calibrate.ts);
 * segmentation from the profile's per-item latency (interpolated) or a roofline with efficiency η. The host also uses it to fill `ServiceInfo.perf` for policies.
 * Formulas, assumptions and units: docs/sim-models.md "Performance".
 */
import type { DevicePerf } from '../../policies/index.js';
import {
  DEFAULT_FRAMEWORK,
  type DeviceSpec,
  type ModelSpec,
  type ProfileRow,
  type ServiceConfig,
  type ServingFramework,
} from '../../scenarios/index.js';
import type { TokenSpec } from '../../traces/index.js';
import { calibrate } from './llm/calibrate.js';
import { StepCost, stageFigures, type StageFigures } from './llm/step-cost.js';

/** Roofline efficiencies of per-item (segmentation) models without profile rows. */
export const ETA_BANDWIDTH = 0.5;
export const ETA_COMPUTE = 0.5;

/** A piecewise-linear function through points sorted by x, held constant outside. */
class Curve {
  constructor(
    private readonly xs: Float64Array,
    private readonly ys: Float64Array,
  ) {}
  static of(points: readonly (readonly [number, number])[]): Curve | null {
    if (points.length === 0) return null;
    const byX = new Map<number, number[]>();
    for (const [x, y] of points) byX.set(x, [...(byX.get(x) ?? []), y]);
    const xs = [...byX.keys()].sort((a, b) => a - b);
    // Duplicate x (several sources): their mean, so the result does not depend on row order.
    const ys = xs.map((x) => {
      const v = byX.get(x)!;
      return v.reduce((a, b) => a + b, 0) / v.length;
    });
    return new Curve(Float64Array.from(xs), Float64Array.from(ys));
  }
  get maxX(): number {
    return this.xs[this.xs.length - 1]!;
  }
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

/**
 * One LLM pipeline stage: `share` of the layers on `gpus` accelerators of `spec`. Its step cost
 * (sim/models/llm/step-cost.ts) uses the efficiencies calibrated for the (device, model) pair
 * (calibrate.ts): fitted on the pair's profile rows, or the defaults (`source: 'roofline'`).
 */
export class LlmStagePerf {
  readonly source: 'profile' | 'roofline';
  readonly cost: StepCost;

  /**
   * `figures` replaces the one-device figures of the stage (tensor parallelism across devices,
   * sim/parallel/tensor-parallel.ts); the efficiencies stay those of (`spec`, model).
   */
  constructor(
    model: ModelSpec,
    spec: DeviceSpec,
    slowdown: number,
    gpus: number,
    share: number,
    figures?: StageFigures,
    framework: ServingFramework = DEFAULT_FRAMEWORK,
  ) {
    const cal = calibrate(model, spec, framework);
    this.source = cal.source;
    this.cost = new StepCost(figures ?? stageFigures(model, spec, slowdown, gpus, share), cal.efficiency);
  }

  /** Seconds to prefill `tokens` prompt tokens alone in one step. */
  prefillS(tokens: number): number {
    return tokens <= 0 ? 0 : this.cost.stepS(tokens, 0, 0, (tokens * tokens) / 2);
  }

  /** Seconds of one step (see StepCost.stepS). */
  iterationS(prefillTokens: number, decodeSeqs: number, kvTokens: number, prefillPairs = 0): number {
    return this.cost.stepS(prefillTokens, decodeSeqs, kvTokens, prefillPairs);
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
    this.itemLatency = Curve.of(
      rowsFor(model, spec)
        .filter((r) => r.itemLatencyS !== undefined)
        .map((r) => [r.batch, r.itemLatencyS!]),
    );
    this.fixedS = spec.deviceClass === 'fpga' && spec.pipelineLatencyS !== undefined ? spec.pipelineLatencyS : null;
    this.source = this.itemLatency !== null || this.fixedS !== null ? 'profile' : 'roofline';
    this.slowdown = slowdown;
    this.weightS = (model.weightBytes / (ETA_BANDWIDTH * spec.memBandwidthBytesPerS * gpus)) * slowdown;
    this.flopS = (model.flopsPerUnit / (ETA_COMPUTE * spec.flopsPerGpu * gpus)) * slowdown;
  }

  /**
   * Largest batch: FPGA pipelines take one item at a time; a profiled model batches up to its
   * largest profiled batch (the measured per-batch latency holds only there); the roofline has
   * no limit.
   */
  get maxBatch(): number {
    if (this.fixedS !== null) return 1;
    return this.itemLatency !== null ? this.itemLatency.maxX : Infinity;
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
    case 'fixed':
      return spec.value;
    case 'lognormal':
      return spec.max !== undefined ? Math.min(spec.mean, spec.max) : spec.mean;
    case 'uniform':
      return (spec.min + spec.max) / 2;
  }
}

/** Whole-box estimate of one replica of `service` on device type `spec`, for policy views. */
export function devicePerf(service: ServiceConfig, spec: DeviceSpec): DevicePerf {
  const model = service.model;
  const memory = spec.gpus * spec.memoryBytesPerGpu;
  const fits = model.weightBytes <= memory;
  if (service.kind === 'llm') {
    const p = new LlmStagePerf(model, spec, 1, spec.gpus, 1, undefined, service.framework);
    const prompt = Math.max(1, meanTokens(service.promptTokens));
    const ctx = prompt + meanTokens(service.outputTokens) / 2;
    const b = Math.max(1, service.maxBatch);
    return {
      prefillTokPerS: prompt / p.prefillS(prompt),
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
    prefillTokPerS: 0,
    decodeTokPerS: 0,
    decodeTokPerSAtMaxBatch: 0,
    maxBatch: b,
    itemLatencyS: q.batchS(1),
    itemsPerSAtMaxBatch: b / q.batchS(b),
    fits,
    source: q.source,
  };
}
