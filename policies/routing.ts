/**
 * Shared request-routing pieces: which instances may take a request, the drop reason when none
 * may, and the three classic choosers (round-robin, least-loaded, power-of-two-choices) that the
 * router baselines and the static/EdgeShard-style policies compose.
 */
import type { ClusterView, DropReason, InstanceState, Rng, RouteDecision } from './contract.js';
import { readyInstances } from './placement-helpers.js';

/** Per view object: the routable lists derived at one `view.version` (see ClusterView.version). */
interface RoutableCache {
  version: number;
  readonly byService: Map<string, InstanceState[]>;
  /** `noRouteReason` per service at this version (it reads only versioned fields). */
  readonly reasons: Map<string, DropReason>;
}
const routableCache = new WeakMap<ClusterView, RoutableCache>();

function byId(a: InstanceState, b: InstanceState): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Ready instances of the service on alive devices, in id order (stable under view reordering).
 * When the view carries a `version`, the list is computed once per (view, version, service) and
 * shared: it is frozen, so callers must copy before sorting or filtering in place. Its elements
 * are the view's own instance objects, so loads read through it are always current.
 */
export function routableInstances(view: ClusterView, service: string): InstanceState[] {
  const version = view.version;
  if (version === undefined) return readyInstances(view, service).sort(byId);
  let cache = routableCache.get(view);
  if (cache === undefined) {
    cache = { version, byService: new Map(), reasons: new Map() };
    routableCache.set(view, cache);
  } else if (cache.version !== version) {
    cache.version = version;
    cache.byService.clear();
    cache.reasons.clear();
  }
  let list = cache.byService.get(service);
  if (list === undefined) {
    list = Object.freeze(readyInstances(view, service).sort(byId)) as InstanceState[];
    cache.byService.set(service, list);
  }
  return list;
}

/** Why nothing is routable: every device (or every device holding the service) is down, or nothing is placed/ready. */
export function noRouteReason(view: ClusterView, service: string): DropReason {
  if (view.devices.length > 0 && view.devices.every((d) => !d.alive)) return 'all-devices-down';
  const alive = new Set(view.devices.filter((d) => d.alive).map((d) => d.id));
  const placed = view.instances.filter((i) => i.service === service && i.state !== 'gone' && i.state !== 'failed');
  if (placed.length > 0 && placed.every((i) => i.stages.some((s) => !alive.has(s.device)))) return 'all-devices-down';
  return 'no-instance';
}

/**
 * The drop decision when nothing is routable. Its reason reads only what `view.version` covers
 * (alive flags, instance states and stages), so it is computed once per (view, version,
 * service): while a fleet's instances load, every request is dropped, and an O(fleet) scan per
 * drop was most of a 10,000-device run's start.
 */
export function dropFor(view: ClusterView, service: string): RouteDecision {
  const version = view.version;
  const cache = version === undefined ? undefined : routableCache.get(view);
  if (cache === undefined || cache.version !== version) return { kind: 'drop', reason: noRouteReason(view, service) };
  let reason = cache.reasons.get(service);
  if (reason === undefined) {
    reason = noRouteReason(view, service);
    cache.reasons.set(service, reason);
  }
  return { kind: 'drop', reason };
}

export function load(i: InstanceState): number {
  return i.queued + i.running;
}

/** Round-robin over a list, one cursor per key; the cursor is the chooser's only state. */
export class RoundRobinCursor {
  private readonly next = new Map<string, number>();

  pick<T>(key: string, items: readonly T[]): { item: T; index: number } {
    const index = this.advance(key, items.length);
    return { item: items[index]!, index };
  }

  /** The next index in [0, n) for `key` (what `pick` uses, without the result object). */
  advance(key: string, n: number): number {
    const index = (this.next.get(key) ?? 0) % n;
    this.next.set(key, index + 1);
    return index;
  }
}

/** `round-robin #k` reason strings, built once per k (routing runs per request). */
const rrReasons: string[] = [];
function roundRobinReason(index: number): string {
  for (let k = rrReasons.length; k <= index; k++) rrReasons.push(`round-robin #${k}`);
  return rrReasons[index]!;
}

/** Least (queued + running); ties to the first in list order. */
export function leastLoaded(items: readonly InstanceState[]): InstanceState {
  let best = items[0]!;
  for (const i of items) if (load(i) < load(best)) best = i;
  return best;
}

/** Two distinct uniform draws, keep the less loaded (Mitzenmacher's power of two choices). */
export function powerOfTwo(items: readonly InstanceState[], rng: Rng): InstanceState {
  if (items.length === 1) return items[0]!;
  const a = rng.int(items.length);
  let b = rng.int(items.length - 1);
  if (b >= a) b += 1;
  const x = items[a]!,
    y = items[b]!;
  return load(y) < load(x) ? y : x;
}

export type RouterKind = 'round-robin' | 'least-loaded' | 'power-of-two';

/** Route over the service's routable instances with one of the classic choosers. */
export class ClassicRouter {
  private readonly cursor = new RoundRobinCursor();

  constructor(readonly kind: RouterKind) {}

  route(view: ClusterView, service: string, rng: Rng): RouteDecision {
    const ready = routableInstances(view, service);
    if (ready.length === 0) return dropFor(view, service);
    switch (this.kind) {
      case 'round-robin': {
        const index = this.cursor.advance(service, ready.length);
        return { kind: 'instance', instanceId: ready[index]!.id, reason: roundRobinReason(index) };
      }
      case 'least-loaded': {
        const i = view.loadIndex?.leastLoaded(view, service) ?? leastLoaded(ready);
        return { kind: 'instance', instanceId: i.id, reason: `least-loaded (${load(i)})` };
      }
      case 'power-of-two': {
        const i = powerOfTwo(ready, rng);
        return { kind: 'instance', instanceId: i.id, reason: `power-of-two (${load(i)})` };
      }
    }
  }
}
