/**
 * `adaptive-split` (Koch et al., arXiv 2504.03668, adaptive split inference): the model is spread
 * over a chain of up to `max_devices` devices with layers in proportion to each device's measured
 * capacity, and re-split at run time when that capacity changes.
 *
 * Our reading of it: capacity = the device's speed for the model (decode tok/s or items/s) ×
 * (1 − utilization / 2), i.e. measured load takes away half of what it occupies (the other half
 * is assumed to be this service's own work moving with its layers — a damped update that keeps
 * re-splitting from oscillating). Layers are dealt one by one to the device whose stage time
 * (layers+1)/capacity stays lowest among those with memory left — greedy for unit jobs on uniform
 * machines, which minimizes the largest stage time (the pipeline bottleneck). The chain
 * is ordered by distance from the ingress. Every `period_s` the split is recomputed; if the
 * devices are the same and fewer than `resplit_threshold` × L layers would move, the existing
 * instance is kept (re-emitted), otherwise the new partition replaces it (partition migration).
 */
import type { ClusterView, DeviceState, InstanceState, PlacementPlan, PlannedInstance, PolicyFactory, ServiceInfo, Stage } from '../contract.js';
import { fullTensorDegree } from '../chain-costs.js';
import { MemoryLedger } from '../memory-ledger.js';
import { pathLatencyS } from '../network.js';
import { numberParam, resolveParams } from '../params.js';
import { deviceNode, perfOn } from '../perf-model.js';
import { WEIGHT_MEMORY_FRACTION } from '../placement-helpers.js';
import { byDemand, PlannedPolicy } from './planned-policy.js';

export interface AdaptiveOptions { readonly maxDevices: number; readonly resplitThreshold: number }

function capacity(service: ServiceInfo, d: DeviceState): number {
  const p = perfOn(service, d);
  if (!p) return 0;
  const speed = service.kind === 'llm' ? p.decodeTokPerS : 1 / p.itemLatencyS;
  return speed * (1 - Math.min(1, Math.max(0, d.utilization)) / 2);
}

/** Split of `layers` minimizing max(layers_i / capacity_i), each capped by memory; undefined if they cannot hold them. */
export function proportionalSplit(layers: number, caps: readonly number[], maxLayers: readonly number[]): number[] | undefined {
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

function chainFor(view: ClusterView, service: ServiceInfo, ledger: MemoryLedger, opt: AdaptiveOptions): Stage[] | undefined {
  const L = service.model.layers;
  const perLayer = service.model.weightBytes / L;
  const picked = view.devices
    .filter((d) => d.alive && capacity(service, d) > 0)
    .sort((a, b) => capacity(service, b) - capacity(service, a) || (a.id < b.id ? -1 : 1))
    .slice(0, opt.maxDevices);
  const dist = (d: DeviceState) => pathLatencyS(view.links, service.ingress, deviceNode(view.links, d));
  const chain = picked.sort((a, b) => dist(a) - dist(b) || (a.id < b.id ? -1 : 1));
  const maxLayers = chain.map((d) => {
    const g = fullTensorDegree(d);
    const bytes = Math.min(ledger.freeBytes(d.id), g * d.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION);
    return Math.floor(bytes / perLayer + 1e-9);
  });
  const x = proportionalSplit(L, chain.map((d) => capacity(service, d)), maxLayers);
  if (!x) return undefined;
  const stages: Stage[] = [];
  let at = 0;
  chain.forEach((d, i) => {
    if (x[i]! === 0) return;
    stages.push({ device: d.id, firstLayer: at, endLayer: at + x[i]!, gpus: fullTensorDegree(d) });
    at += x[i]!;
  });
  return stages;
}

/** Layers that change device between two chains (per-layer comparison). */
function movedLayers(L: number, a: readonly Stage[], b: readonly Stage[]): number {
  const owner = (stages: readonly Stage[], l: number) => stages.find((s) => l >= s.firstLayer && l < s.endLayer)?.device;
  let n = 0;
  for (let l = 0; l < L; l++) if (owner(a, l) !== owner(b, l)) n++;
  return n;
}

export function adaptiveSplitPlan(view: ClusterView, opt: AdaptiveOptions): PlacementPlan {
  const ledger = new MemoryLedger(view.devices);
  const alive = new Set(view.devices.filter((d) => d.alive).map((d) => d.id));
  const instances: PlannedInstance[] = [];
  const notes: string[] = [];
  for (const service of byDemand(view.services)) {
    const current: InstanceState | undefined = view.instances
      .filter((i) => i.service === service.name && (i.state === 'ready' || i.state === 'loading' || i.state === 'pending'))
      .filter((i) => i.stages.every((s) => alive.has(s.device)))
      .sort((a, b) => (a.id < b.id ? -1 : 1))[0];
    const fresh = chainFor(view, service, ledger, opt);
    let stages: readonly Stage[] | undefined = fresh;
    if (current && ledger.fits(service, current.stages)) {
      const sameDevices = fresh !== undefined && new Set(fresh.map((s) => s.device)).size === new Set(current.stages.map((s) => s.device)).size
        && fresh.every((s) => current.stages.some((c) => c.device === s.device));
      const moved = fresh ? movedLayers(service.model.layers, current.stages, fresh) : 0;
      if (!fresh || (sameDevices && moved < opt.resplitThreshold * service.model.layers)) stages = current.stages;
    }
    if (!stages) {
      notes.push(`${service.name}: no chain fits`);
      continue;
    }
    ledger.reserve(service, stages);
    instances.push({ service: service.name, stages });
    notes.push(`${service.name}: ${stages.map((s) => `${s.device}[${s.firstLayer},${s.endLayer})`).join('>')}${stages === current?.stages ? ' (kept)' : ''}`);
  }
  return { instances, reason: `adaptive-split: ${notes.join('; ')}` };
}

const params = {
  period_s: { kind: 'number', default: 10, min: 1, max: 86_400, description: 'How often measured load is read and the split reconsidered, s.' },
  max_devices: { kind: 'integer', default: 3, min: 1, max: 16, description: 'Most devices in one split chain.' },
  resplit_threshold: { kind: 'number', default: 0.1, min: 0, max: 1, description: 'Re-split when at least this fraction of layers would change device.' },
} as const satisfies PolicyFactory['params'];

export const adaptiveSplit: PolicyFactory = {
  description: 'Koch et al.: capacity-proportional layer split over a device chain, re-split at run time as load changes.',
  params,
  create: (given) => {
    const p = resolveParams(params, given);
    const opt = { maxDevices: numberParam(p, 'max_devices'), resplitThreshold: numberParam(p, 'resplit_threshold') };
    return new PlannedPolicy('adaptive-split', (v) => adaptiveSplitPlan(v, opt), 'least-loaded', numberParam(p, 'period_s'));
  },
};
