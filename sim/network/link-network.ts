/**
 * The network of devices and switches: routes (precomputed once) and a FIFO serializer per link
 * direction. A transfer is computed at once, hop by hop (store-and-forward): on each hop it starts
 * at max(ready time, the direction's busy-until, the end of any outage covering that instant),
 * occupies the direction for bytes·8 / (bandwidth·degradation), then propagates for latencyS.
 * Reservations may lie in the future (a pipeline's later hop); FIFO order is by request time.
 *
 * Loss: with probability `lossRate` (stream `links:loss`) the hop is retransmitted once after a
 * timeout of 2×RTT = 4·latencyS past the end of the first attempt (the LinkConfig contract says
 * "retransmitted once"). Outage: a transfer reaching a link that is down waits until it is up
 * again (outage windows are known from the scenario); a transfer already on the wire when an
 * outage starts completes. Degradation scales the bandwidth at the moment serialization starts.
 * See docs/sim-models.md "Links".
 */
import type { LinkConfig, Scenario } from '../../scenarios/index.js';
import type { RngStream } from '../kernel/index.js';
import { serializerOf } from './wifi-medium.js';

interface Window { readonly fromS: number; readonly toS: number; readonly factor: number }

export class LinkNetwork {
  /** Node ids: devices first (same index as scenario.devices), then switches. */
  readonly nodeIds: readonly string[];
  readonly nodeIndex: ReadonlyMap<string, number>;
  readonly links: readonly LinkConfig[];
  /** Busy-until per serializer slot (one per link direction; one per AP for Wi-Fi, wifi-medium.ts). */
  private readonly busyUntil: Float64Array;
  private readonly slotOf: Int32Array;
  /** Directed hops per (src·n + dst): link index ·2 + direction (0 = a→b). Empty when src = dst. */
  private readonly paths: (Int32Array | null)[];
  private readonly pathLatency: Float64Array;
  private readonly outages: Window[][];
  private readonly degrades: Window[][];
  /** Serialization seconds per link direction (index `2 · link + direction`), for link utilization. */
  readonly busySeconds: Float64Array;

  constructor(scenario: Scenario, private readonly lossRng: RngStream) {
    const ids = [...scenario.devices.map((d) => d.id), ...scenario.switches];
    this.nodeIds = ids;
    this.nodeIndex = new Map(ids.map((id, i) => [id, i]));
    this.links = scenario.links;
    const ser = serializerOf(scenario);
    this.slotOf = ser.slotOf;
    this.busyUntil = new Float64Array(ser.slots);
    this.busySeconds = new Float64Array(this.links.length * 2);
    this.outages = this.links.map(() => []);
    this.degrades = this.links.map(() => []);
    const linkIdx = new Map(this.links.map((l, i) => [l.id, i]));
    for (const f of scenario.faults) {
      if (f.kind === 'link-outage') this.outages[linkIdx.get(f.link) ?? -1]?.push({ fromS: f.atS, toS: f.atS + f.durationS, factor: 0 });
      if (f.kind === 'link-degrade') {
        this.degrades[linkIdx.get(f.link) ?? -1]?.push({ fromS: f.atS, toS: f.atS + f.durationS, factor: f.bandwidthFactor });
      }
    }
    for (const w of this.outages) w.sort((x, y) => x.fromS - y.fromS);
    const n = ids.length;
    this.paths = new Array<Int32Array | null>(n * n).fill(null);
    this.pathLatency = new Float64Array(n * n).fill(Infinity);
    // Adjacency (neighbour, directed hop, latency), built once for every source.
    const adj: [number, number, number][][] = Array.from({ length: n }, () => []);
    this.links.forEach((l, i) => {
      const a = this.nodeIndex.get(l.a);
      const b = this.nodeIndex.get(l.b);
      if (a === undefined || b === undefined) return;
      adj[a]!.push([b, i * 2, l.latencyS]);
      adj[b]!.push([a, i * 2 + 1, l.latencyS]);
    });
    // Node at the `from` end of each directed hop, for walking a route back.
    const hopFrom = new Int32Array(this.links.length * 2);
    this.links.forEach((l, i) => {
      hopFrom[i * 2] = this.nodeIndex.get(l.a) ?? -1;
      hopFrom[i * 2 + 1] = this.nodeIndex.get(l.b) ?? -1;
    });
    for (let s = 0; s < n; s++) this.shortestFrom(s, adj, hopFrom);
  }

  /** Dijkstra from `src` ordered by (hops, latency): fewest hops, then least latency. */
  private shortestFrom(src: number, adj: readonly (readonly [number, number, number])[][], hopFrom: Int32Array): void {
    const n = this.nodeIds.length;
    const hops = new Float64Array(n).fill(Infinity);
    const lat = new Float64Array(n).fill(Infinity);
    const via = new Int32Array(n).fill(-1);
    const done = new Uint8Array(n);
    hops[src] = 0;
    lat[src] = 0;
    for (;;) {
      let u = -1;
      for (let v = 0; v < n; v++) {
        if (done[v] || hops[v] === Infinity) continue;
        if (u < 0 || hops[v]! < hops[u]! || (hops[v] === hops[u] && lat[v]! < lat[u]!)) u = v;
      }
      if (u < 0) break;
      done[u] = 1;
      for (const [v, dir, l] of adj[u]!) {
        const h = hops[u]! + 1;
        const t = lat[u]! + l;
        if (h < hops[v]! || (h === hops[v] && t < lat[v]!)) {
          hops[v] = h;
          lat[v] = t;
          via[v] = dir;
        }
      }
    }
    for (let dst = 0; dst < n; dst++) {
      if (hops[dst] === Infinity) continue;
      const seq: number[] = [];
      let v = dst;
      while (v !== src) {
        const dir = via[v]!;
        seq.push(dir);
        v = hopFrom[dir]!;
      }
      this.paths[src * n + dst] = Int32Array.from(seq.reverse());
      this.pathLatency[src * n + dst] = lat[dst]!;
    }
  }

  /** One-way propagation latency of the route, seconds; Infinity when unreachable. */
  latency(src: number, dst: number): number {
    return src === dst ? 0 : this.pathLatency[src * this.nodeIds.length + dst]!;
  }

  reachable(src: number, dst: number): boolean {
    return src === dst || this.paths[src * this.nodeIds.length + dst] !== null;
  }

  /**
   * Sends `bytes` from node `src` to node `dst`, ready to leave at `readyS`; reserves the links
   * and returns the delivery time (Infinity when there is no route).
   */
  transfer(src: number, dst: number, bytes: number, readyS: number): number {
    if (src === dst) return readyS;
    const path = this.paths[src * this.nodeIds.length + dst];
    if (path === null || path === undefined) return Infinity;
    let t = readyS;
    for (let h = 0; h < path.length; h++) {
      const dir = path[h]!;
      const li = dir >> 1;
      const link = this.links[li]!;
      const slot = this.slotOf[dir]!;
      let start = this.upAt(li, Math.max(t, this.busyUntil[slot]!));
      const bw = link.bandwidthBps * this.factorAt(li, start);
      const ser = bytes > 0 ? (bytes * 8) / bw : 0;
      let end = start + ser;
      if (link.lossRate > 0 && this.lossRng.next() < link.lossRate) {
        start = this.upAt(li, end + 4 * link.latencyS);
        end = start + ser;
        this.busySeconds[dir] = this.busySeconds[dir]! + ser;
      }
      this.busyUntil[slot] = end;
      this.busySeconds[dir] = this.busySeconds[dir]! + ser;
      t = end + link.latencyS;
    }
    return t;
  }

  /** Busy seconds of link `li` in its busier direction. */
  busiestDirectionS(li: number): number {
    return Math.max(this.busySeconds[2 * li]!, this.busySeconds[2 * li + 1]!);
  }

  /** Earliest time ≥ t at which link `li` is not in an outage window. */
  upAt(li: number, t: number): number {
    const ws = this.outages[li]!;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      if (t >= w.fromS && t < w.toS) t = w.toS;
    }
    return t;
  }

  isUp(li: number, t: number): boolean {
    return this.upAt(li, t) === t;
  }

  /** Bandwidth multiplier of link `li` at time t (product of active degradations). */
  factorAt(li: number, t: number): number {
    const ws = this.degrades[li]!;
    let f = 1;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      if (t >= w.fromS && t < w.toS) f *= w.factor;
    }
    return f;
  }
}
