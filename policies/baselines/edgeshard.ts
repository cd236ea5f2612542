/**
 * `edgeshard-latency` / `edgeshard-throughput` (EdgeShard, arXiv 2405.14371): for each service,
 * joint device selection and layer partition by the exact dynamic programme of partition-dp.ts,
 * minimizing the mean request's end-to-end latency (sum of stage compute and transfers) or the
 * pipeline bottleneck (maximal throughput), under each device's remaining memory. One pipeline
 * per service, placed once (and again after faults); services take memory in demand order.
 * EdgeShard targets one model; the sequential multi-service extension is ours.
 */
import type { ClusterView, PlacementPlan, PlannedInstance, PolicyFactory } from '../contract.js';
import type { ChainObjective } from '../chain-costs.js';
import { chainProblem, dpCandidates, toStages } from '../chain-costs.js';
import { MemoryLedger } from '../memory-ledger.js';
import { solvePartition } from '../partition-dp.js';
import { byDemand, PlannedPolicy } from './planned-policy.js';

export function edgeShardPlan(view: ClusterView, objective: ChainObjective): PlacementPlan {
  const ledger = new MemoryLedger(view.devices);
  const instances: PlannedInstance[] = [];
  const notes: string[] = [];
  for (const service of byDemand(view.services)) {
    const cp = chainProblem(view, service, dpCandidates(service, view.devices, ledger), ledger, objective);
    const sol = cp.devices.length > 0 ? solvePartition(cp.problem) : undefined;
    if (!sol) {
      notes.push(`${service.name}: no feasible partition`);
      continue;
    }
    const stages = toStages(service, cp, sol.stages);
    ledger.reserve(service, stages);
    instances.push({ service: service.name, stages });
    notes.push(`${service.name}: ${stages.length} stage(s), ${objective} ${sol.cost.toExponential(2)} s`);
  }
  return { instances, reason: `edgeshard-${objective} DP; ${notes.join('; ')}` };
}

function factory(objective: ChainObjective, description: string): PolicyFactory {
  return {
    description,
    params: {},
    create: () => new PlannedPolicy(`edgeshard-${objective}`, (view) => edgeShardPlan(view, objective), 'least-loaded'),
  };
}

export const edgeShardLatency = factory('latency', 'EdgeShard: DP over (layer, device set) choosing devices and layer cuts that minimize request latency.');
export const edgeShardThroughput = factory('throughput', 'EdgeShard: DP over (layer, device set) minimizing the pipeline bottleneck stage (max throughput).');
