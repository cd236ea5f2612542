/**
 * Device views built from the scenario, the same on both hosts: catalog capacity, compute scaled
 * by the device's `slowdown`, all memory free and nothing queued. The host then keeps `alive`,
 * `freeMemoryBytes`, `utilization`, `queuedRequests` and `asOfS` current on its own clock.
 */
import type { DeviceState } from '../policies/index.js';
import type { Scenario } from '../scenarios/index.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One DeviceState per scenario device, in scenario order; `alive` as given (live: unknown until the first heartbeat). */
export function deviceStates(scenario: Scenario, alive: boolean): Mutable<DeviceState>[] {
  return scenario.devices.map((d) => ({
    id: d.id,
    type: d.spec.key,
    deviceClass: d.spec.deviceClass,
    site: d.site,
    gpus: d.spec.gpus,
    memoryBytesPerGpu: d.spec.memoryBytesPerGpu,
    freeMemoryBytes: d.spec.gpus * d.spec.memoryBytesPerGpu,
    flopsPerGpu: d.spec.flopsPerGpu / d.slowdown,
    memBandwidthBytesPerS: d.spec.memBandwidthBytesPerS / d.slowdown,
    intraNode: d.spec.intraNode,
    alive,
    queuedRequests: 0,
    utilization: 0,
    asOfS: 0,
  }));
}
