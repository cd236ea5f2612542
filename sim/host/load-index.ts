/**
 * The host's least-loaded index (ClusterView.loadIndex): per service, a tournament tree over the
 * routable instances of the current view version, keyed by queued + running. The world calls
 * `changed(view)` whenever an instance's queued or running count changes; a lifecycle or
 * liveness change bumps the topology version, and the tree is rebuilt at the next query.
 * So a least-loaded decision costs O(1) and each load change O(log n), not a scan of the fleet.
 */
import type { ClusterView, InstanceState, LoadIndex } from '../../policies/index.js';
import { MinTree } from '../../policies/load-tree.js';
import { routableInstances } from '../../policies/routing.js';

interface ServiceTree {
  readonly version: number;
  readonly items: readonly InstanceState[];
  readonly tree: MinTree;
}

export class HostLoadIndex implements LoadIndex {
  private readonly trees = new Map<string, ServiceTree>();
  /** Where each instance sits (tree, position); entries of an outdated tree are ignored. */
  private readonly slot = new Map<InstanceState, { t: ServiceTree; pos: number }>();

  constructor(private readonly topology: () => number) {}

  leastLoaded(view: ClusterView, service: string): InstanceState | undefined {
    const version = view.version ?? -1;
    let t = this.trees.get(service);
    if (t === undefined || t.version !== version || version !== this.topology()) {
      const items = routableInstances(view, service);
      const tree = new MinTree(items.length);
      tree.fill((k) => items[k]!.queued + items[k]!.running);
      t = { version, items, tree };
      this.trees.set(service, t);
      for (let k = 0; k < items.length; k++) this.slot.set(items[k]!, { t, pos: k });
    }
    const k = t.tree.argmin();
    return k < 0 ? undefined : t.items[k];
  }

  /** `view`'s queued or running count changed. */
  changed(view: InstanceState): void {
    const s = this.slot.get(view);
    if (s === undefined || s.t.version !== this.topology() || this.trees.get(view.service) !== s.t) return;
    s.t.tree.set(s.pos, view.queued + view.running);
  }
}
