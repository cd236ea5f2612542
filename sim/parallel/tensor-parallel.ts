/**
 * Tensor parallelism across devices (distributed-llama, exo, vLLM multi-node): one stage's
 * layers split over n devices, each doing 1/n of the FLOPs, weight reads and KV reads, with the
 * hidden state synchronised twice per layer (after attention and after the MLP) over the links
 * through the devices' switch. The root gathers the slices and sends the full vector back, so
 * its link carries n − 1 messages per sync: that serialisation is the contention that makes
 * scaling saturate or reverse on slow links. Formulas with units: docs/sim-models.md
 * "Cross-device parallelism".
 */
import type { DeviceSpec, LinkConfig, LinkSpec, ModelSpec } from '../../scenarios/index.js';
import { LlmStagePerf } from '../models/perf.js';

/** Hidden-state synchronisations per layer (attention output, MLP output; Megatron-style TP). */
export const SYNCS_PER_LAYER = 2;
/** Bytes per hidden-state value on the wire (fp16/bf16 activations; distributed-llama's Q80 ≈ 1.06). */
export const SYNC_BYTES_PER_VALUE = 2;

/**
 * Software cost of one synchronisation, seconds, by transport class: a fixed part per sync
 * (`perSyncS`: barrier, worker skew, wake-up) and a part per message the root sends or receives
 * (`perMessageS`: socket or verbs call, copy). FITTED global constants, not per row:
 * TCP from the distributed-llama rows of ../shared/profiles/batched/split-multidevice.csv
 * (extra time per sync ≈ 0.30 ms at 2 nodes and ≈ 0.48 ms at 4 on 7B/13B/70B alike), RDMA from
 * its exo Thunderbolt-5 rows (≈ 0.07 ms at 2 nodes, ≈ 0.10–0.15 at 4); both after subtracting the
 * assumed link latencies. docs/fidelity.md gives the resulting errors.
 */
export const SYNC_OVERHEAD = {
  tcp: { perSyncS: 110e-6, perMessageS: 90e-6 },
  rdma: { perSyncS: 40e-6, perMessageS: 16e-6 },
} as const;

/** RDMA-class transport: NVLink/PCIe/Thunderbolt, and Ethernet of 100 Gbit/s and more (RoCE: NCCL does not run such links over kernel TCP). */
function transport(spec: LinkSpec): keyof typeof SYNC_OVERHEAD {
  return spec.kind === 'nvlink' || spec.kind === 'pcie' || spec.nominalBps >= RDMA_MIN_BPS ? 'rdma' : 'tcp';
}

const RDMA_MIN_BPS = 100e9;

export interface TpMember { readonly spec: DeviceSpec; readonly slowdown: number }

/** Seconds of one hidden-state synchronisation of `tokens` tokens over the group's links. */
export function syncS(model: ModelSpec, n: number, links: readonly LinkConfig[], direct: boolean, tokens: number): number {
  if (n <= 1) return 0;
  const root = links[0]!;
  const o = SYNC_OVERHEAD[transport(root.spec)];
  // One-way path root → member: one link when direct, else root link + member link via the switch.
  let pathS = 0;
  for (let k = 1; k < links.length; k++) pathS = Math.max(pathS, direct ? root.latencyS : root.latencyS + links[k]!.latencyS);
  const bytes = tokens * model.hidden * SYNC_BYTES_PER_VALUE;
  const perMessage = (bytes * 8) / root.bandwidthBps + o.perMessageS;
  return 2 * pathS + (n - 1) * perMessage + o.perSyncS;
}

/**
 * One stage tensor-parallel over `members` (root first). It presents the single-stage interface
 * of LlmStagePerf, so the serving engine runs it like a stage on the root device.
 */
export class TpGroupPerf extends LlmStagePerf {
  private readonly parts: readonly LlmStagePerf[];
  private readonly n: number;
  private readonly syncs: number;

  constructor(
    private readonly model: ModelSpec, members: readonly TpMember[], share: number,
    private readonly links: readonly LinkConfig[], private readonly direct: boolean,
  ) {
    const root = members[0]!;
    super(model, root.spec, root.slowdown, root.spec.gpus, share);
    this.parts = members.map((m) => new LlmStagePerf(model, m.spec, m.slowdown, m.spec.gpus, share));
    this.n = members.length;
    this.syncs = SYNCS_PER_LAYER * Math.max(1, Math.round(model.layers * share));
  }

  /** The slowest member's 1/n of the work. */
  private slowest(f: (p: LlmStagePerf) => number): number {
    let worst = 0;
    for (const p of this.parts) worst = Math.max(worst, f(p));
    return worst / this.n;
  }

  private syncTotalS(tokens: number): number {
    return tokens > 0 ? this.syncs * syncS(this.model, this.n, this.links, this.direct, tokens) : 0;
  }

  override prefillS(tokens: number): number {
    return this.slowest((p) => p.prefillS(tokens)) + this.syncTotalS(tokens);
  }

  override decodeStepS(batch: number, kvTokens: number): number {
    return this.slowest((p) => p.decodeStepS(batch, kvTokens)) + this.syncTotalS(batch);
  }

  override allReduceS(tokens: number): number {
    return this.slowest((p) => p.allReduceS(tokens));
  }

  override decodeGrowthS(batch: number): number {
    return this.slowest((p) => p.decodeGrowthS(batch));
  }

  override iterationS(prefillTokens: number, decodeBatch: number, kvTokens: number): number {
    return this.slowest((p) => p.iterationS(prefillTokens, decodeBatch, kvTokens)) + this.syncTotalS(prefillTokens + decodeBatch);
  }
}
