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

interface Window {
  readonly fromS: number;
  readonly toS: number;
  readonly factor: number;
}
/** One source's shortest-path tree: the directed hop into each node, and the route latency. */
interface Tree {
  readonly via: Int32Array;
  readonly lat: Float64Array;
  readonly ambiguous: boolean;
}
/** Relative slack under which two route latencies count as tied. */
const TIE_EPS = 1e-9;

export class LinkNetwork {
  /** Node ids: devices first (same index as scenario.devices), then switches. */
  readonly nodeIds: readonly string[];
  readonly nodeIndex: ReadonlyMap<string, number>;
  readonly links: readonly LinkConfig[];
  /** Busy-until per serializer slot (one per link direction; one per AP for Wi-Fi, wifi-medium.ts). */
  private readonly busyUntil: Float64Array;
  /** Directed hops per (src·n + dst), computed on first use: link index ·2 + direction (0 = a→b). */
  private readonly routes = new Map<number, Int32Array | null>();
  /** Shortest-path tree per source node, computed on first use. */
  private readonly trees: (Tree | undefined)[];
  private readonly adj: [number, number, number][][];
  private readonly hopFrom: Int32Array;
  private readonly slotOf: Int32Array;
  private readonly outages: Window[][];
  private readonly degrades: Window[][];
  /** Serialization seconds per link direction (index `2 · link + direction`), for link utilization. */
  readonly busySeconds: Float64Array;

  constructor(
    scenario: Scenario,
    private readonly lossRng: RngStream,
  ) {
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
      if (f.kind === 'link-outage')
        this.outages[linkIdx.get(f.link) ?? -1]?.push({ fromS: f.atS, toS: f.atS + f.durationS, factor: 0 });
      if (f.kind === 'link-degrade') {
        this.degrades[linkIdx.get(f.link) ?? -1]?.push({
          fromS: f.atS,
          toS: f.atS + f.durationS,
          factor: f.bandwidthFactor,
        });
      }
    }
    for (const w of this.outages) w.sort((x, y) => x.fromS - y.fromS);
    const n = ids.length;
    // Adjacency (neighbour, directed hop, latency), built once for every source.
    this.adj = Array.from({ length: n }, () => []);
    this.links.forEach((l, i) => {
      const a = this.nodeIndex.get(l.a);
      const b = this.nodeIndex.get(l.b);
      if (a === undefined || b === undefined) return;
      this.adj[a]!.push([b, i * 2, l.latencyS]);
      this.adj[b]!.push([a, i * 2 + 1, l.latencyS]);
    });
    // Node at the `from` end of each directed hop, for walking a route back.
    this.hopFrom = new Int32Array(this.links.length * 2);
    this.links.forEach((l, i) => {
      this.hopFrom[i * 2] = this.nodeIndex.get(l.a) ?? -1;
      this.hopFrom[i * 2 + 1] = this.nodeIndex.get(l.b) ?? -1;
    });
    this.trees = new Array<Tree | undefined>(n).fill(undefined);
  }

  /**
   * Dijkstra from `src` ordered by (hops, latency): fewest hops, then least latency; among equal
   * candidates the lowest node index is settled first. Computed once per source, on first use:
   * a fleet of 10,000 devices needs the ingress's tree and the routes back to it, not n² routes.
   * `ambiguous` records a second, equally short route to some node (then only this source's own
   * tree may answer for it; see `route`).
   */
  private tree(src: number): Tree {
    const cached = this.trees[src];
    if (cached !== undefined) return cached;
    const n = this.nodeIds.length;
    const adj = this.adj;
    const hops = new Float64Array(n).fill(Infinity);
    const lat = new Float64Array(n).fill(Infinity);
    const via = new Int32Array(n).fill(-1);
    const done = new Uint8Array(n);
    let ambiguous = false;
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
          if (h === hops[v] && lat[v]! - t <= TIE_EPS * lat[v]!) ambiguous = true;
          hops[v] = h;
          lat[v] = t;
          via[v] = dir;
        } else if (v !== src && h === hops[v] && via[v] !== dir && t - lat[v]! <= TIE_EPS * t) {
          ambiguous = true;
        }
      }
    }
    const tree: Tree = { via, lat, ambiguous };
    this.trees[src] = tree;
    return tree;
  }

  /**
   * The directed hops of the route src → dst (null when unreachable), cached per pair. Links are
   * symmetric, so when dst's tree exists and has no ties, its route to src read backwards (each
   * hop in the other direction) is the route src's own tree would give: a unique shortest path is
   * the same both ways. Responses and sync messages towards an ingress thus reuse its one tree.
   */
  private route(src: number, dst: number): Int32Array | null {
    const key = src * this.nodeIds.length + dst;
    const known = this.routes.get(key);
    if (known !== undefined) return known;
    let seq: number[] | null = null;
    const back = this.trees[dst];
    if (this.trees[src] === undefined && back !== undefined && !back.ambiguous) {
      if (back.lat[src] !== Infinity) {
        seq = [];
        for (let v = src; v !== dst;) {
          const dir = back.via[v]!;
          seq.push(dir ^ 1);
          v = this.hopFrom[dir]!;
        }
      }
    } else {
      const t = this.tree(src);
      if (t.lat[dst] !== Infinity) {
        seq = [];
        for (let v = dst; v !== src;) {
          const dir = t.via[v]!;
          seq.push(dir);
          v = this.hopFrom[dir]!;
        }
        seq.reverse();
      }
    }
    const path = seq === null ? null : Int32Array.from(seq);
    this.routes.set(key, path);
    return path;
  }

  /** One-way propagation latency of the route, seconds; Infinity when unreachable. */
  latency(src: number, dst: number): number {
    if (src === dst) return 0;
    const path = this.route(src, dst);
    if (path === null) return Infinity;
    // Summed from the source, as the tree does, so the figure is the same whichever tree gave the route.
    let t = 0;
    for (let h = 0; h < path.length; h++) t += this.links[path[h]! >> 1]!.latencyS;
    return t;
  }

  reachable(src: number, dst: number): boolean {
    return src === dst || this.route(src, dst) !== null;
  }

  /**
   * Sends `bytes` from node `src` to node `dst`, ready to leave at `readyS`; reserves the links
   * and returns the delivery time (Infinity when there is no route).
   */
  transfer(src: number, dst: number, bytes: number, readyS: number): number {
    if (src === dst) return readyS;
    const path = this.route(src, dst);
    if (path === null) return Infinity;
    let t = readyS;
    for (let h = 0; h < path.length; h++) {
      const dir = path[h]!;
      const link = this.links[dir >> 1]!;
      let start = this.freeAt(dir, t);
      const ser = this.serialiseS(dir, bytes, start);
      let end = start + ser;
      if (link.lossRate > 0 && this.lossRng.next() < link.lossRate) {
        start = this.upAt(dir >> 1, end + 4 * link.latencyS);
        end = start + ser;
        this.busySeconds[dir] = this.busySeconds[dir]! + ser;
      }
      this.reserve(dir, end, ser);
      t = end + link.latencyS;
    }
    return t;
  }

  /**
   * Seconds after `t` until every hop of the route src → dst is free of earlier reservations and
   * up (0 when it is free now, or when there is no route). Tensor-parallel groups wait this long
   * before a step whose syncs would otherwise overlap other traffic (sim/parallel/tp-links.ts).
   */
  waitS(src: number, dst: number, t: number): number {
    if (src === dst) return 0;
    const path = this.route(src, dst);
    if (path === null) return 0;
    let at = t;
    for (let h = 0; h < path.length; h++) {
      const free = this.freeAt(path[h]!, t);
      if (free > at) at = free;
    }
    return at - t;
  }

  /**
   * Occupies every hop of src → dst with `bytes` from `startS`, each hop queued behind its earlier
   * reservations: a stream of small messages in flight together (a tensor-parallel step's syncs),
   * so the hops serialise them at once rather than store-and-forward. No delivery time: the
   * step cost already prices the syncs; this makes them contend with other traffic.
   */
  occupy(src: number, dst: number, bytes: number, startS: number): void {
    if (src === dst || bytes <= 0) return;
    const path = this.route(src, dst);
    if (path === null) return;
    for (let h = 0; h < path.length; h++) {
      const dir = path[h]!;
      const start = this.freeAt(dir, startS);
      const ser = this.serialiseS(dir, bytes, start);
      this.reserve(dir, start + ser, ser);
    }
  }

  /*
   * The hop step every walk of a route shares (transfer, waitS, occupy): when directed hop `dir`
   * can start sending what is ready at `t`, how long `bytes` take on it, and its reservation.
   */

  /** Earliest time ≥ t at which hop `dir` is past its slot's earlier reservations and up. */
  private freeAt(dir: number, t: number): number {
    const b = this.busyUntil[this.slotOf[dir]!]!;
    return this.upAt(dir >> 1, b > t ? b : t);
  }

  /** Serialisation seconds of `bytes` on hop `dir` starting at `startS` (degradation then). */
  private serialiseS(dir: number, bytes: number, startS: number): number {
    const li = dir >> 1;
    return bytes > 0 ? (bytes * 8) / (this.links[li]!.bandwidthBps * this.factorAt(li, startS)) : 0;
  }

  /** Hop `dir`'s slot is busy until `endS`; `serS` more seconds of serialisation on the direction. */
  private reserve(dir: number, endS: number, serS: number): void {
    this.busyUntil[this.slotOf[dir]!] = endS;
    this.busySeconds[dir] = this.busySeconds[dir]! + serS;
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
