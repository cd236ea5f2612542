/**
 * Policy views, built cheaply: one ClusterView whose device and instance objects are the live
 * state objects (mutated in place, valid during a policy call only), refreshed per view tick
 * (utilization, links) and per placement (instance list, demand). Without `policy.sync` every
 * ingress node routes on this fresh view. With `policy.sync`, each ingress node has its own
 * NodeView: its own device live, peers as copies updated only when a sync message from that
 * peer arrives (sync messages cost link time and can be lost or delayed; see sim/host/sync.ts).
 * Under `router: central` the instances stay the live objects (the router counts what it sends,
 * as the live controller does); only device state is synced.
 */
import type {
  ClusterView,
  DeviceState,
  InstanceState,
  LinkState,
  NodeView,
  ServiceInfo,
} from '../../policies/index.js';
import { DemandMeter, visibleInViews } from '../../host/index.js';
import { linkStates, serviceInfos, zeroDemandNotes } from './static-views.js';
import type { Instance, Mutable } from './instance.js';
import type { World } from './world.js';

/** What one ingress node sees of its peers (sync mode). */
export interface PeerView {
  readonly node: number;
  readonly view: Mutable<NodeView>;
  /** Per device: the live object for the node itself, else a copy updated by sync messages. */
  readonly devices: Mutable<DeviceState>[];
  readonly instanceCopies: Map<number, Mutable<InstanceState>>;
}

export class Views {
  readonly services: Mutable<ServiceInfo>[];
  readonly links: Mutable<LinkState>[];
  readonly cluster: Mutable<ClusterView>;
  /** NodeView per ingress node index (shared arrays when not syncing). */
  readonly nodes = new Map<number, PeerView>();
  /** The same, indexed by node (the per-request lookup). */
  private readonly byNode: (PeerView | undefined)[] = [];
  private readonly lastBusy: Float64Array;
  private lastTickS = 0;
  /** Observed demand (host/demand.ts); `arrivalsSincePlace` is its per-service arrival count. */
  private readonly demand: DemandMeter;
  readonly arrivalsSincePlace: Float64Array;

  constructor(
    private readonly w: World,
    readonly syncing: boolean,
  ) {
    const sc = w.scenario;
    this.services = serviceInfos(sc);
    this.links = linkStates(sc);
    this.cluster = {
      now: 0,
      devices: w.deviceViews,
      links: this.links,
      services: this.services,
      instances: [],
      version: 0,
    };
    this.lastBusy = new Float64Array(sc.devices.length);
    this.demand = new DemandMeter(sc.services.length);
    this.arrivalsSincePlace = this.demand.arrivals;
    for (const node of new Set(w.ingressNode)) {
      if (node < 0) continue;
      const devices = syncing ? w.deviceViews.map((d, i) => (i === node ? d : { ...d })) : w.deviceViews;
      const view: Mutable<NodeView> = { ...this.cluster, devices, self: w.network.nodeIds[node]! };
      const peer: PeerView = { node, view, devices, instanceCopies: new Map() };
      this.nodes.set(node, peer);
      this.byNode[node] = peer;
    }
  }

  /** Periodic refresh of fresh state: utilization since the last tick, free memory, links. */
  tick(): void {
    const w = this.w;
    const now = w.now;
    const dt = now - this.lastTickS;
    for (let i = 0; i < w.deviceViews.length; i++) {
      const d = w.deviceViews[i]!;
      if (dt > 0) d.utilization = Math.min(1, Math.max(0, (w.busyTotal[i]! - this.lastBusy[i]!) / dt));
      this.lastBusy[i] = w.busyTotal[i]!;
      if (d.alive !== (w.alive[i] === 1)) {
        d.alive = w.alive[i] === 1;
        w.topologyChanged();
      }
      d.asOfS = now;
    }
    this.refreshMemory();
    for (let i = 0; i < this.links.length; i++) {
      const l = this.links[i]!;
      l.up = w.network.isUp(i, now);
      l.bandwidthBps = w.scenario.links[i]!.bandwidthBps * w.network.factorAt(i, now);
    }
    this.lastTickS = now;
  }

  /** Before `place`: demand observed since the last placement (declared rate at t = 0). */
  beforePlacement(): void {
    const now = this.w.now;
    const dt = this.demand.beforePlacement(this.services, now);
    for (const note of zeroDemandNotes(this.services, now, dt)) this.w.note(note);
    this.tick();
    this.cluster.now = now;
    this.cluster.version = this.w.topology;
  }

  /** Free memory = capacity − the weights held there (host/memory.ts; reserved at placement, released at drain or failure). */
  private refreshMemory(): void {
    const w = this.w;
    for (let i = 0; i < w.deviceViews.length; i++)
      w.deviceViews[i]!.freeMemoryBytes = Math.max(0, w.memoryBytes[i]! - w.weightsReserved[i]!);
  }

  /** After the instance set changed: rebuild the instance lists (gone instances leave the views, failed ones stay) and free memory. */
  instancesChanged(): void {
    this.w.topologyChanged();
    this.refreshMemory();
    const live = this.w.instances.filter((i) => visibleInViews(i.state));
    this.cluster.instances = live.map((i) => i.view);
    // A central router counts the requests it sends: instances fresh, devices as synced.
    const copies = this.syncing && this.w.scenario.router !== 'central';
    for (const p of this.nodes.values()) {
      p.view.instances = copies ? live.map((i) => this.peerInstance(p, i)) : this.cluster.instances;
    }
  }

  private peerInstance(p: PeerView, inst: Instance): Mutable<InstanceState> {
    if (inst.stageDevices[0] === p.node) return inst.view;
    let c = p.instanceCopies.get(inst.index);
    if (c === undefined) {
      // A peer's new instance is known from the placement broadcast, its state only after a sync.
      c = { ...inst.view, state: 'pending', queued: 0, running: 0, countsAsOfS: this.w.now };
      p.instanceCopies.set(inst.index, c);
    }
    return c;
  }

  /** The NodeView the router at `node` sees now. */
  nodeView(node: number): NodeView {
    const p = this.byNode[node]!;
    p.view.now = this.w.now;
    p.view.version = this.w.topology;
    return p.view;
  }
}
