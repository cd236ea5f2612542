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
 * TP groups (issue 13 item 3, ours): beside the DP's chain, tensor-parallel groups (tp-group.ts:
 * the chain's own devices as one group, and the fastest 2 and 4 devices per switch) are costed
 * under the same objective with the simulator's sync cost, and a group replaces the chain where
 * it is cheaper — e.g. on Pis behind one switch, where each holds too little for a pipeline stage
 * to be fast.
 *
 * Throughput variant: EdgeShard's throughput mode pipelines micro-batches so that every stage
 * works at once; the plan asks for as many micro-batches as the pipeline has stages
 * (`microBatches`, the minimum that keeps every stage busy) — except for a `llama.cpp` service,
 * whose RPC backend keeps one step in flight (rpc-hop.ts; the DP then sums its stages). Whether
 * it is honoured is the host engine's part; the latency variant runs one batch through the chain.
 */
import type { ClusterView, PlacementPlan, PlannedInstance, PolicyFactory, ServiceInfo, Stage } from '../contract.js';
import type { ChainObjective } from '../chain-costs.js';
import { chainProblem, dpCandidates, toStages } from '../chain-costs.js';
import { MemoryLedger } from '../memory-ledger.js';
import { bottleneckTimeS, transferTimeS } from '../network.js';
import { solvePartition } from '../partition-dp.js';
import { deviceNode, meanWork, placedStageTimes, requestBytes, TOKEN_ID_BYTES } from '../perf-model.js';
import type { PlannedLoad } from '../split-latency.js';
import { addPlannedLoad, MAX_RHO } from '../split-latency.js';
import { usesRpcHops } from '../rpc-hop.js';
import { tpGroupCandidates } from '../tp-group.js';

/**
 * A tensor-parallel group's cost under the DP's objective (chain-costs.ts terms for a one-stage
 * chain): latency = in + stretch × (prefill + output × time per token) + out; throughput = the
 * largest of the in/out link serialisation and stretch × busy time. Stretch 1 / (1 − u), u the
 * largest planned load on a member.
 */
export function groupCost(
  view: ClusterView,
  service: ServiceInfo,
  stage: Stage,
  objective: ChainObjective,
  load: ReadonlyMap<string, number>,
): number {
  const work = meanWork(service);
  const t = placedStageTimes(view, service, stage, work);
  const root = view.devices.find((d) => d.id === stage.device);
  if (!t || !root) return Infinity;
  const u = Math.max(...[stage.device, ...(stage.peers ?? [])].map((id) => load.get(id) ?? 0));
  const stretch = 1 / (1 - Math.min(MAX_RHO, Math.max(0, u)));
  const node = deviceNode(view.links, root);
  const bytes = requestBytes(service, work);
  if (objective === 'latency') {
    return (
      transferTimeS(view.links, service.ingress, node, bytes.inB) +
      stretch * (t.prefillS + work.outputTokens * t.tpotBatch1S) +
      transferTimeS(view.links, node, service.ingress, TOKEN_ID_BYTES)
    );
  }
  return Math.max(
    bottleneckTimeS(view.links, service.ingress, node, bytes.inB),
    stretch * t.busyS,
    bottleneckTimeS(view.links, node, service.ingress, bytes.outB),
  );
}
import { byDemand, PlannedPolicy } from './planned-policy.js';

export function edgeShardPlan(view: ClusterView, objective: ChainObjective): PlacementPlan {
  const ledger = new MemoryLedger(view.devices);
  const load: PlannedLoad = new Map();
  const instances: PlannedInstance[] = [];
  const notes: string[] = [];
  for (const service of byDemand(view.services)) {
    const cp = chainProblem(view, service, dpCandidates(service, view.devices, ledger, load), ledger, objective, load);
    const sol = cp.devices.length > 0 ? solvePartition(cp.problem) : undefined;
    const chain = sol ? toStages(service, cp, sol.stages) : undefined;
    // TP groups (ours, issue 13): the chain's devices as one group, and the fastest 2 / 4 per switch.
    let best = chain && sol ? { stages: chain, cost: sol.cost, tp: false } : undefined;
    for (const g of tpGroupCandidates(
      view,
      service,
      view.devices,
      ledger,
      chain && chain.length > 1 ? [chain.map((st) => st.device)] : [],
    )) {
      const cost = groupCost(view, service, g, objective, load);
      if (cost < (best?.cost ?? Infinity)) best = { stages: [g], cost, tp: true };
    }
    if (!best) {
      notes.push(`${service.name}: no feasible partition`);
      continue;
    }
    const stages = best.stages;
    ledger.reserve(service, stages);
    addPlannedLoad(view, service, stages, load);
    // llama.cpp RPC keeps one step in flight (rpc-hop.ts): its pipelines are not micro-batched.
    const micro =
      objective === 'throughput' && stages.length > 1 && !usesRpcHops(service.framework) ? stages.length : undefined;
    instances.push(
      micro !== undefined ? { service: service.name, stages, microBatches: micro } : { service: service.name, stages },
    );
    const where = stages
      .map((s) => `${[s.device, ...(s.peers ?? [])].join('+')}[${s.firstLayer},${s.endLayer})`)
      .join('>');
    const vs = best.tp && sol ? ` (TP group; best chain ${sol.cost.toExponential(2)} s)` : '';
    notes.push(
      `${service.name}: ${where}, ${objective} ${best.cost.toExponential(2)} s${vs}${micro !== undefined ? `, ${micro} micro-batches` : ''}`,
    );
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

export const edgeShardLatency = factory(
  'latency',
  'EdgeShard: DP over (layer, device set) choosing devices and layer cuts that minimize request latency; services in turn, memory- and load-aware.',
);
export const edgeShardThroughput = factory(
  'throughput',
  'EdgeShard: DP over (layer, device set) minimizing the pipeline bottleneck (max throughput), micro-batched pipelines; services in turn, memory- and load-aware.',
);
