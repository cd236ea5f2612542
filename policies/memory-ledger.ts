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

/** Members of a stage (root, then tensor-parallel peers); each holds 1/n of its weights. */
function members(s: Stage): readonly DeviceId[] {
  return s.peers !== undefined && s.peers.length > 0 ? [s.device, ...s.peers] : [s.device];
}

export function stageFitsGpus(service: ServiceInfo, device: DeviceState, stage: Stage): boolean {
  return (
    stage.gpus >= 1 &&
    stage.gpus <= device.gpus &&
    stageWeightBytes(service, stage) / members(stage).length <=
      stage.gpus * device.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION
  );
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
      const m = members(s);
      for (const id of m) {
        const p = this.devices.get(id);
        // A peer takes all its GPUs (sim/host/placement.ts), so its whole budget counts.
        if (!p || !p.alive || (id !== s.device && stageWeightBytes(service, s) / m.length > deviceWeightCapacity(p)))
          return false;
        need.set(id, (need.get(id) ?? 0) + stageWeightBytes(service, s) / m.length);
      }
    }
    for (const [id, bytes] of need) if (bytes > this.freeBytes(id) + 1e-6) return false;
    return true;
  }

  reserve(service: ServiceInfo, stages: readonly Stage[]): void {
    for (const s of stages) {
      const m = members(s);
      for (const id of m) this.free.set(id, this.freeBytes(id) - stageWeightBytes(service, s) / m.length);
    }
  }
}

/** Weight bytes a plan puts on each device (for checks and tests). */
export function planMemoryByDevice(
  view: Pick<ClusterView, 'services'>,
  instances: readonly PlannedInstance[],
): Map<DeviceId, number> {
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
