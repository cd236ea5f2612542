/**
 * Shared request-routing pieces: which instances may take a request, the drop reason when none
 * may, and the three classic choosers (round-robin, least-loaded, power-of-two-choices) that the
 * router baselines and the static/EdgeShard-style policies compose.
 */
import type { ClusterView, DropReason, InstanceState, Rng, RouteDecision } from './contract.js';
import { readyInstances } from './placement-helpers.js';

/** Ready instances of the service on alive devices, in id order (stable under view reordering). */
export function routableInstances(view: ClusterView, service: string): InstanceState[] {
  return readyInstances(view, service).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Why nothing is routable: every device (or every device holding the service) is down, or nothing is placed/ready. */
export function noRouteReason(view: ClusterView, service: string): DropReason {
  if (view.devices.length > 0 && view.devices.every((d) => !d.alive)) return 'all-devices-down';
  const alive = new Set(view.devices.filter((d) => d.alive).map((d) => d.id));
  const placed = view.instances.filter((i) => i.service === service && i.state !== 'gone' && i.state !== 'failed');
  if (placed.length > 0 && placed.every((i) => i.stages.some((s) => !alive.has(s.device)))) return 'all-devices-down';
  return 'no-instance';
}

export function dropFor(view: ClusterView, service: string): RouteDecision {
  return { kind: 'drop', reason: noRouteReason(view, service) };
}

export function load(i: InstanceState): number {
  return i.queued + i.running;
}

/** Round-robin over a list, one cursor per key; the cursor is the chooser's only state. */
export class RoundRobinCursor {
  private readonly next = new Map<string, number>();

  pick<T>(key: string, items: readonly T[]): { item: T; index: number } {
    const index = (this.next.get(key) ?? 0) % items.length;
    this.next.set(key, index + 1);
    return { item: items[index]!, index };
  }
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
  const x = items[a]!, y = items[b]!;
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
        const { item, index } = this.cursor.pick(service, ready);
        return { kind: 'instance', instanceId: item.id, reason: `round-robin #${index}` };
      }
      case 'least-loaded': {
        const i = leastLoaded(ready);
        return { kind: 'instance', instanceId: i.id, reason: `least-loaded (${load(i)})` };
      }
      case 'power-of-two': {
        const i = powerOfTwo(ready, rng);
        return { kind: 'instance', instanceId: i.id, reason: `power-of-two (${load(i)})` };
      }
    }
  }
}
