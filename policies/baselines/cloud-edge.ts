/**
 * `cloud-edge-even` and `cloud-edge-opt` (EdgeShard's Cloud-Edge baselines): the model is split
 * in two, the first layers on an edge device near the requests and the rest on a cloud server.
 * The cloud is the fastest alive gpu-server for the model; the edge is the alive non-server device
 * nearest the ingress (lowest path latency, then fastest, then id). Even: cut at ⌊L/2⌋. Opt: every
 * cut 0..L (0 = all on the cloud, L = all on the edge) is tried and the lowest estimated latency
 * that fits memory wins. If the even split does not fit, the next-nearest edge device is tried,
 * then the cloud alone.
 */
import type {
  ClusterView,
  DeviceState,
  PlacementPlan,
  PlannedInstance,
  PolicyFactory,
  ServiceInfo,
  Stage,
} from '../contract.js';
import { fullTensorDegree } from '../chain-costs.js';
import { MemoryLedger } from '../memory-ledger.js';
import { pathLatencyS } from '../network.js';
import { deviceNode, estimateChain, meanWork, perfOn } from '../perf-model.js';
import { byDemand, PlannedPolicy } from './planned-policy.js';

type Mode = 'even' | 'opt';

function speed(service: ServiceInfo, d: DeviceState): number {
  const p = perfOn(service, d);
  return p ? (service.kind === 'llm' ? p.decodeTokPerS : 1 / p.itemLatencyS) : 0;
}

function splitStages(service: ServiceInfo, edge: DeviceState, cloud: DeviceState, cut: number): Stage[] {
  const L = service.model.layers;
  const stages: Stage[] = [];
  if (cut > 0) stages.push({ device: edge.id, firstLayer: 0, endLayer: cut, gpus: fullTensorDegree(edge) });
  if (cut < L) stages.push({ device: cloud.id, firstLayer: cut, endLayer: L, gpus: fullTensorDegree(cloud) });
  return stages;
}

function chooseSplit(view: ClusterView, service: ServiceInfo, ledger: MemoryLedger, mode: Mode): Stage[] | undefined {
  const alive = view.devices.filter((d) => d.alive && perfOn(service, d));
  const cloud = alive
    .filter((d) => d.deviceClass === 'gpu-server')
    .sort((a, b) => speed(service, b) - speed(service, a) || (a.id < b.id ? -1 : 1))[0];
  const dist = (d: DeviceState) => pathLatencyS(view.links, service.ingress, deviceNode(view.links, d));
  const edges = alive
    .filter((d) => d.deviceClass !== 'gpu-server')
    .sort((a, b) => dist(a) - dist(b) || speed(service, b) - speed(service, a) || (a.id < b.id ? -1 : 1));
  if (!cloud) return undefined;
  const L = service.model.layers;
  if (mode === 'even') {
    for (const edge of edges) {
      const stages = splitStages(service, edge, cloud, Math.floor(L / 2));
      if (ledger.fits(service, stages)) return stages;
    }
  } else if (edges.length > 0) {
    const edge = edges[0]!;
    let best: { stages: Stage[]; e2e: number } | undefined;
    for (let cut = 0; cut <= L; cut++) {
      const stages = splitStages(service, edge, cloud, cut);
      if (!ledger.fits(service, stages)) continue;
      const est = estimateChain(view, service, stages, meanWork(service), service.ingress);
      if (est && est.e2eS < (best?.e2e ?? Infinity)) best = { stages, e2e: est.e2eS };
    }
    if (best) return best.stages;
  }
  const alone = splitStages(service, cloud, cloud, 0);
  return ledger.fits(service, alone) ? alone : undefined;
}

export function cloudEdgePlan(view: ClusterView, mode: Mode): PlacementPlan {
  const ledger = new MemoryLedger(view.devices);
  const instances: PlannedInstance[] = [];
  const notes: string[] = [];
  for (const service of byDemand(view.services)) {
    const stages = chooseSplit(view, service, ledger, mode);
    if (!stages) {
      notes.push(`${service.name}: no cloud/edge split fits`);
      continue;
    }
    ledger.reserve(service, stages);
    instances.push({ service: service.name, stages });
    notes.push(`${service.name}: ${stages.map((s) => `${s.device}[${s.firstLayer},${s.endLayer})`).join('>')}`);
  }
  return { instances, reason: `cloud-edge-${mode}: ${notes.join('; ')}` };
}

export const cloudEdgeEven: PolicyFactory = {
  description: 'Layers split evenly between the nearest edge device and the fastest cloud server.',
  params: {},
  create: () => new PlannedPolicy('cloud-edge-even', (v) => cloudEdgePlan(v, 'even'), 'least-loaded'),
};
export const cloudEdgeOpt: PolicyFactory = {
  description: 'Edge/cloud two-way split at the latency-optimal cut point, found by enumeration.',
  params: {},
  create: () => new PlannedPolicy('cloud-edge-opt', (v) => cloudEdgePlan(v, 'opt'), 'least-loaded'),
};
