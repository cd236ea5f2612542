/**
 * The shape most baselines share: a placement function (the idea of the baseline) plus a
 * classic router over the resulting instances, with a central router seeing fresh state. Each
 * baseline file supplies only its placement; composition, not subclassing.
 */
import type { ClusterView, NodeView, PlacementPlan, Policy, RequestInfo, Rng, RouteDecision } from '../contract.js';
import type { RouterKind } from '../routing.js';
import { ClassicRouter } from '../routing.js';

export type PlaceFn = (view: ClusterView, rng: Rng) => PlacementPlan;

export class PlannedPolicy implements Policy {
  readonly sync = undefined;
  private readonly router: ClassicRouter;

  constructor(
    readonly name: string,
    private readonly placeFn: PlaceFn,
    router: RouterKind,
    readonly placementPeriodS: number | undefined = undefined,
  ) {
    this.router = new ClassicRouter(router);
  }

  place(view: ClusterView, rng: Rng): PlacementPlan {
    return this.placeFn(view, rng);
  }

  route(req: RequestInfo, view: NodeView, rng: Rng): RouteDecision {
    return this.router.route(view, req.service, rng);
  }
}

/** Services by demand (highest first), then name: who gets memory first when it is short. */
export function byDemand<T extends { readonly demandRps: number; readonly name: string }>(services: readonly T[]): T[] {
  return services.slice().sort((a, b) => b.demandRps - a.demandRps || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
