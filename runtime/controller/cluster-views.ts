/**
 * The controller's policy views, built from the scenario (catalog figures, services) and from
 * agent heartbeats (alive, utilization, as-of time) — the same ClusterView/NodeView shapes the
 * simulator builds (sim/host/views.ts), so one policy module runs under both clocks.
 *
 * The controller is a central router: it sees every request it sends, so instance queues are
 * its own in-flight counts (fresh), while device liveness and utilization are as of the last
 * heartbeat (`asOfS`). Device views, free memory (weights per stage, which states hold them) and
 * which instances the views show follow the rules shared with the simulator (host/), so policies
 * place identically; test/host/host-parity.test.ts drives both sides through the same events.
 */
import type {
  ClusterView,
  DeviceState,
  InstanceState,
  Lifecycle,
  LinkState,
  NodeView,
  ServiceInfo,
  Stage,
} from '../../policies/index.js';
import type { Scenario } from '../../scenarios/index.js';
import { DemandMeter, deviceStates, freeMemory, heldWeights, visibleInViews } from '../../host/index.js';
import { linkStates, serviceInfos, zeroDemandNotes } from '../../sim/index.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One instance the controller deployed (or is deploying). */
export interface LiveInstance {
  readonly id: string;
  readonly service: string;
  readonly serviceIndex: number;
  readonly stages: readonly Stage[];
  /** Plan-matching key (host/plan.ts). */
  readonly key: string;
  /** Device index of each stage (its root; the agent that serves it). */
  readonly deviceIdx: readonly number[];
  /** Every device holding a part of it (stage roots and tensor-parallel peers). */
  readonly memberIdx: readonly number[];
  /** Weight bytes it holds per device index while active (host/memory.ts). */
  readonly need: ReadonlyMap<number, number>;
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
  readonly capacity: Float64Array;
  /** Arrivals per service since the last placement (observed demand). */
  readonly arrivalsSincePlace: Float64Array;
  /** Observed demand (host/demand.ts): `restart()` it when the run clock starts. */
  readonly demand: DemandMeter;
  /** Notes for the result (services planned with demand 0), as the simulator's host adds them. */
  readonly notes = new Set<string>();

  constructor(readonly scenario: Scenario) {
    this.devices = deviceStates(scenario, false);
    this.capacity = Float64Array.from(scenario.devices, (d) => d.spec.gpus * d.spec.memoryBytesPerGpu);
    this.deviceIndex = new Map(scenario.devices.map((d, i) => [d.id, i]));
    this.services = serviceInfos(scenario);
    this.links = linkStates(scenario);
    this.cluster = { now: 0, devices: this.devices, links: this.links, services: this.services, instances: [] };
    this.demand = new DemandMeter(scenario.services.length);
    this.arrivalsSincePlace = this.demand.arrivals;
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
    const dt = this.demand.beforePlacement(this.services, now);
    for (const note of zeroDemandNotes(this.services, now, dt)) this.notes.add(note);
    this.cluster.now = now;
    this.refreshMemory();
  }

  /** Free memory = catalog memory − weights of the instances that hold theirs (host/memory.ts). */
  refreshMemory(): void {
    const free = freeMemory(this.capacity, this.heldWeights());
    this.devices.forEach((d, i) => {
      d.freeMemoryBytes = free[i]!;
    });
  }

  /** Weight bytes held per device (host/memory.ts). */
  heldWeights(): Float64Array {
    return heldWeights(
      this.devices.length,
      [...this.instances.values()].map((i) => ({ state: i.view.state, need: i.need })),
    );
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

  /** Rebuilds the instance list the policies see (gone instances leave the views, failed ones stay). */
  instancesChanged(): void {
    this.cluster.instances = [...this.instances.values()]
      .filter((i) => visibleInViews(i.view.state))
      .map((i) => i.view);
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
