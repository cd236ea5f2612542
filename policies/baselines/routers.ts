/**
 * `round-robin`, `least-loaded`, `power-of-two`: the classic request routers over one static
 * placement (one replica on every device that can hold the model, placed once and again after
 * faults), with a central router that sees fresh state (`sync` undefined). They differ only in
 * the chooser (policies/routing.ts), so a comparison isolates routing. `round-robin` is the
 * reference floor: no load awareness at all.
 */
import type {
  ClusterView,
  NodeView,
  PlannedInstance,
  Policy,
  PolicyFactory,
  RequestInfo,
  Rng,
  RouteDecision,
} from '../contract.js';
import { MemoryLedger } from '../memory-ledger.js';
import { tensorDegreeToFit, wholeModelStage } from '../placement-helpers.js';
import type { RouterKind } from '../routing.js';
import { ClassicRouter } from '../routing.js';

/**
 * One replica of every service on every alive device that can hold it (smallest tensor-parallel
 * degree that fits, services in view order, within each device's memory budget).
 */
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

class StaticPlanRouter implements Policy {
  readonly placementPeriodS = undefined;
  readonly sync = undefined;
  private readonly router: ClassicRouter;

  constructor(readonly name: RouterKind) {
    this.router = new ClassicRouter(name);
  }

  place(view: ClusterView) {
    return { instances: staticEverywherePlan(view), reason: 'static: one replica per fitting device' };
  }

  route(req: RequestInfo, view: NodeView, rng: Rng): RouteDecision {
    return this.router.route(view, req.service, rng);
  }
}

function factory(kind: RouterKind, description: string): PolicyFactory {
  return { description, params: {}, create: () => new StaticPlanRouter(kind) };
}

export const roundRobin = factory(
  'round-robin',
  'Static placement on every fitting device; requests in turn over ready replicas.',
);
export const leastLoaded = factory(
  'least-loaded',
  'Static placement on every fitting device; each request to the replica with the fewest queued+running.',
);
export const powerOfTwo = factory(
  'power-of-two',
  'Static placement on every fitting device; two random replicas, the less loaded wins.',
);
