/**
 * Peer-state sync for policies with `sync`: every `periodS` each alive device publishes its state
 * (device load, its instances' lifecycle and queues) to every ingress node. A message costs link
 * time (`messageBytes` over the route, FIFO with other traffic), may be lost (sync-loss fault,
 * stream `sync`) or delayed (sync-delay fault). On arrival the ingress node's copy of that peer is
 * overwritten with the state as of the send. A crashed device sends nothing, so peers keep
 * seeing it alive until they learn otherwise — the staleness EPARA must tolerate. A peer not
 * heard from for `PEER_TIMEOUT_PERIODS` periods is marked dead in that node's view (heartbeat
 * timeout), its instances `failed`, until a message arrives again.
 * Simplification: a message carries the sender's latest snapshot; if a newer round was sent
 * before an older message arrives (delivery > period), the older message shows the newer state.
 */
import { linksChanged, type DeviceState, type InstanceState, type SyncSpec } from '../../policies/index.js';
import { PRIORITY } from '../priorities.js';
import type { Instance, Mutable } from './instance.js';
import type { Views } from './views.js';
import type { World } from './world.js';

/** Sync periods without a message after which a peer counts as down. */
export const PEER_TIMEOUT_PERIODS = 3;

type InstSnap = Mutable<Pick<InstanceState, 'state' | 'queued' | 'running'>> & { countsAsOfS: number };

export class SyncChannel {
  private readonly devSnap: Mutable<DeviceState>[];
  private readonly instSnap = new Map<number, InstSnap>();
  private readonly nodes: number;
  /**
   * Instances by the device of their first stage (the device that reports them), extended as
   * `w.instances` grows (placement only appends): a round and a message then touch a device's
   * own instances, not the fleet's — without it a round cost devices × instances (issue #15).
   */
  private readonly byDevice: Instance[][];
  private indexed = 0;

  constructor(
    private readonly w: World,
    private readonly views: Views,
    readonly spec: SyncSpec,
  ) {
    this.devSnap = w.deviceViews.map((d) => ({ ...d }));
    this.nodes = w.network.nodeIds.length;
    this.byDevice = w.deviceViews.map(() => []);
  }

  /** The instances device `d` reports, in `w.instances` order. */
  private reportedBy(d: number): readonly Instance[] {
    const all = this.w.instances;
    for (; this.indexed < all.length; this.indexed++) {
      const inst = all[this.indexed]!;
      this.byDevice[inst.stageDevices[0]!]!.push(inst);
    }
    return this.byDevice[d]!;
  }

  private lossProbability(t: number): number {
    let keep = 1;
    for (const f of this.w.scenario.faults)
      if (f.kind === 'sync-loss' && t >= f.fromS && t < f.toS) keep *= 1 - f.probability;
    return 1 - keep;
  }

  private extraDelay(t: number): number {
    let d = 0;
    for (const f of this.w.scenario.faults) if (f.kind === 'sync-delay' && t >= f.fromS && t < f.toS) d += f.delayS;
    return d;
  }

  /** One sync round at the current time. */
  send(): void {
    const w = this.w;
    const now = w.now;
    this.views.tick();
    linksChanged(this.views.links);
    const pLoss = this.lossProbability(now);
    const delay = this.extraDelay(now);
    const rng = w.streams.get('sync');
    this.expireSilentPeers(now);
    for (let d = 0; d < w.deviceViews.length; d++) {
      if (w.alive[d] !== 1) continue;
      // The state as of now: views.tick() above set every device's asOfS to now.
      Object.assign(this.devSnap[d]!, w.deviceViews[d]!);
      for (const inst of this.reportedBy(d)) {
        if (inst.state === 'gone') continue;
        const snap = this.instSnap.get(inst.index);
        if (snap === undefined)
          this.instSnap.set(inst.index, {
            state: inst.view.state,
            queued: inst.view.queued,
            running: inst.view.running,
            countsAsOfS: now,
          });
        else {
          snap.state = inst.view.state;
          snap.queued = inst.view.queued;
          snap.running = inst.view.running;
          snap.countsAsOfS = now;
        }
      }
      for (const p of this.views.nodes.values()) {
        if (p.node === d) continue;
        if (pLoss > 0 && rng.next() < pLoss) continue;
        const at = w.network.transfer(d, p.node, this.spec.messageBytes, now);
        if (at === Infinity) continue;
        w.kernel.scheduleAt(at + delay, w.handlers.syncRecv, d * this.nodes + p.node, PRIORITY.sync);
      }
    }
  }

  private expireSilentPeers(now: number): void {
    const limit = now - PEER_TIMEOUT_PERIODS * this.spec.periodS;
    for (const p of this.views.nodes.values()) {
      p.devices.forEach((dev, d) => {
        if (d === p.node || !dev.alive || dev.asOfS >= limit) return;
        dev.alive = false;
        this.w.topologyChanged();
        for (const inst of this.w.instances) {
          const copy = p.instanceCopies.get(inst.index);
          if (copy !== undefined && inst.usesDevice(d)) copy.state = 'failed';
        }
      });
    }
  }

  /** A message from device `d` reached ingress node `node` (payload = d·nodes + node). */
  receive(payload: number): void {
    const node = payload % this.nodes;
    const d = (payload - node) / this.nodes;
    const p = this.views.nodes.get(node);
    if (p === undefined) return;
    const dev = p.devices[d]!;
    const wasAlive = dev.alive;
    Object.assign(dev, this.devSnap[d]!);
    if (dev.alive !== wasAlive) this.w.topologyChanged();
    for (const inst of this.reportedBy(d)) {
      const copy = p.instanceCopies.get(inst.index);
      const snap = this.instSnap.get(inst.index);
      if (copy === undefined || snap === undefined) continue;
      if (copy.state !== snap.state) this.w.topologyChanged();
      Object.assign(copy, snap);
    }
  }
}
