/**
 * `round-robin`, `least-loaded`, `power-of-two`: the classic request routers over the same static
 * placement as `static-round-robin` (one replica on every device that can hold the model, placed
 * once and again after faults), with a central router that sees fresh state (`sync` undefined).
 * They differ only in the chooser (policies/routing.ts), so a comparison isolates routing.
 */
import type { ClusterView, NodeView, Policy, PolicyFactory, RequestInfo, Rng, RouteDecision } from '../contract.js';
import type { RouterKind } from '../routing.js';
import { ClassicRouter } from '../routing.js';
import { staticEverywherePlan } from './static-round-robin.js';

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

export const roundRobin = factory('round-robin', 'Static placement on every fitting device; requests in turn over ready replicas.');
export const leastLoaded = factory('least-loaded', 'Static placement on every fitting device; each request to the replica with the fewest queued+running.');
export const powerOfTwo = factory('power-of-two', 'Static placement on every fitting device; two random replicas, the less loaded wins.');
