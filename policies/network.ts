/**
 * Network paths between nodes (switches and devices), from the view's links that are up.
 *
 * A path is chosen once per (links snapshot, source) by Dijkstra on `latency + 1 kB / bandwidth`
 * (small control-sized messages decide the route, as routing tables do), and the cost of moving
 * `bytes` is then summed hop by hop: `latency + 8·bytes / bandwidth` (store-and-forward). A view
 * with no links at all is treated as a single site where every transfer is free, so hand-made
 * test views need not spell out a network. Unreachable destinations cost `Infinity`.
 */
import type { LinkState, NodeId } from './contract.js';

/** A route's hops from its source, flat: latency and bandwidth of hop k at [k]. */
interface Hops {
  readonly latencyS: readonly number[];
  readonly bandwidthBps: readonly number[];
}
/** Per source: hops to every reachable node, and whether any shortest path there was tied. */
interface PathTable {
  readonly cost: Map<NodeId, Hops>;
  readonly ambiguous: boolean;
}

const ROUTE_PROBE_BITS = 8 * 1000;
/** Relative slack under which two route lengths count as tied (float sums in different orders). */
const TIE_EPS = 1e-9;

/**
 * `paths`: full tables per source; `pairs`: single routes found by a Dijkstra stopped at its
 * destination, per source, until the source has asked for `FULL_TABLE_AFTER` destinations
 * (an ingress asks for every device; a device in a split chain asks for a few neighbours).
 */
type Entry = {
  adj: Map<NodeId, LinkState[]>;
  paths: Map<NodeId, PathTable>;
  pairs: Map<NodeId, Map<NodeId, Hops | undefined>>;
};
const FULL_TABLE_AFTER = 32;

/**
 * Per links snapshot: adjacency plus per-source path tables, computed lazily. Hosts may mutate a
 * links array in place (outages, degradation) or build a new one per view, so an entry is found
 * by identity and then checked against a numeric fingerprint of what routing depends on (up,
 * bandwidth, latency); a few recent snapshots are also kept by content signature.
 * A host that says when it mutates its array (`manageLinks` / `linksChanged`) skips the O(links)
 * fingerprint on every query: at fleet size that scan was most of a routing decision.
 */
const byIdentity = new WeakMap<readonly LinkState[], { entry: Entry; fp: number; managed: boolean; dirty: boolean }>();
const bySignature = new Map<string, Entry>();
const SIGNATURE_CACHE_SIZE = 8;

/**
 * The host promises to call `linksChanged(links)` after every in-place change of this array's
 * links (up, bandwidth, latency); until then queries trust the cached routes without re-checking.
 */
export function manageLinks(links: readonly LinkState[]): void {
  const known = byIdentity.get(links);
  if (known) {
    known.managed = true;
    known.dirty = true;
    return;
  }
  entry(links);
  byIdentity.get(links)!.managed = true;
}

/** A managed links array was mutated in place: the next query re-checks its fingerprint. */
export function linksChanged(links: readonly LinkState[]): void {
  const known = byIdentity.get(links);
  if (known) known.dirty = true;
}

function fingerprint(links: readonly LinkState[]): number {
  let h = links.length;
  for (const l of links)
    h = (Math.imul(h, 31) + (l.up ? 1 : 2) + l.bandwidthBps * 1e-3 + l.latencyS * 1e9) % 2147483647;
  return h;
}

function signature(links: readonly LinkState[]): string {
  let sig = '';
  for (const l of links) sig += `${l.a}|${l.b}|${l.up ? 1 : 0}|${l.bandwidthBps}|${l.latencyS};`;
  return sig;
}

function build(links: readonly LinkState[]): Entry {
  const adj = new Map<NodeId, LinkState[]>();
  for (const live of links) {
    // Copied: the host may mutate link objects in place after this snapshot.
    const l = { ...live };
    if (!l.up || l.bandwidthBps <= 0) continue;
    for (const n of [l.a, l.b]) {
      if (!adj.has(n)) adj.set(n, []);
    }
    adj.get(l.a)!.push(l);
    adj.get(l.b)!.push(l);
  }
  return { adj, paths: new Map(), pairs: new Map() };
}

function entry(links: readonly LinkState[]): Entry {
  const known = byIdentity.get(links);
  if (known && known.managed && !known.dirty) return known.entry;
  const fp = fingerprint(links);
  if (known && known.fp === fp) {
    known.dirty = false;
    return known.entry;
  }
  const sig = signature(links);
  let e = bySignature.get(sig);
  if (!e) {
    e = build(links);
    if (bySignature.size >= SIGNATURE_CACHE_SIZE) bySignature.delete(bySignature.keys().next().value!);
    bySignature.set(sig, e);
  }
  byIdentity.set(links, { entry: e, fp, managed: known?.managed ?? false, dirty: false });
  return e;
}

/** Min-heap order of Dijkstra's frontier: distance, then node id (the linear scan's order). */
function before(da: number, a: NodeId, db: number, b: NodeId): boolean {
  return da < db || (da === db && a < b);
}

/**
 * Dijkstra on `latency + probe / bandwidth` with a binary heap (stale entries skipped); nodes
 * leave the frontier in (distance, id) order, as the earlier linear scan took them, so the
 * chosen routes are the same. Records whether any node had two equally short routes: only a
 * table without ties may be read backwards for the reverse direction.
 */
function dijkstra(adj: Map<NodeId, LinkState[]>, from: NodeId, stopAt?: NodeId): PathTable {
  const dist = new Map<NodeId, number>([[from, 0]]);
  const cost = new Map<NodeId, Hops>([[from, NO_HOPS]]);
  const done = new Set<NodeId>();
  const hd: number[] = [0];
  const hn: NodeId[] = [from];
  let ambiguous = false;
  const push = (d: number, n: NodeId): void => {
    let i = hd.length;
    hd.push(d);
    hn.push(n);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(d, n, hd[p]!, hn[p]!)) break;
      hd[i] = hd[p]!;
      hn[i] = hn[p]!;
      i = p;
    }
    hd[i] = d;
    hn[i] = n;
  };
  const pop = (): void => {
    const d = hd.pop()!,
      n = hn.pop()!;
    if (hd.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= hd.length) break;
      const r = l + 1;
      const c = r < hd.length && before(hd[r]!, hn[r]!, hd[l]!, hn[l]!) ? r : l;
      if (!before(hd[c]!, hn[c]!, d, n)) break;
      hd[i] = hd[c]!;
      hn[i] = hn[c]!;
      i = c;
    }
    hd[i] = d;
    hn[i] = n;
  };
  while (hd.length > 0) {
    const best = hn[0]!,
      bestD = hd[0]!;
    pop();
    if (done.has(best) || bestD !== dist.get(best)) continue;
    done.add(best);
    // Settled nodes are final: a search for one destination may stop here (same route as a full one).
    if (best === stopAt) break;
    const c0 = cost.get(best)!;
    for (const l of adj.get(best) ?? []) {
      const other = l.a === best ? l.b : l.a;
      const d = bestD + l.latencyS + ROUTE_PROBE_BITS / l.bandwidthBps;
      const known = dist.get(other) ?? Infinity;
      if (d < known) {
        // A first route to `other` (known = ∞) is no tie: ∞ − d ≤ ε·∞ held for every node, so every
        // table counted as ambiguous and the reverse reading below never ran.
        if (known !== Infinity && known - d <= TIE_EPS * known) ambiguous = true;
        dist.set(other, d);
        cost.set(other, { latencyS: [...c0.latencyS, l.latencyS], bandwidthBps: [...c0.bandwidthBps, l.bandwidthBps] });
        push(d, other);
      } else if (other !== from && !done.has(other) && d - known <= TIE_EPS * d) {
        ambiguous = true;
      }
    }
  }
  return { cost, ambiguous };
}

const NO_HOPS: Hops = { latencyS: [], bandwidthBps: [] };

/** Set by `path`: whether the hops it returned run backwards (read them last to first). */
let reversed = false;

/**
 * The hops of the route `from` → `to`, cached per (links snapshot, source). Links are symmetric,
 * so when `from` has no table yet but `to` has one without ties, `to`'s route read backwards is
 * the same route (a unique shortest path is the same both ways): the response leg device →
 * ingress then costs no Dijkstra per device. Callers sum hops in travel order either way, so
 * the floating-point result is the same as from `from`'s own table.
 */
function path(links: readonly LinkState[], from: NodeId, to: NodeId): Hops | undefined {
  reversed = false;
  if (from === to) return NO_HOPS;
  const e = entry(links);
  let table = e.paths.get(from);
  if (!table) {
    const back = e.paths.get(to);
    if (back && !back.ambiguous) {
      reversed = true;
      return back.cost.get(from);
    }
    let pairs = e.pairs.get(from);
    if (pairs === undefined) {
      pairs = new Map();
      e.pairs.set(from, pairs);
    }
    if (pairs.has(to)) return pairs.get(to);
    if (pairs.size < FULL_TABLE_AFTER) {
      const hops = dijkstra(e.adj, from, to).cost.get(to);
      pairs.set(to, hops);
      return hops;
    }
    table = dijkstra(e.adj, from);
    e.paths.set(from, table);
    e.pairs.delete(from);
  }
  return table.cost.get(to);
}

/** Node ids that are an endpoint of some link (up or down), per links array (ids never change). */
const endpointCache = new WeakMap<readonly LinkState[], { n: number; ids: Set<NodeId> }>();

/** Whether `id` is an endpoint of any link in `links` (cached per array and length). */
export function isLinkEndpoint(links: readonly LinkState[], id: NodeId): boolean {
  let c = endpointCache.get(links);
  if (!c || c.n !== links.length) {
    const ids = new Set<NodeId>();
    for (const l of links) {
      ids.add(l.a);
      ids.add(l.b);
    }
    c = { n: links.length, ids };
    endpointCache.set(links, c);
  }
  return c.ids.has(id);
}

/** Seconds to move `bytes` from `from` to `to` (0 when same node or no links in the view). */
export function transferTimeS(links: readonly LinkState[], from: NodeId, to: NodeId, bytes: number): number {
  if (links.length === 0) return 0;
  const h = path(links, from, to);
  if (!h) return Infinity;
  const n = h.latencyS.length;
  let t = 0;
  if (reversed) for (let k = n - 1; k >= 0; k--) t += h.latencyS[k]! + (8 * bytes) / h.bandwidthBps[k]!;
  else for (let k = 0; k < n; k++) t += h.latencyS[k]! + (8 * bytes) / h.bandwidthBps[k]!;
  return t;
}

/** Seconds of the slowest hop's serialization for `bytes`: the path's throughput bottleneck. */
export function bottleneckTimeS(links: readonly LinkState[], from: NodeId, to: NodeId, bytes: number): number {
  if (links.length === 0) return 0;
  const h = path(links, from, to);
  if (!h) return Infinity;
  let t = 0;
  for (let k = 0; k < h.bandwidthBps.length; k++) t = Math.max(t, (8 * bytes) / h.bandwidthBps[k]!);
  return t;
}

/** One-way propagation latency of the path (sum of hop latencies). */
export function pathLatencyS(links: readonly LinkState[], from: NodeId, to: NodeId): number {
  return transferTimeS(links, from, to, 0);
}
