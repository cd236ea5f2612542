/**
 * `static-round-robin`: the trivial reference policy. Places one replica of every service on
 * every alive device that can hold it (smallest tensor-parallel degree that fits), once, and
 * routes each request to the service's ready replicas in turn. No load awareness at all — it
 * is the floor every real policy must beat.
 */
import type { ClusterView, Policy, PolicyFactory, PlannedInstance, RequestInfo, NodeView, RouteDecision } from '../contract.js';
import { readyInstances, tensorDegreeToFit, wholeModelStage } from '../placement-helpers.js';

export function staticEverywherePlan(view: ClusterView): PlannedInstance[] {
  const planned: PlannedInstance[] = [];
  for (const service of view.services) {
    for (const device of view.devices) {
      if (!device.alive) continue;
      const gpus = tensorDegreeToFit(service, device);
      if (gpus === 0) continue;
      planned.push({ service: service.name, stages: [wholeModelStage(service, device, gpus)] });
    }
  }
  return planned;
}

class StaticRoundRobin implements Policy {
  readonly name = 'static-round-robin';
  readonly placementPeriodS = undefined;
  readonly sync = undefined;
  /** Next index per service; the only state, advanced once per routed request. */
  private readonly cursor = new Map<string, number>();

  place(view: ClusterView) {
    return { instances: staticEverywherePlan(view), reason: 'one replica per fitting device' };
  }

  route(req: RequestInfo, view: NodeView): RouteDecision {
    const ready = readyInstances(view, req.service);
    if (ready.length === 0) return { kind: 'drop', reason: 'no-instance' };
    const i = (this.cursor.get(req.service) ?? 0) % ready.length;
    this.cursor.set(req.service, i + 1);
    return { kind: 'instance', instanceId: ready[i]!.id, reason: `round-robin #${i}` };
  }
}

export const staticRoundRobin: PolicyFactory = {
  description: 'Static placement on every fitting device, round-robin routing (reference floor).',
  params: {},
  create: () => new StaticRoundRobin(),
};
