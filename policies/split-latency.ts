/**
 * Predicted latency of one request on a chain of stages, with the device load a plan puts there:
 * the objective of adaptive split inference (Koch et al., arXiv 2504.03668 — segment compute on
 * each node plus activation transfer between nodes, under the nodes' current utilization).
 *
 *   T = in + Σ_i compute_i / (1 − ρ_i) + Σ_cuts transfer + out
 *
 * - compute_i: the stage's share of prefill plus output tokens × batch-1 time per token (LLM), or
 *   its share of the item latency (segmentation), from perf-model's `stageTimes`;
 * - transfer: per hop `latency + 8·bytes/bandwidth` (network.ts) — the prompt's activations once
 *   and one token's activation per output token at each cut (LLM), the feature map per item
 *   (segmentation, the input frame size as stand-in — perf-model's convention); a `llama.cpp`
 *   service also pays the RPC hop (rpc-hop.ts) at each cut in the prefill step and each output
 *   token's step;
 * - ρ_i, the stage device's busy fraction: the larger of its measured utilization and the load
 *   the plan puts there (busy time of services already planned there in this call plus this
 *   stage's own demand × busy time per request). The larger, not the sum: the measurement already
 *   contains the work of instances now running there, which the plan counts again if it keeps
 *   them; what the measurement shows beyond the plan is load the plan does not know of (or a
 *   device slower than estimated), and that is what makes a busy device lose. `1/(1 − ρ)` is the
 *   M/M/1 stretch (assumption: the standard open-queue approximation; the paper names
 *   utilization, no formula); ρ is capped at `MAX_RHO` so an overloaded device ranks as very slow
 *   rather than impossible.
 */
import type { ClusterView, DeviceId, DeviceState, ServiceInfo, Stage } from './contract.js';
import { transferTimeS } from './network.js';
import { boundaryHopS } from './rpc-hop.js';
import { deviceNode, meanWork, placedStageTimes, requestBytes, TOKEN_ID_BYTES } from './perf-model.js';

export const MAX_RHO = 0.99;

/** Devices a stage runs on: its device and its tensor-parallel peers. */
function membersOf(s: Stage): readonly DeviceId[] {
  return s.peers !== undefined && s.peers.length > 0 ? [s.device, ...s.peers] : [s.device];
}

/** Busy fraction per device that services planned earlier in this call will add. */
export type PlannedLoad = Map<DeviceId, number>;

/** A device's busy fraction with `extra` more planned on it: max(measured, planned + extra), in [0, 1]. */
export function deviceLoad(d: DeviceState, load: ReadonlyMap<DeviceId, number>, extra = 0): number {
  return Math.min(1, Math.max(0, d.utilization, (load.get(d.id) ?? 0) + extra));
}

interface StageCost {
  readonly computeS: number;
  readonly busyS: number;
  readonly node: string;
}

function stageCosts(
  view: Pick<ClusterView, 'devices' | 'links'>,
  service: ServiceInfo,
  stages: readonly Stage[],
): StageCost[] | undefined {
  const work = meanWork(service);
  const out: StageCost[] = [];
  for (const st of stages) {
    const d = view.devices.find((x) => x.id === st.device);
    if (!d) return undefined;
    const t = placedStageTimes(view, service, st, work);
    if (!t) return undefined;
    const computeS = service.kind === 'llm' ? t.prefillS + work.outputTokens * t.tpotBatch1S : t.prefillS;
    out.push({ computeS, busyS: t.busyS, node: deviceNode(view.links, d) });
  }
  return out;
}

/** Predicted seconds for the service's mean request on `stages` (Infinity if unknown or unreachable). */
export function predictChain(
  view: Pick<ClusterView, 'devices' | 'links'>,
  service: ServiceInfo,
  stages: readonly Stage[],
  load: ReadonlyMap<DeviceId, number>,
): number {
  const costs = stageCosts(view, service, stages);
  if (!costs || costs.length === 0) return Infinity;
  const work = meanWork(service);
  const bytes = requestBytes(service, work);
  const llm = service.kind === 'llm';
  const act = service.model.activationBytesPerToken;
  let t = transferTimeS(view.links, service.ingress, costs[0]!.node, bytes.inB);
  for (let i = 0; i < costs.length; i++) {
    const c = costs[i]!;
    // A tensor-parallel stage runs at the pace of its busiest member.
    let rho = 0;
    for (const id of membersOf(stages[i]!)) {
      const d = view.devices.find((x) => x.id === id);
      if (d) rho = Math.max(rho, deviceLoad(d, load, Math.max(0, service.demandRps) * c.busyS));
    }
    rho = Math.min(MAX_RHO, rho);
    t += c.computeS / (1 - rho);
    if (i > 0) {
      const from = costs[i - 1]!.node;
      const rpcS = boundaryHopS(view.links, service, stages[i - 1]!.device, stages[i]!.device, from, c.node);
      t += llm
        ? transferTimeS(view.links, from, c.node, work.promptTokens * act) +
          work.outputTokens * transferTimeS(view.links, from, c.node, act) +
          (1 + work.outputTokens) * rpcS
        : transferTimeS(view.links, from, c.node, bytes.cutB);
    }
  }
  return (
    t + transferTimeS(view.links, costs[costs.length - 1]!.node, service.ingress, llm ? TOKEN_ID_BYTES : bytes.outB)
  );
}

/** Adds the busy fraction `stages` will take (demand × busy time per request) to `load`. */
export function addPlannedLoad(
  view: Pick<ClusterView, 'devices' | 'links'>,
  service: ServiceInfo,
  stages: readonly Stage[],
  load: PlannedLoad,
): void {
  const costs = stageCosts(view, service, stages);
  if (!costs) return;
  stages.forEach((s, i) => {
    for (const id of membersOf(s)) load.set(id, (load.get(id) ?? 0) + Math.max(0, service.demandRps) * costs[i]!.busyS);
  });
}

/**
 * The view with each device's measured utilization less the part that is `service`'s own work
 * (ours: the paper reads utilization as load on a node, not whose). A measurement on the devices
 * the service runs on contains its own load, which moves with it; compared against devices it
 * does not use, that load counted on one side only makes every placement look worse than any
 * alternative — on scenarios/default.yaml chat alternated edge-a100 ↔ a cloud split every period.
 * The measured busy fraction on a device is attributed to the live instances there in proportion
 * to their modelled load (their service's demand shared over its live instances × busy time per
 * request on that stage); with no modelled load, in proportion to instance counts.
 */
export function withoutOwnLoad(view: ClusterView, service: ServiceInfo): ClusterView {
  const live = view.instances.filter((i) => i.state === 'ready' || i.state === 'loading' || i.state === 'pending');
  if (!live.some((i) => i.service === service.name)) return view;
  const byName = new Map(view.services.map((s) => [s.name, s]));
  const count = new Map<string, number>();
  for (const i of live) count.set(i.service, (count.get(i.service) ?? 0) + 1);
  const own = new Map<DeviceId, { own: number; all: number; ownN: number; allN: number }>();
  for (const i of live) {
    const s = byName.get(i.service);
    if (!s) continue;
    const costs = stageCosts(view, s, i.stages);
    i.stages.forEach((st, k) => {
      const w = costs ? (Math.max(0, s.demandRps) / (count.get(i.service) ?? 1)) * costs[k]!.busyS : 0;
      const mine = i.service === service.name;
      for (const id of membersOf(st)) {
        const e = own.get(id) ?? { own: 0, all: 0, ownN: 0, allN: 0 };
        own.set(id, { own: e.own + (mine ? w : 0), all: e.all + w, ownN: e.ownN + (mine ? 1 : 0), allN: e.allN + 1 });
      }
    });
  }
  const devices = view.devices.map((d) => {
    const e = own.get(d.id);
    if (!e || e.ownN === 0) return d;
    const share = e.all > 0 ? e.own / e.all : e.ownN / e.allN;
    return { ...d, utilization: d.utilization * (1 - share) };
  });
  return { ...view, devices };
}
