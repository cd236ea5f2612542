/**
 * Planning estimates: how fast an instance (a chain of stages) serves one request, how many
 * requests per second it sustains, and how a request's estimated latency compares with its SLO.
 *
 * Standard formulation (the EPARA paper gives none): `service.perf[type]` holds whole-box
 * figures, i.e. at tensor-parallel degree = the box's GPU count. A stage holding a fraction `f`
 * of the layers on `g` of the box's `G` GPUs runs at `perf · g·e(g) / (G·e(G))`, where
 * `e(g) = eff^log2(g)` is the tensor-parallel efficiency (all-reduce cost: 0.9 per doubling on
 * NVLink, 0.75 on PCIe), and does `f` of the per-token (or per-item) work. A single sequence's
 * time per output token interpolates between batch 1 (`decodeTokPerS`) and the largest batch
 * (`maxBatch / decodeTokPerSAtMaxBatch`) by the instance's running batch. Pipeline cuts move
 * `activationBytesPerToken` per token (LLM) or `inputBytes` per item (segmentation, a stand-in
 * for the feature map, documented as such). Prompts travel as 4-byte token ids, outputs the same.
 * A `llama.cpp` service's pipeline (rpc-hop.ts) also pays the RPC hop at every cut in every step
 * (the prefill step and each decode step), and its stages run one after another, so its
 * bottleneck is the sum of its stages' busy times and hops, not the largest.
 */
import type { ClusterView, DevicePerf, DeviceState, LinkState, ServiceInfo, Slo, Stage } from './contract.js';
import { bottleneckTimeS, isLinkEndpoint, transferTimeS } from './network.js';
import { boundaryHopS, usesRpcHops } from './rpc-hop.js';
import { groupPath, SYNC_BYTES_PER_VALUE, syncSeconds, SYNCS_PER_LAYER } from './tp-sync.js';

export const TOKEN_ID_BYTES = 4;
const TP_EFFICIENCY: Readonly<Record<DeviceState['intraNode'], number>> = { nvlink: 0.9, pcie: 0.75, none: 1 };

/** Request shape used for estimates (a real request, or a service's mean). */
export interface Work {
  readonly promptTokens: number;
  readonly outputTokens: number;
}

export function meanWork(service: ServiceInfo): Work {
  return { promptTokens: service.meanPromptTokens, outputTokens: Math.max(1, service.meanOutputTokens) };
}

/** Usable figures of a model on a device type, or undefined when absent or all zero. */
export function perfOn(service: ServiceInfo, device: DeviceState): DevicePerf | undefined {
  const p = service.perf[device.type];
  if (!p) return undefined;
  const usable = service.kind === 'llm' ? p.prefillTokPerS > 0 && p.decodeTokPerS > 0 : p.itemLatencyS > 0;
  return usable ? p : undefined;
}

/** Speed multiplier of `g` GPUs relative to the whole-box figures. */
export function tpScale(device: DeviceState, g: number): number {
  const eff = TP_EFFICIENCY[device.intraNode];
  const e = (n: number) => Math.pow(eff, Math.log2(Math.max(1, n)));
  const G = Math.max(1, device.gpus);
  return (g * e(g)) / (G * e(G));
}

export function stageShare(service: ServiceInfo, stage: Pick<Stage, 'firstLayer' | 'endLayer'>): number {
  return (stage.endLayer - stage.firstLayer) / service.model.layers;
}

export function stageWeightBytes(service: ServiceInfo, stage: Pick<Stage, 'firstLayer' | 'endLayer'>): number {
  return service.model.weightBytes * stageShare(service, stage);
}

/** Network node of a device: itself if the links mention it, else its site. */
/** Device position by id, per devices array (ids stable; states change in place). */
const deviceIndex = new WeakMap<readonly DeviceState[], Map<string, number>>();

/**
 * `devices.find((d) => d.id === id)` in O(1): positions indexed once per array and re-checked
 * on use (a hand-built view may swap elements; then the index is rebuilt). First match wins.
 */
export function findDevice(devices: readonly DeviceState[], id: string): DeviceState | undefined {
  let m = deviceIndex.get(devices);
  let k = m?.get(id);
  if (
    m === undefined ||
    m.size > devices.length ||
    (k !== undefined && devices[k]?.id !== id) ||
    (k === undefined && m.size < devices.length)
  ) {
    m = new Map();
    devices.forEach((x, i) => {
      if (!m!.has(x.id)) m!.set(x.id, i);
    });
    deviceIndex.set(devices, m);
    k = m.get(id);
  }
  return k === undefined ? undefined : devices[k];
}

export function deviceNode(links: readonly LinkState[], device: DeviceState): string {
  return isLinkEndpoint(links, device.id) ? device.id : device.site;
}

/** Bytes entering the first stage, leaving the last, and crossing each cut, per request. */
export function requestBytes(
  service: ServiceInfo,
  work: Work,
): { readonly inB: number; readonly outB: number; readonly cutB: number } {
  if (service.kind === 'llm') {
    const tokens = work.promptTokens + work.outputTokens;
    return {
      inB: work.promptTokens * TOKEN_ID_BYTES,
      outB: work.outputTokens * TOKEN_ID_BYTES,
      cutB: tokens * service.model.activationBytesPerToken,
    };
  }
  return { inB: service.model.inputBytes, outB: service.model.outputBytes, cutB: service.model.inputBytes };
}

/** Compute times of one stage for one request: unloaded latency parts and busy time at max batch. */
export interface StageTimes {
  readonly prefillS: number;
  readonly tpotBatch1S: number;
  readonly tpotFullS: number;
  /** Stage-seconds one request costs when the stage runs at its best batch (throughput view). */
  readonly busyS: number;
}

/**
 * `gpuFraction` < 1 (a fractional claim on one accelerator, contract.ts `Stage.gpuFraction`) is
 * planned as that share of the accelerator's time: every time and the busy time scale by 1/f —
 * the worst case, when the co-located tenants use their shares in full (assumption; idle
 * co-tenants make it faster).
 */
export function stageTimes(
  service: ServiceInfo,
  device: DeviceState,
  share: number,
  gpus: number,
  work: Work,
  gpuFraction = 1,
): StageTimes | undefined {
  const p = perfOn(service, device);
  if (!p) return undefined;
  const k = tpScale(device, gpus) * Math.min(1, Math.max(1e-3, gpuFraction));
  if (service.kind === 'llm') {
    const prefillS = (share * work.promptTokens) / (p.prefillTokPerS * k);
    const tpotBatch1S = share / (p.decodeTokPerS * k);
    const full = p.decodeTokPerSAtMaxBatch > 0 ? p.decodeTokPerSAtMaxBatch : p.decodeTokPerS;
    const tpotFullS = (share * Math.max(1, p.maxBatch)) / (full * k);
    const busyS = prefillS + (share * work.outputTokens) / (full * k);
    return { prefillS, tpotBatch1S, tpotFullS: Math.max(tpotFullS, tpotBatch1S), busyS };
  }
  const itemS = (share * p.itemLatencyS) / k;
  const rate = p.itemsPerSAtMaxBatch > 0 ? p.itemsPerSAtMaxBatch : 1 / p.itemLatencyS;
  return { prefillS: itemS, tpotBatch1S: 0, tpotFullS: 0, busyS: share / (rate * k) };
}

/**
 * Times of a stage as placed: `stageTimes` on its device, or, for a tensor-parallel group
 * (`peers`), the group's — the formula the simulator charges (sim/parallel/tensor-parallel.ts):
 * every member does 1/n of the stage's work at the pace of the slowest (lowest memory bandwidth
 * × GPUs), plus SYNCS_PER_LAYER hidden-state syncs per layer of the stage (tp-sync.ts), of the
 * prompt's tokens in prefill and of the step's tokens per decode step (1 at batch 1, the largest
 * batch at full load). Undefined when a member is unknown or lacks figures or the group has no
 * common switch.
 */
export function placedStageTimes(
  view: Pick<ClusterView, 'devices' | 'links'>,
  service: ServiceInfo,
  st: Stage,
  work: Work,
): StageTimes | undefined {
  const root = view.devices.find((d) => d.id === st.device);
  if (!root) return undefined;
  if (st.peers === undefined || st.peers.length === 0)
    return stageTimes(service, root, stageShare(service, st), st.gpus, work, st.gpuFraction);
  const members = [root, ...st.peers.map((id) => view.devices.find((d) => d.id === id))];
  if (members.some((m) => m === undefined || !perfOn(service, m))) return undefined;
  const ms = members as DeviceState[];
  const slowest = ms.reduce((a, m) => (m.memBandwidthBytesPerS * m.gpus < a.memBandwidthBytesPerS * a.gpus ? m : a));
  const path = groupPath(
    view.links,
    view.devices,
    ms.map((m) => m.id),
  );
  if (!path) return undefined;
  const n = ms.length;
  const t = stageTimes(service, slowest, stageShare(service, st) / n, slowest.gpus, work);
  if (!t) return undefined;
  const syncs = SYNCS_PER_LAYER * Math.max(1, Math.round(service.model.layers * stageShare(service, st)));
  // activationBytesPerToken = hidden × 2 B (scenarios: fp16 activations) = hidden × SYNC_BYTES_PER_VALUE.
  const valueBytes = (service.model.activationBytesPerToken / 2) * SYNC_BYTES_PER_VALUE;
  const sync = (tokens: number) =>
    syncs * syncSeconds(path.transport, n, path.pathS, path.bandwidthBps, tokens * valueBytes);
  const maxBatch = Math.max(1, service.perf[slowest.type]?.maxBatch ?? 1);
  const prefillS = t.prefillS + sync(work.promptTokens);
  return {
    prefillS,
    tpotBatch1S: t.tpotBatch1S + sync(1),
    tpotFullS: t.tpotFullS + sync(maxBatch),
    busyS: t.busyS + sync(work.promptTokens) + (work.outputTokens * sync(maxBatch)) / maxBatch,
  };
}

export interface InstanceEstimate {
  /** Unloaded time to first token (LLM) or to the item's result (segmentation), incl. network. */
  readonly ttftS: number;
  /** Time per output token at the given running batch. */
  readonly tpotS: number;
  readonly e2eS: number;
  /** Seconds of the chain's bottleneck (stage or link) per request: 1 / capacity. */
  readonly bottleneckS: number;
  readonly capacityRps: number;
}

/**
 * Estimate for `stages` serving `work` that enters at `ingress`, with `running` sequences in the
 * batch and `queued` requests ahead (waiting ≈ queued × bottleneck time). Undefined when a stage
 * device is unknown or lacks figures; `Infinity` times when the network cannot reach it.
 */
export function estimateChain(
  view: Pick<ClusterView, 'devices' | 'links'>,
  service: ServiceInfo,
  stages: readonly Stage[],
  work: Work,
  ingress: string,
  load: { readonly queued: number; readonly running: number } = { queued: 0, running: 0 },
): InstanceEstimate | undefined {
  const bytes = requestBytes(service, work);
  let ttft = 0,
    tpot1 = 0,
    tpotFull = 0,
    bottleneck = 0,
    maxBatch = 1,
    busySum = 0,
    hopSum = 0;
  let prevNode = ingress;
  for (let i = 0; i < stages.length; i++) {
    const st = stages[i]!;
    const device = findDevice(view.devices, st.device);
    if (!device) return undefined;
    const t = placedStageTimes(view, service, st, work);
    if (!t) return undefined;
    maxBatch = Math.max(maxBatch, service.perf[device.type]?.maxBatch ?? 1);
    const node = deviceNode(view.links, device);
    const hopBytes = i === 0 ? bytes.inB : bytes.cutB;
    // llama.cpp RPC: the cut's round trips and dispatch, once per step (prefill and each decode).
    const rpcS = i === 0 ? 0 : boundaryHopS(view.links, service, stages[i - 1]!.device, st.device, prevNode, node);
    const perTokenCut =
      i === 0 ? 0 : transferTimeS(view.links, prevNode, node, service.model.activationBytesPerToken) + rpcS;
    ttft +=
      transferTimeS(
        view.links,
        prevNode,
        node,
        i === 0
          ? bytes.inB
          : service.kind === 'llm'
            ? work.promptTokens * service.model.activationBytesPerToken
            : bytes.cutB,
      ) +
      rpcS +
      t.prefillS;
    tpot1 += t.tpotBatch1S + perTokenCut;
    tpotFull += t.tpotFullS + perTokenCut;
    bottleneck = Math.max(bottleneck, t.busyS, bottleneckTimeS(view.links, prevNode, node, hopBytes));
    busySum += t.busyS;
    hopSum += rpcS;
    prevNode = node;
  }
  const outS = transferTimeS(view.links, prevNode, ingress, service.kind === 'llm' ? TOKEN_ID_BYTES : bytes.outB);
  bottleneck = Math.max(bottleneck, bottleneckTimeS(view.links, prevNode, ingress, bytes.outB));
  // A llama.cpp pipeline keeps one step in flight: a step takes every stage and every hop in turn,
  // so a request costs the sum of the stages' busy times and its share of the steps' hops
  // (its output tokens' steps, shared with the batch).
  if (hopSum > 0 && usesRpcHops(service.framework))
    bottleneck = Math.max(bottleneck, busySum + (hopSum * work.outputTokens) / maxBatch);
  const batch = Math.min(maxBatch, load.running + 1);
  const alpha = maxBatch > 1 ? (batch - 1) / (maxBatch - 1) : 0;
  const tpot = tpot1 + alpha * (tpotFull - tpot1);
  // Guarded, not max(0, queued)·bottleneck: an unreachable chain (bottleneck ∞) with no queue would be 0·∞ = NaN.
  const waitS = load.queued > 0 ? load.queued * bottleneck : 0;
  const first = waitS + ttft + (service.kind === 'llm' ? tpot : 0) + outS;
  const e2e = first + (service.kind === 'llm' ? Math.max(0, work.outputTokens - 1) * tpot : 0);
  return {
    ttftS: first,
    tpotS: tpot,
    e2eS: e2e,
    bottleneckS: bottleneck,
    capacityRps: bottleneck > 0 ? 1 / bottleneck : Infinity,
  };
}

/** Estimated latency over the SLO (≤ 1 meets it); the worst of the SLO's terms. */
export function sloRatio(slo: Slo, est: Pick<InstanceEstimate, 'ttftS' | 'tpotS' | 'e2eS'>): number {
  switch (slo.kind) {
    case 'token':
      return Math.max(est.ttftS / slo.ttftS, est.tpotS / slo.tpotS);
    case 'e2e':
      return est.e2eS / slo.e2eS;
    case 'frame':
      return est.e2eS / slo.deadlineS;
  }
}
