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
 * Model (a roofline per step without overlap — Williams et al., CACM 2009; applied to LLM
 * inference in arXiv 2402.16363 "LLM Inference Unveiled"):
 *   step = n·τ + [prefill] n·τp + max(mem, decode compute) + prefill compute + allReduce(tokens)
 *   n              = ⌈tokens / ubatch⌉ graph evaluations (ubatch: the service's, default no cap)
 *   mem            = (n · W(tokens / n) + kvTokens · kv) / (ηbw · BW)
 *   prefill compute = (prefillTokens · F + prefillPairs · A) / (ηp · Cp) + MoE expert rows
 *   MoE expert rows = n · touched(prefillTokens / n) · E · m½ · (F_experts / k) / (ηp · Cp)
 *   decode compute  = decodeSeqs · F / (ηd · C) + kvTokens · A / (ηa · C)   (ηa = ηd unless fitted)
 * with W the stage weight bytes (MoE: dense part + the experts the step's tokens route to, see
 * weightReadS), kv = KV bytes per token of the stage's layers, F = FLOPs per token (2 × active
 * parameters, Kaplan et al. 2020), A = 4 · layers · hidden FLOPs per attended (token, context
 * token) pair (QKᵀ and A·V), BW and C the device's memory bandwidth and peak dense FP16 FLOP/s
 * × gpus (Cp: the FP16-accumulate peak for frameworks whose prefill GEMMs accumulate in FP16,
 * else C), F_experts the experts' part of F, E and k the experts and experts per token,
 * touched(t) = 1 − (1 − k/E)^t the experts t tokens reach, m½ = EXPERT_GEMM_HALF_ROWS, τ a
 * per-evaluation overhead (kernel launches, synchronization: per layer, so τ · layers / 32),
 * and three fitted
 * efficiencies (calibrate.ts): ηbw of the bandwidth, ηp of prefill GEMMs (many rows per weight),
 * ηd of decode GEMMs (one row per sequence: far from peak on every engine measured, e.g.
 * llama.cpp decode compute at batch 32 on GB10 runs at ≈13% of the FP16 peak while its prefill
 * reaches ≈65%: ../shared/profiles/batched/llm-batched.csv, Gemma-3-4B rows).
 * Decode overlaps its memory reads with its compute (a GEMV / skinny GEMM streams the weights
 * through the FMA units: the roofline's max); prefill GEMMs are compute-bound and follow the weight
 * and KV reads of the step (a sum). With decode also summed, one ηd had to serve GPUs (batched
 * decode bandwidth-bound: ηd pushed up so compute vanishes) and CPUs (compute-bound at batch 1:
 * ηd ≈ 0.2) at once; with the max, the held-out-device error of the defaults fell from 29.7 % to
 * 26.5 % (docs/fidelity.md "Model changes"). All times × the emulated slowdown ≥ 1.
 */
import type { DeviceSpec, ModelSpec } from '../../../scenarios/index.js';

/**
 * The step overhead τ is stated for a 32-layer model and scales with the stage's layers: it is
 * kernel launches and synchronization, a fixed count per layer (fitted per layer, the shared rows'
 * median error is 18.9% against 19.1% for one τ per step whatever the model).
 */
export const TAU_REFERENCE_LAYERS = 32;
/** Fixed start-up cost of one all-reduce, seconds (NCCL small-message latency order). */
export const ALLREDUCE_ALPHA_S = 10e-6;
/** All-reduces per transformer layer under Megatron-style TP (attention out + MLP out). */
export const ALLREDUCES_PER_LAYER = 2;
/**
 * MoE prefill: an expert's GEMM of m rows (the step's tokens routed to it) runs at m / (m + m½)
 * of the prefill efficiency — a grouped GEMM fills its row tiles (64–128 rows in llama.cpp's MMQ
 * and in CUTLASS grouped GEMMs) only when many tokens reach the expert, and pays per-expert
 * setup either way. Equivalently each expert a step touches costs m½ rows more. One constant for
 * every device and framework, chosen by the in-sample median of the defaults fit (m½ = 32, 64,
 * 128 → 14.3, 14.1, 15.3 %; docs/fidelity.md "Prefill: three terms"). Dense GEMMs of a step have
 * thousands of rows, where the same term is < 5 % and is left to ηp.
 */
export const EXPERT_GEMM_HALF_ROWS = 64;

/** Efficiencies and overhead of one (device, model) pair. */
export interface Efficiency {
  /** Fraction of peak memory bandwidth reached. */
  readonly etaBw: number;
  /** Fraction of peak dense FLOP/s reached by prefill tokens. */
  readonly etaPrefill: number;
  /** Fraction of peak dense FLOP/s reached by decode tokens. */
  readonly etaDecode: number;
  /** Fixed overhead per step of a 32-layer model, seconds (scaled by the stage's layers). */
  readonly overheadS: number;
  /**
   * Extra fixed overhead of a step that carries prompt tokens, seconds for a 32-layer model
   * (scaled by the stage's layers like τ); absent = 0. Measured on this project's llama testbed
   * (llama.cpp CPU build through node-llama-cpp, 1 thread, llama-20m; docs/fidelity.md "Prefill
   * setup"): a 1-token evaluation took 1.8 ms, a 2-token prompt 4.6 ms, then +0.35 ms per token
   * (16 → 10.4, 32 → 15.1 ms), while decode steps of 1–4 sequences cost 1.9 ms per sequence with
   * no such jump — the multi-row matmul path has a set-up a GEMV does not. GPU engines have the
   * same shape where decode-only steps replay a captured graph and prompt-carrying steps launch
   * eagerly (assumption for them: no shared row separates it from τ, so the defaults keep 0).
   * Fitted per (device, model) pair only when its rows give prefill at two prompt sizes or more.
   */
  readonly prefillOverheadS?: number;
  /**
   * Fraction of peak dense FLOP/s reached by decode attention — the (decoded token, context
   * token) pairs, `kvTokens · A` in the step — when it differs from the decode GEMMs' ηd; absent =
   * ηd. Measured on this project's llama testbed (llama.cpp CPU build, 1 thread, llama-20m; median
   * of 13 profiles of one validate run, docs/fidelity.md "Decode attention"): 192 more context
   * tokens per sequence cost 0.11 ms a step at batch 1 and 0.5–0.6 ms per sequence at batch 2
   * and 4, while the GEMM part stays ~1.9 ms per sequence — at one ηd for both, context is ~8 %
   * of a step at 264 tokens instead of the measured 20–25 %, so the fit traded the batch-1 rows
   * (−13…−17 %) against the long-context batched ones (+10 %). A dot product per pair with a
   * softmax between reaches far less of the FMA peak than a weight GEMM (assumption for other
   * engines; no shared row gives decode at two contexts). Fitted per (device, model) pair only
   * when its decode rows come at two contexts or more.
   */
  readonly etaAttention?: number;
  /**
   * Prefill GEMMs accumulate in FP16, so they run against the device's FP16-accumulate peak
   * (DeviceSpec.flopsFp16AccPerGpu, 2× on GeForce and GB10) — llama.cpp: cuBLAS with
   * CUBLAS_COMPUTE_16F for F16 weights, int8 MMQ (int32 accumulate, ≥ that rate) for quantized
   * ones. Absent = false (PyTorch/TensorRT engines accumulate in FP32).
   */
  readonly fp16Accumulate?: boolean;
}

/** The physical figures the cost needs, per stage (already scaled by share and gpus). */
export interface StageFigures {
  /** Weights read by every step (MoE: the dense part). */
  readonly weightBytes: number;
  /** MoE: bytes of all experts, and the fraction of them one token uses (k / E); 0 when dense. */
  readonly expertBytes: number;
  readonly expertFraction: number;
  readonly kvBytesPerToken: number;
  readonly flopsPerToken: number;
  /** MoE: the experts' share of flopsPerToken (a ratio, so a TP split keeps it); 0 when dense. */
  readonly expertFlopsFraction: number;
  /** Attention FLOPs per (token, context token) pair: 4 · layers · hidden. */
  readonly flopsPerPair: number;
  readonly bandwidthBytesPerS: number;
  readonly flops: number;
  /** Peak with FP16 accumulation (= flops where the device does not state a higher one). */
  readonly flopsFp16Acc: number;
  readonly slowdown: number;
  /** All-reduce: fixed seconds per step and seconds per token (0 without TP). */
  readonly allReduceFixedS: number;
  readonly allReducePerTokenS: number;
  /** Layers of the stage (the step overhead is per layer: kernel launches). */
  readonly layers: number;
  /** Most tokens one graph evaluation takes (ModelSpec.ubatchTokens; Infinity = no cap). */
  readonly ubatchTokens: number;
}

/** Figures of `share` of `model`'s layers on `gpus` accelerators of `spec`. */
export function stageFigures(
  model: ModelSpec,
  spec: DeviceSpec,
  slowdown: number,
  gpus: number,
  share: number,
): StageFigures {
  const layers = Math.max(1, Math.round(model.layers * share));
  const ring = gpus > 1 && spec.intraNodeBps > 0 ? (2 * (gpus - 1)) / gpus : 0;
  const moe = model.moe;
  return {
    weightBytes: (model.weightBytes - (moe?.expertBytes ?? 0)) * share,
    expertBytes: (moe?.expertBytes ?? 0) * share,
    expertFraction: moe !== undefined ? moe.activeExperts / moe.experts : 0,
    kvBytesPerToken: model.kvBytesPerToken * share,
    flopsPerToken: model.flopsPerUnit * share,
    // Expert parameters per token: (expert bytes / bytes per weight) × k/E, 2 FLOPs each.
    expertFlopsFraction:
      moe !== undefined
        ? Math.min(
            1,
            (2 * (moe.expertBytes / model.bytesPerWeight) * (moe.activeExperts / moe.experts)) / model.flopsPerUnit,
          )
        : 0,
    flopsPerPair: 4 * model.layers * model.hidden * share,
    layers: model.layers * share,
    ubatchTokens: model.ubatchTokens ?? Infinity,
    bandwidthBytesPerS: spec.memBandwidthBytesPerS * gpus,
    flops: spec.flopsPerGpu * gpus,
    flopsFp16Acc: Math.max(spec.flopsPerGpu, spec.flopsFp16AccPerGpu ?? 0) * gpus,
    slowdown,
    allReduceFixedS: gpus > 1 ? layers * ALLREDUCES_PER_LAYER * ALLREDUCE_ALPHA_S : 0,
    allReducePerTokenS:
      ring > 0 ? (layers * ALLREDUCES_PER_LAYER * ring * model.activationBytesPerToken * 8) / spec.intraNodeBps : 0,
  };
}

/**
 * Step cost of one stage with given efficiencies. Plain numbers in fields: the engine calls
 * `stepS` once per step (or per decode run), so it must not allocate.
 */
export class StepCost {
  /** Seconds to read the stage's (dense) weights once. */
  readonly weightS: number;
  /** MoE: seconds to read every expert once, and log(1 − k/E); 0 when dense. */
  readonly expertS: number;
  private readonly logMiss: number;
  /** Seconds to read one token of KV. */
  readonly kvS: number;
  /** Seconds of compute per prefill token / per attended pair of a prefill token. */
  readonly prefillTokenS: number;
  readonly prefillPairS: number;
  /** MoE prefill: seconds of the m½ extra rows of every expert (all experts touched). */
  private readonly expertRowsS: number;
  /** Seconds of compute per decode token / per context token it attends to. */
  readonly decodeTokenS: number;
  readonly decodePairS: number;
  readonly overheadS: number;
  /** Extra seconds per evaluation of a step with prompt tokens (Efficiency.prefillOverheadS). */
  readonly prefillOverheadS: number;
  private readonly arFixedS: number;
  private readonly arPerTokenS: number;
  private readonly ubatch: number;

  constructor(f: StageFigures, eff: Efficiency) {
    const bw = eff.etaBw * f.bandwidthBytesPerS;
    const sd = f.slowdown;
    this.weightS = (f.weightBytes / bw) * sd;
    this.expertS = (f.expertBytes / bw) * sd;
    this.logMiss = f.expertFraction > 0 ? Math.log(1 - f.expertFraction) : 0;
    this.kvS = (f.kvBytesPerToken / bw) * sd;
    const prefillPeak = eff.fp16Accumulate === true ? f.flopsFp16Acc : f.flops;
    this.prefillTokenS = (f.flopsPerToken / (eff.etaPrefill * prefillPeak)) * sd;
    this.prefillPairS = (f.flopsPerPair / (eff.etaPrefill * prefillPeak)) * sd;
    // Each of the E experts: m½ rows of (expert FLOPs per token / k) FLOPs each.
    this.expertRowsS =
      f.expertFraction > 0
        ? (this.prefillTokenS * f.expertFlopsFraction * EXPERT_GEMM_HALF_ROWS) / f.expertFraction
        : 0;
    this.decodeTokenS = (f.flopsPerToken / (eff.etaDecode * f.flops)) * sd;
    this.decodePairS = (f.flopsPerPair / ((eff.etaAttention ?? eff.etaDecode) * f.flops)) * sd;
    this.overheadS = ((eff.overheadS * f.layers) / TAU_REFERENCE_LAYERS) * sd;
    this.prefillOverheadS = (((eff.prefillOverheadS ?? 0) * f.layers) / TAU_REFERENCE_LAYERS) * sd;
    this.arFixedS = f.allReduceFixedS;
    this.arPerTokenS = f.allReducePerTokenS;
    this.ubatch = f.ubatchTokens;
  }

  /** Seconds of one step (see the file comment); 0 for an empty step. */
  stepS(prefillTokens: number, decodeSeqs: number, kvTokens: number, prefillPairs: number): number {
    const tokens = prefillTokens + decodeSeqs;
    if (tokens <= 0) return 0;
    // More tokens than one evaluation takes: n evaluations of tokens / n each, every one paying
    // τ, reading the weights (MoE: the experts its tokens reach) and filling its expert GEMMs.
    const n = tokens > this.ubatch ? Math.ceil(tokens / this.ubatch) : 1;
    const mem = n * this.weightReadS(tokens / n) + kvTokens * this.kvS;
    const decode = kvTokens * this.decodePairS + decodeSeqs * this.decodeTokenS;
    return (
      n * this.overheadS +
      (prefillTokens > 0 ? n * this.prefillOverheadS : 0) +
      Math.max(mem, decode) +
      prefillTokens * this.prefillTokenS +
      prefillPairs * this.prefillPairS +
      (prefillTokens > 0 && this.expertRowsS > 0 ? n * this.expertRowsS * this.touched(prefillTokens / n) : 0) +
      this.arFixedS +
      this.arPerTokenS * tokens
    );
  }

  /**
   * Seconds of weight reads of a step of `tokens` tokens: the dense weights, plus (MoE) the
   * experts at least one token routes to — with k of E experts per token drawn uniformly, a
   * fraction 1 − (1 − k/E)^tokens of them (assumption: uniform routing; real routers are skewed,
   * so this is an upper bound on the experts touched).
   */
  weightReadS(tokens: number): number {
    return this.expertS > 0 ? this.weightS + this.expertS * this.touched(tokens) : this.weightS;
  }

  /** MoE: fraction of the experts a step of `tokens` tokens routes to (uniform routing). */
  private touched(tokens: number): number {
    return 1 - Math.exp(this.logMiss * tokens);
  }

  /**
   * Growth per step of a decode step of `seqs` sequences reading `kvTokens` of KV (their KV grows
   * `seqs` tokens a step): the growth of whichever side of max(memory, decode compute) bounds the
   * step now — the engine extrapolates a decode run linearly from it.
   */
  decodeGrowthS(seqs: number, kvTokens: number): number {
    const mem = this.weightReadS(seqs) + kvTokens * this.kvS;
    const decode = kvTokens * this.decodePairS + seqs * this.decodeTokenS;
    return seqs * (mem >= decode ? this.kvS : this.decodePairS);
  }
}
