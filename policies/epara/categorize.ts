/**
 * EPARA task categorization: latency- vs frequency-sensitive × single- vs multi-GPU.
 *
 * The paper names the two axes but not the thresholds; the rules here are ours, stated once:
 * - an explicit `service.category` (scenario override) wins;
 * - sensitivity: a `frame` SLO (a stream with a period) is frequency-sensitive; a `token` SLO
 *   (interactive TTFT/TPOT) is latency-sensitive; an `e2e` SLO is frequency-sensitive only when
 *   it leaves ≥ 4× slack over the best unloaded single-box latency AND the demand exceeds what
 *   one such replica sustains — i.e. the SLO is loose and the pressure is volume, not speed;
 * - GPUs: multi when no single accelerator of any alive device can hold the weights, or when
 *   the best one-GPU replica misses the SLO unloaded while a tensor-parallel one meets it.
 * Estimates use the service's mean request shape as the scheduler passes it: the shape the
 * request handler observed when it has seen enough requests (demand-estimate.ts), else the
 * view's — so 2,048-token prompts can make a service multi-GPU where 512-token ones did not.
 */
import type { Category, ClusterView, ServiceInfo } from '../contract.js';
import { WEIGHT_MEMORY_FRACTION } from '../placement-helpers.js';
import { estimateChain, meanWork, perfOn, sloRatio } from '../perf-model.js';
import { fullTensorDegree } from '../chain-costs.js';

export const LOOSE_SLO_SLACK = 4;

interface Best {
  readonly ratio: number;
  readonly capacityRps: number;
}

/** Best unloaded SLO ratio over alive devices for whole-model replicas of a given TP choice. */
function bestReplica(view: ClusterView, service: ServiceInfo, degree: 'one' | 'full'): Best | undefined {
  let best: Best | undefined;
  for (const d of view.devices) {
    if (!d.alive || !perfOn(service, d)) continue;
    const g = degree === 'one' ? 1 : fullTensorDegree(d);
    if (service.model.weightBytes > g * d.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION) continue;
    const est = estimateChain(
      view,
      service,
      [{ device: d.id, firstLayer: 0, endLayer: service.model.layers, gpus: g }],
      meanWork(service),
      service.ingress,
    );
    if (!est) continue;
    const ratio = sloRatio(service.slo, est);
    if (!best || ratio < best.ratio) best = { ratio, capacityRps: est.capacityRps };
  }
  return best;
}

export function categorize(view: ClusterView, service: ServiceInfo): { category: Category; reason: string } {
  if (service.category) return { category: service.category, reason: 'scenario override' };
  const one = bestReplica(view, service, 'one');
  const full = bestReplica(view, service, 'full');
  let gpus: Category['gpus'] = 'single';
  let why = 'fits one GPU';
  if (!one) {
    gpus = 'multi';
    why = 'no single GPU holds the weights';
  } else if (one.ratio > 1 && full && full.ratio <= 1) {
    gpus = 'multi';
    why = 'one GPU misses the SLO, tensor parallel meets it';
  }
  let sensitivity: Category['sensitivity'];
  switch (service.slo.kind) {
    case 'frame':
      sensitivity = 'frequency';
      break;
    case 'token':
      sensitivity = 'latency';
      break;
    case 'e2e': {
      const ref = gpus === 'single' ? one : full;
      const loose = ref !== undefined && ref.ratio * LOOSE_SLO_SLACK <= 1 && service.demandRps > ref.capacityRps;
      sensitivity = loose ? 'frequency' : 'latency';
      break;
    }
  }
  return { category: { sensitivity, gpus }, reason: `${service.slo.kind} SLO; ${why}` };
}
