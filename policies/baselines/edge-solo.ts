/**
 * `edge-solo` (EdgeShard's Edge-Solo baseline): each service runs whole on one edge device — the
 * one with the lowest estimated latency for its mean request among the alive non-server devices
 * with room left (all devices if the cluster has no edge device), at the box's full tensor degree
 * when the weights fit there. Services choose in demand order; a service that fits no edge device
 * gets no instance and its requests are dropped as 'no-instance'.
 */
import type { ClusterView, PlacementPlan, PlannedInstance, PolicyFactory, Stage } from '../contract.js';
import { fullTensorDegree } from '../chain-costs.js';
import { MemoryLedger } from '../memory-ledger.js';
import { estimateChain, meanWork } from '../perf-model.js';
import { tensorDegreeToFit } from '../placement-helpers.js';
import { byDemand, PlannedPolicy } from './planned-policy.js';

export function edgeSoloPlan(view: ClusterView): PlacementPlan {
  const ledger = new MemoryLedger(view.devices);
  const alive = view.devices.filter((d) => d.alive);
  const edge = alive.filter((d) => d.deviceClass !== 'gpu-server');
  const pool = edge.length > 0 ? edge : alive;
  const instances: PlannedInstance[] = [];
  const notes: string[] = [];
  for (const service of byDemand(view.services)) {
    let best: { stages: Stage[]; e2e: number } | undefined;
    for (const d of pool) {
      const min = tensorDegreeToFit(service, d);
      if (min === 0) continue;
      const stages: Stage[] = [
        { device: d.id, firstLayer: 0, endLayer: service.model.layers, gpus: Math.max(min, fullTensorDegree(d)) },
      ];
      if (!ledger.fits(service, stages)) continue;
      const est = estimateChain(view, service, stages, meanWork(service), service.ingress);
      if (est && est.e2eS < (best?.e2e ?? Infinity)) best = { stages, e2e: est.e2eS };
    }
    if (!best) {
      notes.push(`${service.name}: fits no edge device`);
      continue;
    }
    ledger.reserve(service, best.stages);
    instances.push({ service: service.name, stages: best.stages });
    notes.push(`${service.name}→${best.stages[0]!.device}`);
  }
  return { instances, reason: `edge-solo: ${notes.join(', ')}` };
}

export const edgeSolo: PolicyFactory = {
  description: 'Each service whole on its single best edge device (EdgeShard Edge-Solo).',
  params: {},
  create: () => new PlannedPolicy('edge-solo', edgeSoloPlan, 'least-loaded'),
};
