/**
 * The cost of one engine step (iteration) of an LLM stage — the one place the serving engine,
 * the policy views and the calibration ask "how long does this step take?". Pipeline and tensor
 * parallelism build on it: a stage is a share of the layers on `gpus` accelerators of one device.
 *
 * Interface (all seconds):
 *   stepS(prefillTokens, decodeSeqs, kvTokens, prefillPairs) — one step that prefills
 *   `prefillTokens` prompt tokens (sum over the step's chunks), decodes one token for each of
 *   `decodeSeqs` sequences, reads `kvTokens` tokens of KV cache (the context of the sequences in
 *   the step), and whose prefill tokens attend to `prefillPairs` (token, context token) pairs in
 *   all (a chunk of c tokens on a context of d: c·(d + c/2)).
 *
 * Model (a roofline per step; Williams et al., CACM 2009, applied to LLM serving as in
 * "LLM Inference Unveiled: Survey and Roofline Model Insights", arXiv 2402.16363):
 *   mem     = (W + kvTokens · kv) / (ηbw · BW)        weights read once per step, KV per token
 *   compute = ((prefillTokens + decodeSeqs) · F + (prefillPairs + kvTokens) · A) / (ηc · C)
 *   step    = τ + max(mem, compute) + allReduce(tokens)
 * with W = stage weight bytes, kv = KV bytes per token of the stage's layers, F = FLOPs per token
 * (2 × parameters, Kaplan et al. 2020) of the stage, A = 4 · layers · hidden FLOPs per attended
 * (token, context token) pair (QKᵀ and A·V, same paper), BW and C the device's memory bandwidth and
 * peak dense FP16 FLOP/s × gpus, ηbw / ηc fitted efficiencies (see calibrate.ts) and τ a fixed
 * per-step overhead (kernel launches, scheduling). max(): the step is bound by whichever is
 * slower — a decode step at small batch by the weight read, a prefill by compute, a mixed step
 * hides its decodes under the prefill's compute (why chunked prefill pays off).
 * Divided by the emulated slowdown ≥ 1 as everywhere (× slowdown on times).
 */
import type { DeviceSpec, ModelSpec } from '../../../scenarios/index.js';

/** Fixed start-up cost of one all-reduce, seconds (NCCL small-message latency order). */
export const ALLREDUCE_ALPHA_S = 10e-6;
/** All-reduces per transformer layer under Megatron-style TP (attention out + MLP out). */
export const ALLREDUCES_PER_LAYER = 2;

/** Efficiencies and overhead of one (device, model) pair. */
export interface Efficiency {
  /** Fraction of peak memory bandwidth reached. */
  readonly etaBw: number;
  /** Fraction of peak dense FLOP/s reached. */
  readonly etaC: number;
  /** Fixed overhead per step, seconds. */
  readonly overheadS: number;
}

/** The physical figures the cost needs, per stage (already scaled by share and gpus). */
export interface StageFigures {
  readonly weightBytes: number;
  readonly kvBytesPerToken: number;
  readonly flopsPerToken: number;
  /** Attention FLOPs per (token, context token) pair: 4 · layers · hidden. */
  readonly flopsPerPair: number;
  readonly bandwidthBytesPerS: number;
  readonly flops: number;
  readonly slowdown: number;
  /** All-reduce: fixed seconds per step and seconds per token (0 without TP). */
  readonly allReduceFixedS: number;
  readonly allReducePerTokenS: number;
  /** Mixture of experts: fraction of the parameters one token reads (1 = dense). */
  readonly activeFraction: number;
}

/** Figures of `share` of `model`'s layers on `gpus` accelerators of `spec`. */
export function stageFigures(model: ModelSpec, spec: DeviceSpec, slowdown: number, gpus: number, share: number): StageFigures {
  const layers = Math.max(1, Math.round(model.layers * share));
  const ring = gpus > 1 && spec.intraNodeBps > 0 ? (2 * (gpus - 1)) / gpus : 0;
  return {
    weightBytes: model.weightBytes * share,
    kvBytesPerToken: model.kvBytesPerToken * share,
    flopsPerToken: model.flopsPerUnit * share,
    flopsPerPair: 4 * model.layers * model.hidden * share,
    bandwidthBytesPerS: spec.memBandwidthBytesPerS * gpus,
    flops: spec.flopsPerGpu * gpus,
    slowdown,
    allReduceFixedS: gpus > 1 ? layers * ALLREDUCES_PER_LAYER * ALLREDUCE_ALPHA_S : 0,
    allReducePerTokenS: ring > 0 ? (layers * ALLREDUCES_PER_LAYER * ring * model.activationBytesPerToken * 8) / spec.intraNodeBps : 0,
    activeFraction: model.activeParamsB !== undefined ? Math.min(1, model.activeParamsB / model.paramsB) : 1,
  };
}

/**
 * Step cost of one stage with given efficiencies. Plain numbers in fields: the engine calls
 * `stepS` once per step (or per decode run), so it must not allocate.
 */
export class StepCost {
  /** Seconds to read the stage's weights once. */
  readonly weightS: number;
  /** Seconds to read one token of KV. */
  readonly kvS: number;
  /** Seconds of compute per token. */
  readonly tokenS: number;
  /** Seconds of compute per attended (token, context token) pair. */
  readonly pairS: number;
  readonly overheadS: number;
  /** Mixture of experts: fraction of the weights one token reads (1 = dense). */
  readonly activeFraction: number;
  private readonly arFixedS: number;
  private readonly arPerTokenS: number;

  constructor(f: StageFigures, eff: Efficiency) {
    const bw = eff.etaBw * f.bandwidthBytesPerS;
    this.weightS = (f.weightBytes / bw) * f.slowdown;
    this.kvS = (f.kvBytesPerToken / bw) * f.slowdown;
    this.tokenS = (f.flopsPerToken / (eff.etaC * f.flops)) * f.slowdown;
    this.pairS = (f.flopsPerPair / (eff.etaC * f.flops)) * f.slowdown;
    this.overheadS = eff.overheadS * f.slowdown;
    this.activeFraction = f.activeFraction;
    this.arFixedS = f.allReduceFixedS;
    this.arPerTokenS = f.allReducePerTokenS;
  }

  /** Seconds of one step (see the file comment); 0 for an empty step. */
  stepS(prefillTokens: number, decodeSeqs: number, kvTokens: number, prefillPairs: number): number {
    const tokens = prefillTokens + decodeSeqs;
    if (tokens <= 0) return 0;
    const mem = this.weightReadS(tokens) + kvTokens * this.kvS;
    const comp = tokens * this.tokenS + (prefillPairs + kvTokens) * this.pairS;
    return this.overheadS + (mem > comp ? mem : comp) + this.arFixedS + this.arPerTokenS * tokens;
  }

  /**
   * Seconds to read the weights the step's `tokens` tokens touch. Dense: all of them. Mixture of
   * experts (catalog `active_params_b`): a token reads a fraction a of the weights; with experts
   * drawn independently, `tokens` tokens touch 1 − (1 − a)^tokens of them (assumption: no
   * routing skew), so batch 1 reads the active parameters and large batches nearly all.
   */
  weightReadS(tokens: number): number {
    const a = this.activeFraction;
    return a >= 1 ? this.weightS : this.weightS * (1 - (1 - a) ** (tokens > 1 ? tokens : 1));
  }

  /**
   * Decode steps of `seqs` sequences from KV `kvTokens` (growing `seqs` a step) that stay in the
   * current regime (memory- or compute-bound; Infinity when it never changes). A decode run is
   * cut there, so that every step of a run lasts `A + i·B` (see llm-engine).
   */
  regimeSteps(seqs: number, kvTokens: number): number {
    const d0 = this.weightReadS(seqs) + kvTokens * this.kvS - seqs * this.tokenS - kvTokens * this.pairS;
    const slope = seqs * (this.kvS - this.pairS);
    if (d0 >= 0) return slope >= 0 ? Infinity : Math.floor(d0 / -slope) + 1;
    return slope <= 0 ? Infinity : Math.ceil(-d0 / slope);
  }

  /** Per-step growth of a decode step of `seqs` sequences at KV `kvTokens` (KV grows `seqs` a step). */
  decodeGrowthS(seqs: number, kvTokens: number): number {
    const memBound = this.weightReadS(seqs) + kvTokens * this.kvS >= seqs * this.tokenS + kvTokens * this.pairS;
    return seqs * (memBound ? this.kvS : this.pairS);
  }
}
