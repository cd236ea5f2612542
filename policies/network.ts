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

interface Hop { readonly latencyS: number; readonly bandwidthBps: number }
type PathTable = Map<NodeId, readonly Hop[]>;

const ROUTE_PROBE_BITS = 8 * 1000;

type Entry = { adj: Map<NodeId, LinkState[]>; paths: Map<NodeId, PathTable> };

/**
 * Per links snapshot: adjacency plus per-source path tables, computed lazily. Hosts may mutate a
 * links array in place (outages, degradation) or build a new one per view, so an entry is found
 * by identity and then checked against a numeric fingerprint of what routing depends on (up,
 * bandwidth, latency); a few recent snapshots are also kept by content signature.
 */
const byIdentity = new WeakMap<readonly LinkState[], { entry: Entry; fp: number }>();
const bySignature = new Map<string, Entry>();
const SIGNATURE_CACHE_SIZE = 8;

function fingerprint(links: readonly LinkState[]): number {
  let h = links.length;
  for (const l of links) h = (Math.imul(h, 31) + (l.up ? 1 : 2) + l.bandwidthBps * 1e-3 + l.latencyS * 1e9) % 2147483647;
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
  return { adj, paths: new Map() };
}

function entry(links: readonly LinkState[]): Entry {
  const fp = fingerprint(links);
  const known = byIdentity.get(links);
  if (known && known.fp === fp) return known.entry;
  const sig = signature(links);
  let e = bySignature.get(sig);
  if (!e) {
    e = build(links);
    if (bySignature.size >= SIGNATURE_CACHE_SIZE) bySignature.delete(bySignature.keys().next().value!);
    bySignature.set(sig, e);
  }
  byIdentity.set(links, { entry: e, fp });
  return e;
}

function dijkstra(adj: Map<NodeId, LinkState[]>, from: NodeId): PathTable {
  const dist = new Map<NodeId, number>([[from, 0]]);
  const hops = new Map<NodeId, readonly Hop[]>([[from, []]]);
  const done = new Set<NodeId>();
  for (;;) {
    // Small graphs (tens of nodes): a linear scan is simpler than a heap and deterministic.
    let best: NodeId | undefined;
    let bestD = Infinity;
    for (const [n, d] of dist) {
      if (!done.has(n) && (d < bestD || (d === bestD && best !== undefined && n < best))) {
        best = n;
        bestD = d;
      }
    }
    if (best === undefined) break;
    done.add(best);
    for (const l of adj.get(best) ?? []) {
      const other = l.a === best ? l.b : l.a;
      const d = bestD + l.latencyS + ROUTE_PROBE_BITS / l.bandwidthBps;
      if (d < (dist.get(other) ?? Infinity)) {
        dist.set(other, d);
        hops.set(other, [...hops.get(best)!, { latencyS: l.latencyS, bandwidthBps: l.bandwidthBps }]);
      }
    }
  }
  return hops;
}

function path(links: readonly LinkState[], from: NodeId, to: NodeId): readonly Hop[] | undefined {
  if (from === to) return [];
  const e = entry(links);
  let table = e.paths.get(from);
  if (!table) {
    table = dijkstra(e.adj, from);
    e.paths.set(from, table);
  }
  return table.get(to);
}

/** Seconds to move `bytes` from `from` to `to` (0 when same node or no links in the view). */
export function transferTimeS(links: readonly LinkState[], from: NodeId, to: NodeId, bytes: number): number {
  if (links.length === 0) return 0;
  const hops = path(links, from, to);
  if (!hops) return Infinity;
  let t = 0;
  for (const h of hops) t += h.latencyS + (8 * bytes) / h.bandwidthBps;
  return t;
}

/** Seconds of the slowest hop's serialization for `bytes`: the path's throughput bottleneck. */
export function bottleneckTimeS(links: readonly LinkState[], from: NodeId, to: NodeId, bytes: number): number {
  if (links.length === 0) return 0;
  const hops = path(links, from, to);
  if (!hops) return Infinity;
  let t = 0;
  for (const h of hops) t = Math.max(t, (8 * bytes) / h.bandwidthBps);
  return t;
}

/** One-way propagation latency of the path (sum of hop latencies). */
export function pathLatencyS(links: readonly LinkState[], from: NodeId, to: NodeId): number {
  return transferTimeS(links, from, to, 0);
}
