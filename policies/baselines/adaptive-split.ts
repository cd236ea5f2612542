/**
 * `adaptive-split` (Koch, Djuhera, Binotto, arXiv 2504.03668, adaptive split inference): the
 * joint placement–partitioning problem — which nodes hold which contiguous layer segments — with
 * the request's latency as objective: compute of each segment on its node plus the transfer of
 * the intermediate activations between nodes, under each node's memory and current utilization;
 * run-time services that (1) pick the node subset from profiled capacity, (2) migrate segments
 * when utilization or the network changes, (3) re-split layers. The paper gives the objective's
 * terms, not an algorithm; ours (split-latency.ts holds the predictor):
 *
 * - candidates per service: every single device that holds the whole model (at its full tensor
 *   degree), and for k = 2..`max_devices` a chain of the k devices with the highest effective
 *   capacity (requests/s it sustains with the whole model, times its share not yet busy), ordered
 *   by distance from the ingress, layers dealt in proportion to that capacity (proportionalSplit);
 * - tensor-parallel groups across devices (Stage.peers: the fastest 2 and 4 per switch, at most
 *   `max_devices`; tp-group.ts), predicted with the simulator's sync cost (ours, issue 13);
 * - the candidate with the lowest predicted latency wins; a split wins only when it is strictly
 *   faster than every single device, or when no single device holds the model — so a model that
 *   fits one box is not cut across a WAN because that box is busy a little;
 * - services are planned in demand order; each one's planned load stays on its devices for the
 *   services after it (memory and busy time), so two services do not both count on the same GPU;
 * - every `period_s` the running chain is re-predicted under the current measurements; it is
 *   replaced (partition migration) when a device of it died, it no longer fits, or the best
 *   candidate predicts a latency lower by at least `resplit_threshold` (relative) — hysteresis, so
 *   noise in the measured utilization does not move weights every period;
 * - "continuous profiling" is read as an exponentially weighted average over the re-split periods
 *   (weight `profile_alpha` for the latest) of each device's measured utilization and each
 *   service's observed demand: one bursty 10-s window does not move weights (ours; the paper says
 *   profiles are continuous, not how they are filtered);
 * - a service's candidates are compared with its own share of the measured utilization removed
 *   (split-latency.ts `withoutOwnLoad`, ours): the load it brings moves with it.
 */
import type {
  ClusterView,
  DeviceState,
  InstanceState,
  PlacementPlan,
  PlannedInstance,
  PolicyFactory,
  ServiceInfo,
  Stage,
} from '../contract.js';
import { fullTensorDegree } from '../chain-costs.js';
import { MemoryLedger } from '../memory-ledger.js';
import { pathLatencyS } from '../network.js';
import { numberParam, resolveParams } from '../params.js';
import { deviceNode, meanWork, perfOn, stageTimes } from '../perf-model.js';
import { tensorDegreeToFit, WEIGHT_MEMORY_FRACTION, wholeModelStage } from '../placement-helpers.js';
import type { PlannedLoad } from '../split-latency.js';
import { addPlannedLoad, deviceLoad, predictChain, withoutOwnLoad } from '../split-latency.js';
import { tpGroupCandidates } from '../tp-group.js';
import { byDemand, PlannedPolicy } from './planned-policy.js';

export interface AdaptiveOptions {
  readonly maxDevices: number;
  readonly resplitThreshold: number;
}

/**
 * Requests/s the device would sustain with the whole model (1 / busy time per mean request),
 * times the share of it not already busy (measured or planned): the profiled capacity layers
 * are dealt by, so a split balances load rather than batch-1 speed.
 */
function capacity(service: ServiceInfo, d: DeviceState, load: PlannedLoad): number {
  const t = stageTimes(service, d, 1, fullTensorDegree(d), meanWork(service));
  if (!t || !(t.busyS > 0)) return 0;
  return (1 / t.busyS) * Math.max(0, 1 - deviceLoad(d, load));
}

/** Split of `layers` minimizing max(layers_i / capacity_i), each capped by memory; undefined if they cannot hold them. */
export function proportionalSplit(
  layers: number,
  caps: readonly number[],
  maxLayers: readonly number[],
): number[] | undefined {
  const x = caps.map(() => 0);
  for (let l = 0; l < layers; l++) {
    let best = -1;
    for (let i = 0; i < caps.length; i++) {
      if (x[i]! >= maxLayers[i]! || caps[i]! <= 0) continue;
      if (best < 0 || (x[i]! + 1) / caps[i]! < (x[best]! + 1) / caps[best]!) best = i;
    }
    if (best < 0) return undefined;
    x[best]! += 1;
  }
  return x;
}

function splitChain(
  view: ClusterView,
  service: ServiceInfo,
  ledger: MemoryLedger,
  load: PlannedLoad,
  k: number,
): Stage[] | undefined {
  const perLayer = service.model.weightBytes / service.model.layers;
  const picked = view.devices
    .filter((d) => d.alive && capacity(service, d, load) > 0 && ledger.freeBytes(d.id) > 0)
    .sort((a, b) => capacity(service, b, load) - capacity(service, a, load) || (a.id < b.id ? -1 : 1))
    .slice(0, k);
  if (picked.length < k) return undefined;
  const dist = (d: DeviceState) => pathLatencyS(view.links, service.ingress, deviceNode(view.links, d));
  const chain = picked.sort((a, b) => dist(a) - dist(b) || (a.id < b.id ? -1 : 1));
  const maxLayers = chain.map((d) => {
    const bytes = Math.min(ledger.freeBytes(d.id), fullTensorDegree(d) * d.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION);
    return Math.floor(bytes / perLayer + 1e-9);
  });
  const x = proportionalSplit(
    service.model.layers,
    chain.map((d) => capacity(service, d, load)),
    maxLayers,
  );
  if (!x || x.filter((n) => n > 0).length < 2) return undefined;
  const stages: Stage[] = [];
  let at = 0;
  chain.forEach((d, i) => {
    if (x[i]! === 0) return;
    stages.push({ device: d.id, firstLayer: at, endLayer: at + x[i]!, gpus: fullTensorDegree(d) });
    at += x[i]!;
  });
  return stages;
}

interface Choice {
  readonly stages: readonly Stage[];
  readonly latencyS: number;
}

/** The candidate with the lowest predicted latency: single devices first, a split only if strictly faster. */
export function bestChain(
  view: ClusterView,
  service: ServiceInfo,
  ledger: MemoryLedger,
  load: PlannedLoad,
  opt: AdaptiveOptions,
): Choice | undefined {
  let best: Choice | undefined;
  const consider = (stages: readonly Stage[] | undefined) => {
    if (!stages || !ledger.fits(service, stages)) return;
    const latencyS = predictChain(view, service, stages, load);
    if (latencyS < (best?.latencyS ?? Infinity)) best = { stages, latencyS };
  };
  const byId = view.devices.slice().sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const d of byId) {
    if (!d.alive || !perfOn(service, d) || tensorDegreeToFit(service, d) === 0) continue;
    consider([wholeModelStage(service, d, fullTensorDegree(d))]);
  }
  for (let k = 2; k <= opt.maxDevices; k++) consider(splitChain(view, service, ledger, load, k));
  // Tensor-parallel groups (Stage.peers, issue 13; ours): same rule — only when strictly faster
  // than every single device, or when none holds the model; their syncs are part of the prediction.
  for (const g of tpGroupCandidates(view, service, view.devices, ledger))
    if (1 + g.peers!.length <= opt.maxDevices) consider([g]);
  return best;
}

/** EWMA of device utilization and service demand across `place` calls (one call per period). */
export class RunningProfile {
  private readonly util = new Map<string, number>();
  private readonly demand = new Map<string, number>();

  constructor(private readonly alpha: number) {}

  private step(m: Map<string, number>, key: string, x: number): number {
    const old = m.get(key);
    const v = old === undefined ? x : old + this.alpha * (x - old);
    m.set(key, v);
    return v;
  }

  smooth(view: ClusterView): ClusterView {
    const devices = view.devices.map((d) => ({ ...d, utilization: this.step(this.util, d.id, d.utilization) }));
    const services = view.services.map((s) => ({ ...s, demandRps: this.step(this.demand, s.name, s.demandRps) }));
    return { ...view, devices, services };
  }
}

export function adaptiveSplitPlan(view: ClusterView, opt: AdaptiveOptions): PlacementPlan {
  const ledger = new MemoryLedger(view.devices);
  const load: PlannedLoad = new Map();
  const alive = new Set(view.devices.filter((d) => d.alive).map((d) => d.id));
  const instances: PlannedInstance[] = [];
  const notes: string[] = [];
  for (const service of byDemand(view.services)) {
    const current: InstanceState | undefined = view.instances
      .filter(
        (i) => i.service === service.name && (i.state === 'ready' || i.state === 'loading' || i.state === 'pending'),
      )
      .filter((i) => i.stages.every((s) => alive.has(s.device)))
      .sort((a, b) => (a.id < b.id ? -1 : 1))[0];
    const own = withoutOwnLoad(view, service);
    const fresh = bestChain(own, service, ledger, load, opt);
    let choice = fresh;
    let kept = false;
    if (current && ledger.fits(service, current.stages)) {
      const nowS = predictChain(own, service, current.stages, load);
      if (!fresh || !(fresh.latencyS < nowS * (1 - opt.resplitThreshold))) {
        choice = { stages: current.stages, latencyS: nowS };
        kept = true;
      }
    }
    if (!choice) {
      notes.push(`${service.name}: no chain fits`);
      continue;
    }
    ledger.reserve(service, choice.stages);
    addPlannedLoad(view, service, choice.stages, load);
    instances.push({ service: service.name, stages: choice.stages });
    const chain = choice.stages
      .map((s) => `${[s.device, ...(s.peers ?? [])].join('+')}[${s.firstLayer},${s.endLayer})`)
      .join('>');
    notes.push(`${service.name}: ${chain} ${choice.latencyS.toPrecision(3)} s${kept ? ' (kept)' : ''}`);
  }
  return { instances, reason: `adaptive-split: ${notes.join('; ')}` };
}

const params = {
  period_s: {
    kind: 'number',
    default: 10,
    min: 1,
    max: 86_400,
    description: 'How often measured load is read and the split reconsidered, s.',
  },
  max_devices: { kind: 'integer', default: 3, min: 1, max: 16, description: 'Most devices in one split chain.' },
  resplit_threshold: {
    kind: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    description: 'Migrate a running chain only when a new one predicts at least this much lower latency (relative).',
  },
  profile_alpha: {
    kind: 'number',
    default: 0.5,
    min: 0.01,
    max: 1,
    description: 'EWMA weight of the latest period in the utilization and demand profiles (1 = latest period only).',
  },
} as const satisfies PolicyFactory['params'];

export const adaptiveSplit: PolicyFactory = {
  description:
    'Koch et al.: latency-optimal placement/split (compute + activation transfer, capacity- and load-aware), split only when it helps, migrated as load or links change.',
  params,
  create: (given) => {
    const p = resolveParams(params, given);
    const opt = { maxDevices: numberParam(p, 'max_devices'), resplitThreshold: numberParam(p, 'resplit_threshold') };
    const profile = new RunningProfile(numberParam(p, 'profile_alpha'));
    return new PlannedPolicy(
      'adaptive-split',
      (v) => adaptiveSplitPlan(profile.smooth(v), opt),
      'least-loaded',
      numberParam(p, 'period_s'),
    );
  },
};
