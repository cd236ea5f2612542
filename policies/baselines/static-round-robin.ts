/**
 * `static-round-robin`: the trivial reference policy. Places one replica of every service on
 * every alive device that can hold it (smallest tensor-parallel degree that fits, services in
 * view order, within each device's memory budget), once, and routes each request to the
 * service's ready replicas in turn. No load awareness at all — the floor every policy must beat.
 */
import type { ClusterView, Policy, PolicyFactory, PlannedInstance, RequestInfo, NodeView, RouteDecision, Rng } from '../contract.js';
import { MemoryLedger } from '../memory-ledger.js';
import { tensorDegreeToFit, wholeModelStage } from '../placement-helpers.js';
import { ClassicRouter } from '../routing.js';

export function staticEverywherePlan(view: ClusterView): PlannedInstance[] {
  const planned: PlannedInstance[] = [];
  const ledger = new MemoryLedger(view.devices);
  for (const service of view.services) {
    for (const device of view.devices) {
      if (!device.alive || !service.perf[device.type]) continue;
      const gpus = tensorDegreeToFit(service, device);
      if (gpus === 0) continue;
      const stages = [wholeModelStage(service, device, gpus)];
      if (!ledger.fits(service, stages)) continue;
      ledger.reserve(service, stages);
      planned.push({ service: service.name, stages });
    }
  }
  return planned;
}

class StaticRoundRobin implements Policy {
  readonly name = 'static-round-robin';
  readonly placementPeriodS = undefined;
  readonly sync = undefined;
  private readonly router = new ClassicRouter('round-robin');

  place(view: ClusterView) {
    return { instances: staticEverywherePlan(view), reason: 'one replica per fitting device' };
  }

  route(req: RequestInfo, view: NodeView, rng: Rng): RouteDecision {
    return this.router.route(view, req.service, rng);
  }
}

export const staticRoundRobin: PolicyFactory = {
  description: 'Static placement on every fitting device, round-robin routing (reference floor).',
  params: {},
  create: () => new StaticRoundRobin(),
};
