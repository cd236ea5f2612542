/**
 * Tensor parallelism across devices (distributed-llama, exo, vLLM multi-node): one stage's
 * layers split over n devices, each doing 1/n of the FLOPs, weight reads and KV reads, with the
 * hidden state synchronised twice per layer (after attention and after the MLP) over the links
 * through the devices' switch. The root gathers the slices and sends the full vector back, so
 * its link carries n − 1 messages per sync: that serialisation is the contention that makes
 * scaling saturate or reverse on slow links. Formulas with units: docs/sim-models.md
 * "Cross-device parallelism".
 */
import type { DeviceSpec, LinkConfig, LinkSpec, ModelSpec, ServingFramework } from '../../scenarios/index.js';
import { stageFigures, type StageFigures } from '../models/llm/step-cost.js';
import { LlmStagePerf } from '../models/perf.js';
import {
  RDMA_MIN_BPS,
  SYNC_BYTES_PER_VALUE,
  SYNCS_PER_LAYER,
  syncSeconds,
  type SyncTransport,
} from '../../policies/tp-sync.js';

export { SYNC_BYTES_PER_VALUE, SYNC_OVERHEAD, SYNCS_PER_LAYER } from '../../policies/tp-sync.js';

/**
 * The sync constants and formula live in policies/tp-sync.ts, so that policies choosing a TP
 * group plan with what is charged here. SYNC_OVERHEAD is FITTED: TCP from the distributed-llama
 * rows of ../shared/profiles/batched/split-multidevice.csv (extra time per sync ≈ 0.30 ms at 2
 * nodes and ≈ 0.48 ms at 4 on 7B/13B/70B alike), RDMA from its exo Thunderbolt-5 rows (≈ 0.07 ms
 * at 2 nodes, ≈ 0.10–0.15 at 4); both after subtracting the assumed link latencies.
 */
/** RDMA-class transport: NVLink/PCIe/Thunderbolt, and Ethernet of 100 Gbit/s and more (RoCE: NCCL does not run such links over kernel TCP). */
function transport(spec: LinkSpec): SyncTransport {
  return spec.kind === 'nvlink' || spec.kind === 'pcie' || spec.nominalBps >= RDMA_MIN_BPS ? 'rdma' : 'tcp';
}

export interface TpMember {
  readonly spec: DeviceSpec;
  readonly slowdown: number;
}

/** Seconds of one hidden-state synchronisation of `tokens` tokens over the group's links. */
export function syncS(
  model: ModelSpec,
  n: number,
  links: readonly LinkConfig[],
  direct: boolean,
  tokens: number,
): number {
  if (n <= 1 || links.length === 0) return 0;
  const root = links[0]!;
  // One-way path root → member: one link when direct, else root link + member link via the switch.
  let pathS = 0;
  for (let k = 1; k < links.length; k++)
    pathS = Math.max(pathS, direct ? root.latencyS : root.latencyS + links[k]!.latencyS);
  return syncSeconds(transport(root.spec), n, pathS, root.bandwidthBps, tokens * model.hidden * SYNC_BYTES_PER_VALUE);
}

/**
 * The step-cost figures of one stage tensor-parallel over `members` (root first): each member
 * holds and reads 1/n of the stage's weights and KV and does 1/n of its FLOPs, at the pace of the
 * slowest member (lowest memory bandwidth; the split is even, as distributed-llama and vLLM
 * split heads and columns evenly); the syncs add, per step, a fixed part and a part per token —
 * exactly the all-reduce terms of the step cost (sim/models/llm/step-cost.ts).
 */
export function tpStageFigures(
  model: ModelSpec,
  members: readonly TpMember[],
  share: number,
  links: readonly LinkConfig[],
  direct: boolean,
): { readonly figures: StageFigures; readonly slowest: TpMember } {
  const n = members.length;
  const slowest = members.reduce((a, m) =>
    (m.spec.memBandwidthBytesPerS * m.spec.gpus) / m.slowdown <
    (a.spec.memBandwidthBytesPerS * a.spec.gpus) / a.slowdown
      ? m
      : a,
  );
  const one = stageFigures(model, slowest.spec, slowest.slowdown, slowest.spec.gpus, share);
  const syncs = SYNCS_PER_LAYER * Math.max(1, Math.round(model.layers * share));
  const fixed = syncS(model, n, links, direct, 0);
  const perToken = syncS(model, n, links, direct, 1) - fixed;
  return {
    slowest,
    figures: {
      ...one,
      weightBytes: one.weightBytes / n,
      expertBytes: one.expertBytes / n,
      kvBytesPerToken: one.kvBytesPerToken / n,
      flopsPerToken: one.flopsPerToken / n,
      flopsPerPair: one.flopsPerPair / n,
      allReduceFixedS: one.allReduceFixedS + (n > 1 ? syncs * fixed : 0),
      allReducePerTokenS: one.allReducePerTokenS + syncs * perToken,
    },
  };
}

/** The stage's performance: the step cost of its tensor-parallel figures, efficiencies of its slowest member. */
export function tpStagePerf(
  model: ModelSpec,
  members: readonly TpMember[],
  share: number,
  links: readonly LinkConfig[],
  direct: boolean,
  framework?: ServingFramework,
): LlmStagePerf {
  const { figures, slowest } = tpStageFigures(model, members, share, links, direct);
  return new LlmStagePerf(model, slowest.spec, slowest.slowdown, slowest.spec.gpus, share, figures, framework);
}
