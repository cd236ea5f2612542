/**
 * Accelerator memory bookkeeping for building a plan. A plan is the whole desired instance set,
 * so capacity is the box's weight budget (`gpus × memoryBytesPerGpu × WEIGHT_MEMORY_FRACTION`),
 * not the current free memory: instances the plan keeps are counted like new ones. A stage with
 * tensor degree `g` must also fit on its `g` GPUs. Dead devices have no capacity.
 */
import type { ClusterView, DeviceId, DeviceState, PlannedInstance, ServiceInfo, Stage } from './contract.js';
import { WEIGHT_MEMORY_FRACTION } from './placement-helpers.js';
import { stageWeightBytes } from './perf-model.js';

export function deviceWeightCapacity(d: DeviceState): number {
  return d.alive ? d.gpus * d.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION : 0;
}

export function stageFitsGpus(service: ServiceInfo, device: DeviceState, stage: Stage): boolean {
  return stage.gpus >= 1 && stage.gpus <= device.gpus
    && stageWeightBytes(service, stage) <= stage.gpus * device.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION;
}

export class MemoryLedger {
  private readonly free = new Map<DeviceId, number>();
  private readonly devices = new Map<DeviceId, DeviceState>();

  constructor(devices: readonly DeviceState[]) {
    for (const d of devices) {
      this.free.set(d.id, deviceWeightCapacity(d));
      this.devices.set(d.id, d);
    }
  }

  freeBytes(id: DeviceId): number {
    return this.free.get(id) ?? 0;
  }

  /** Whether every stage fits on its device's GPUs and in what is left, all stages together. */
  fits(service: ServiceInfo, stages: readonly Stage[]): boolean {
    const need = new Map<DeviceId, number>();
    for (const s of stages) {
      const d = this.devices.get(s.device);
      if (!d || !d.alive || !stageFitsGpus(service, d, s)) return false;
      need.set(s.device, (need.get(s.device) ?? 0) + stageWeightBytes(service, s));
    }
    for (const [id, bytes] of need) if (bytes > this.freeBytes(id) + 1e-6) return false;
    return true;
  }

  reserve(service: ServiceInfo, stages: readonly Stage[]): void {
    for (const s of stages) this.free.set(s.device, this.freeBytes(s.device) - stageWeightBytes(service, s));
  }
}

/** Weight bytes a plan puts on each device (for checks and tests). */
export function planMemoryByDevice(view: Pick<ClusterView, 'services'>, instances: readonly PlannedInstance[]): Map<DeviceId, number> {
  const out = new Map<DeviceId, number>();
  for (const inst of instances) {
    const service = view.services.find((s) => s.name === inst.service);
    if (!service) continue;
    for (const s of inst.stages) {
      // A tensor-parallel stage (peers) holds 1/n of its weights on each member.
      const members = [s.device, ...(s.peers ?? [])];
      for (const m of members) out.set(m, (out.get(m) ?? 0) + stageWeightBytes(service, s) / members.length);
    }
  }
  return out;
}
