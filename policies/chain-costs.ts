/**
 * The cost model that turns "split service S over these devices" into a PartitionProblem for
 * the EdgeShard DP (partition-dp.ts), and the DP's answer back into Stages.
 *
 * Layers are grouped into at most `MAX_BLOCKS` equal blocks (the DP is quadratic in blocks); each
 * device takes part with tensor degree = the largest power of two ≤ its GPU count (a device is one
 * unit in EdgeShard). Latency objective: sum of stage compute for the mean request (prefill +
 * output tokens at batch 1) and of transfers (prompt activations once, one activation per output
 * token with its propagation latency). Throughput objective: the largest per-request busy time of
 * any stage at its best batch or of any link's serialization (pipeline bottleneck). A stage whose
 * weights exceed the device's remaining budget costs Infinity.
 *
 * A `llama.cpp` service (rpc-hop.ts) pays the RPC hop at every cut: latency objective, once per
 * step (prefill and each output token); throughput objective, its output tokens' steps shared
 * with the largest batch — and its stages run one after another (one step in flight), so the
 * throughput objective sums stage and cut costs instead of taking their maximum.
 *
 * Load of other services (optional `othersLoad`, busy fraction per device that services planned
 * earlier put there): a stage's compute is stretched by 1 / (1 − u), u capped at MAX_RHO — the
 * share of the device left to this service (ours: EdgeShard places one model on idle devices;
 * without it, services planned one after another all pick the same fastest box).
 */
import type { ClusterView, DeviceState, ServiceInfo, Stage } from './contract.js';
import type { MemoryLedger } from './memory-ledger.js';
import { bottleneckTimeS, transferTimeS } from './network.js';
import { deviceNode, meanWork, requestBytes, stageTimes, TOKEN_ID_BYTES } from './perf-model.js';
import type { PartitionProblem } from './partition-dp.js';
import { MAX_DP_DEVICES } from './partition-dp.js';
import { WEIGHT_MEMORY_FRACTION } from './placement-helpers.js';
import { boundaryHopS, usesRpcHops } from './rpc-hop.js';
import { MAX_RHO } from './split-latency.js';

export const MAX_BLOCKS = 24;
export type ChainObjective = 'latency' | 'throughput';

/** Largest power of two ≤ the device's GPU count. */
export function fullTensorDegree(d: DeviceState): number {
  let g = 1;
  while (g * 2 <= d.gpus) g *= 2;
  return g;
}

/** Layer index where block `b` of `blocks` starts. */
export function blockBoundary(layers: number, blocks: number, b: number): number {
  return Math.round((b * layers) / blocks);
}

export interface ChainProblem {
  readonly problem: PartitionProblem;
  readonly devices: readonly DeviceState[];
  readonly blocks: number;
}

export function chainProblem(
  view: Pick<ClusterView, 'devices' | 'links'>,
  service: ServiceInfo,
  devices: readonly DeviceState[],
  ledger: MemoryLedger,
  objective: ChainObjective,
  othersLoad?: ReadonlyMap<string, number>,
): ChainProblem {
  const L = service.model.layers;
  const blocks = Math.max(1, Math.min(L, MAX_BLOCKS));
  const ds = devices.slice(0, MAX_DP_DEVICES);
  const work = meanWork(service);
  const bytes = requestBytes(service, work);
  const nodes = ds.map((d) => deviceNode(view.links, d));
  const layerAt = (b: number) => blockBoundary(L, blocks, b);
  const actPrompt = service.kind === 'llm' ? work.promptTokens * service.model.activationBytesPerToken : bytes.cutB;
  // llama.cpp RPC pipelines run their stages one after another: throughput is the sum, too.
  const sequential = usesRpcHops(service.framework);
  const rpcS = (k: number, j: number) => boundaryHopS(view.links, service, ds[k]!.id, ds[j]!.id, nodes[k]!, nodes[j]!);
  const raw: PartitionProblem = {
    layers: blocks,
    devices: ds.length,
    objective: objective === 'latency' || sequential ? 'sum' : 'max',
    stageCost(j, first, end) {
      const d = ds[j]!;
      const g = fullTensorDegree(d);
      const share = (layerAt(end) - layerAt(first)) / L;
      const w = service.model.weightBytes * share;
      if (w > ledger.freeBytes(d.id) + 1e-6 || w > g * d.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION) return Infinity;
      const t = stageTimes(service, d, share, g, work);
      if (!t) return Infinity;
      const stretch = 1 / (1 - Math.min(MAX_RHO, Math.max(0, othersLoad?.get(d.id) ?? 0)));
      return stretch * (objective === 'latency' ? t.prefillS + work.outputTokens * t.tpotBatch1S : t.busyS);
    },
    cutCost(k, j) {
      if (objective === 'throughput') {
        const hop = sequential
          ? (rpcS(k, j) * work.outputTokens) / Math.max(1, service.perf[ds[j]!.type]?.maxBatch ?? 1)
          : 0;
        return bottleneckTimeS(view.links, nodes[k]!, nodes[j]!, bytes.cutB) + hop;
      }
      const once = transferTimeS(view.links, nodes[k]!, nodes[j]!, actPrompt);
      const perToken =
        service.kind === 'llm'
          ? transferTimeS(view.links, nodes[k]!, nodes[j]!, service.model.activationBytesPerToken)
          : 0;
      return once + work.outputTokens * perToken + (sequential ? (1 + work.outputTokens) * rpcS(k, j) : 0);
    },
    inCost(j) {
      return objective === 'latency'
        ? transferTimeS(view.links, service.ingress, nodes[j]!, bytes.inB)
        : bottleneckTimeS(view.links, service.ingress, nodes[j]!, bytes.inB);
    },
    outCost(k) {
      return objective === 'latency'
        ? transferTimeS(view.links, nodes[k]!, service.ingress, service.kind === 'llm' ? TOKEN_ID_BYTES : bytes.outB)
        : bottleneckTimeS(view.links, nodes[k]!, service.ingress, bytes.outB);
    },
  };
  // The DP calls stage and cut costs O(L²N²2^N) times; each is a pure function of small integer
  // arguments, so they are tabulated once (N·(L+1)² stage and N² cut evaluations).
  const stageTable = new Float64Array(ds.length * (blocks + 1) * (blocks + 1)).fill(NaN);
  const cutTable = new Float64Array(ds.length * ds.length).fill(NaN);
  const problem: PartitionProblem = {
    ...raw,
    stageCost(j, first, end) {
      const at = (j * (blocks + 1) + first) * (blocks + 1) + end;
      let v = stageTable[at]!;
      if (Number.isNaN(v)) stageTable[at] = v = raw.stageCost(j, first, end);
      return v;
    },
    cutCost(k, j, at) {
      const i = k * ds.length + j;
      let v = cutTable[i]!;
      if (Number.isNaN(v)) cutTable[i] = v = raw.cutCost(k, j, at);
      return v;
    },
  };
  return { problem, devices: ds, blocks };
}

/** Stages for a DP answer over a ChainProblem. */
export function toStages(
  service: ServiceInfo,
  cp: ChainProblem,
  parts: readonly { device: number; first: number; end: number }[],
): Stage[] {
  const L = service.model.layers;
  return parts.map((p) => {
    const d = cp.devices[p.device]!;
    return {
      device: d.id,
      firstLayer: blockBoundary(L, cp.blocks, p.first),
      endLayer: blockBoundary(L, cp.blocks, p.end),
      gpus: fullTensorDegree(d),
    };
  });
}

/**
 * Devices worth offering the DP: alive, with figures for the model, fastest first (stable by id);
 * with `othersLoad`, speed counts only the share of the device not already planned for others.
 */
export function dpCandidates(
  service: ServiceInfo,
  devices: readonly DeviceState[],
  ledger: MemoryLedger,
  othersLoad?: ReadonlyMap<string, number>,
): DeviceState[] {
  const speed = (d: DeviceState) => {
    const p = service.perf[d.type];
    const free = 1 - Math.min(MAX_RHO, Math.max(0, othersLoad?.get(d.id) ?? 0));
    return p ? free * (service.kind === 'llm' ? p.decodeTokPerS : 1 / Math.max(1e-12, p.itemLatencyS)) : 0;
  };
  return devices
    .filter((d) => d.alive && speed(d) > 0 && ledger.freeBytes(d.id) > 0)
    .slice()
    .sort((a, b) => speed(b) - speed(a) || (a.id < b.id ? -1 : 1))
    .slice(0, MAX_DP_DEVICES - 2);
}
