/**
 * `edgeshard-latency` / `edgeshard-throughput` (EdgeShard, arXiv 2405.14371): for each service,
 * joint device selection and layer partition by the exact dynamic programme of partition-dp.ts,
 * minimizing the mean request's end-to-end latency (sum of stage compute and transfers) or the
 * pipeline bottleneck (maximal throughput), under each device's remaining memory — a model larger
 * than any one device is cut over several. One pipeline per service, placed once (and again after
 * faults).
 *
 * EdgeShard places one model on idle devices; the multi-service extension is ours: services are
 * planned one after another in demand order, each taking memory (the ledger) and load — the busy
 * fraction its pipeline will add to each device, demand × busy time per request — so a later
 * service's stage costs on a device are stretched by 1 / (1 − that device's planned load)
 * (chain-costs.ts). Without the load term every LLM lands on the same fastest box.
 *
 * Throughput variant: EdgeShard's throughput mode pipelines micro-batches so that every stage
 * works at once; the plan asks for as many micro-batches as the pipeline has stages
 * (`microBatches`, the minimum that keeps every stage busy). Whether it is honoured is the host
 * engine's part; the latency variant runs one batch through the chain.
 */
import type { ClusterView, PlacementPlan, PlannedInstance, PolicyFactory } from '../contract.js';
import type { ChainObjective } from '../chain-costs.js';
import { chainProblem, dpCandidates, toStages } from '../chain-costs.js';
import { MemoryLedger } from '../memory-ledger.js';
import { solvePartition } from '../partition-dp.js';
import type { PlannedLoad } from '../split-latency.js';
import { addPlannedLoad } from '../split-latency.js';
import { byDemand, PlannedPolicy } from './planned-policy.js';

export function edgeShardPlan(view: ClusterView, objective: ChainObjective): PlacementPlan {
  const ledger = new MemoryLedger(view.devices);
  const load: PlannedLoad = new Map();
  const instances: PlannedInstance[] = [];
  const notes: string[] = [];
  for (const service of byDemand(view.services)) {
    const cp = chainProblem(view, service, dpCandidates(service, view.devices, ledger, load), ledger, objective, load);
    const sol = cp.devices.length > 0 ? solvePartition(cp.problem) : undefined;
    if (!sol) {
      notes.push(`${service.name}: no feasible partition`);
      continue;
    }
    const stages = toStages(service, cp, sol.stages);
    ledger.reserve(service, stages);
    addPlannedLoad(view, service, stages, load);
    const micro = objective === 'throughput' && stages.length > 1 ? stages.length : undefined;
    instances.push(micro !== undefined ? { service: service.name, stages, microBatches: micro } : { service: service.name, stages });
    const where = stages.map((s) => `${s.device}[${s.firstLayer},${s.endLayer})`).join('>');
    notes.push(`${service.name}: ${where}, ${objective} ${sol.cost.toExponential(2)} s${micro !== undefined ? `, ${micro} micro-batches` : ''}`);
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

export const edgeShardLatency = factory('latency', 'EdgeShard: DP over (layer, device set) choosing devices and layer cuts that minimize request latency; services in turn, memory- and load-aware.');
export const edgeShardThroughput = factory('throughput', 'EdgeShard: DP over (layer, device set) minimizing the pipeline bottleneck (max throughput), micro-batched pipelines; services in turn, memory- and load-aware.');
