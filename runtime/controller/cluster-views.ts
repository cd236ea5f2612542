/**
 * The controller's policy views, built from the scenario (catalog figures, services) and from
 * agent heartbeats (alive, utilization, as-of time) — the same ClusterView/NodeView shapes the
 * simulator builds (sim/host/views.ts), so one policy module runs under both clocks.
 *
 * The controller is a central router: it sees every request it sends, so instance queues are
 * its own in-flight counts (fresh), while device liveness and utilization are as of the last
 * heartbeat (`asOfS`). Free memory is computed from the catalog minus the weights of the
 * instances placed there, exactly as the simulator does, so policies place identically.
 */
import type {
  ClusterView, DeviceState, InstanceState, Lifecycle, LinkState, NodeView, ServiceInfo, Stage,
} from '../../policies/index.js';
import type { Scenario } from '../../scenarios/index.js';
import { linkStates, serviceInfos, zeroDemandNotes } from '../../sim/index.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One instance the controller deployed (or is deploying). */
export interface LiveInstance {
  readonly id: string;
  readonly service: string;
  readonly serviceIndex: number;
  readonly stages: readonly Stage[];
  /** Device index of each stage. */
  readonly deviceIdx: readonly number[];
  readonly weightBytes: number;
  readonly view: Mutable<InstanceState>;
}

export class ClusterViews {
  readonly devices: Mutable<DeviceState>[];
  readonly services: Mutable<ServiceInfo>[];
  readonly links: LinkState[];
  readonly cluster: Mutable<ClusterView>;
  readonly instances = new Map<string, LiveInstance>();
  private readonly nodeViews = new Map<string, Mutable<NodeView>>();
  readonly deviceIndex: Map<string, number>;
  /** Arrivals per service since the last placement (observed demand). */
  readonly arrivalsSincePlace: Float64Array;
  private lastPlaceS = 0;
  /** Notes for the result (services planned with demand 0), as the simulator's host adds them. */
  readonly notes = new Set<string>();

  constructor(readonly scenario: Scenario) {
    this.devices = scenario.devices.map((d) => ({
      id: d.id, type: d.spec.key, deviceClass: d.spec.deviceClass, site: d.site, gpus: d.spec.gpus,
      memoryBytesPerGpu: d.spec.memoryBytesPerGpu, freeMemoryBytes: d.spec.gpus * d.spec.memoryBytesPerGpu,
      flopsPerGpu: d.spec.flopsPerGpu / d.slowdown, memBandwidthBytesPerS: d.spec.memBandwidthBytesPerS / d.slowdown,
      intraNode: d.spec.intraNode, alive: false, queuedRequests: 0, utilization: 0, asOfS: 0,
    }));
    this.deviceIndex = new Map(scenario.devices.map((d, i) => [d.id, i]));
    this.services = serviceInfos(scenario);
    this.links = linkStates(scenario);
    this.cluster = { now: 0, devices: this.devices, links: this.links, services: this.services, instances: [] };
    this.arrivalsSincePlace = new Float64Array(scenario.services.length);
  }

  /** The view a router at `node` sees now (central router: one shared fresh state). */
  nodeView(node: string, now: number): NodeView {
    let v = this.nodeViews.get(node);
    if (v === undefined) {
      v = { ...this.cluster, self: node };
      this.nodeViews.set(node, v);
    }
    v.now = now;
    v.instances = this.cluster.instances;
    return v;
  }

  /** Before `place`: observed demand since the last placement (declared rate at the start). */
  beforePlacement(now: number): void {
    const dt = now - this.lastPlaceS;
    if (dt > 0 && this.lastPlaceS > 0) this.services.forEach((s, i) => { s.demandRps = this.arrivalsSincePlace[i]! / dt; });
    for (const note of zeroDemandNotes(this.services, now, dt)) this.notes.add(note);
    if (dt > 0) { this.arrivalsSincePlace.fill(0); this.lastPlaceS = Math.max(now, 1e-9); }
    this.cluster.now = now;
    this.refreshMemory();
  }

  /** Free memory = catalog memory − weights of live instances on the device (as the simulator). */
  refreshMemory(): void {
    const used = new Float64Array(this.devices.length);
    for (const inst of this.instances.values()) {
      if (inst.view.state === 'gone' || inst.view.state === 'failed') continue;
      const per = inst.weightBytes / inst.stages.length;
      for (const d of inst.deviceIdx) used[d] = used[d]! + per;
    }
    this.devices.forEach((d, i) => { d.freeMemoryBytes = Math.max(0, d.gpus * d.memoryBytesPerGpu - used[i]!); });
  }

  add(inst: LiveInstance): void {
    this.instances.set(inst.id, inst);
    this.instancesChanged();
  }

  setState(inst: LiveInstance, state: Lifecycle): void {
    if (inst.view.state === state) return;
    inst.view.state = state;
    if (state === 'gone') this.instances.delete(inst.id);
    this.instancesChanged();
  }

  /** Rebuilds the instance list the policies see (gone instances leave the views). */
  instancesChanged(): void {
    this.cluster.instances = [...this.instances.values()].filter((i) => i.view.state !== 'gone').map((i) => i.view);
    this.refreshMemory();
  }

  /** Requests in flight per device, from the instance counters (fresh, central router). */
  refreshQueues(): void {
    for (const d of this.devices) d.queuedRequests = 0;
    for (const inst of this.instances.values()) {
      const q = inst.view.queued + inst.view.running;
      for (const d of inst.deviceIdx) this.devices[d]!.queuedRequests += q;
    }
  }
}
