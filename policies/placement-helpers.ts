/**
 * Small pure helpers shared by policies: fitting a model on a device, whole-model stages,
 * and the ready instances of a service. Kept here so each policy file holds only its idea.
 */
import type { ClusterView, DeviceState, InstanceState, ServiceInfo, Stage } from './contract.js';

/** Fraction of accelerator memory a replica may use for weights; the rest is KV cache and runtime. */
export const WEIGHT_MEMORY_FRACTION = 0.9;

/** Smallest tensor-parallel degree (power of two, ≤ gpus) whose memory holds the weights, or 0. */
export function tensorDegreeToFit(service: ServiceInfo, device: DeviceState): number {
  for (let g = 1; g <= device.gpus; g *= 2) {
    if (service.model.weightBytes <= g * device.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION) return g;
  }
  return 0;
}

/** A single stage holding every layer of the model on `device`, TP over `gpus`. */
export function wholeModelStage(service: ServiceInfo, device: DeviceState, gpus: number): Stage {
  return { device: device.id, firstLayer: 0, endLayer: service.model.layers, gpus };
}

export function readyInstances(view: ClusterView, service: string): InstanceState[] {
  const alive = new Set(view.devices.filter((d) => d.alive).map((d) => d.id));
  return view.instances.filter(
    (i) => i.service === service && i.state === 'ready' && i.stages.every((s) => alive.has(s.device)),
  );
}

/** Canonical key of a stage list, to compare planned and existing instances. */
export function stagesKey(stages: readonly Stage[]): string {
  return stages
    .map(
      (s) =>
        `${s.device}${s.peers !== undefined && s.peers.length > 0 ? `+${s.peers.join('+')}` : ''}[${s.firstLayer},${s.endLayer})x${s.gpus}${s.gpuFraction !== undefined ? `@${s.gpuFraction}` : ''}`,
    )
    .join('>');
}
