/**
 * When EPARA's scheduler re-plans. The policy asks the host to call `place` every
 * `health_check_s` (by default the information-sync period, EPARA's middle time granularity);
 * each call is a cheap health check, and a full re-placement runs only when
 *   - `placement_period_s` has passed since the last one (the slow granularity), or
 *   - the set of usable devices changed: a crash, a recovery, or a recovered device's backoff
 *     running out (fault-backoff.ts).
 * Otherwise the plan re-emits the live instances unchanged, so the host moves nothing.
 *
 * Why: a host calls `place` after faults only for policies without a placement period
 * (sim/simulate.ts), and nothing calls it when a backoff expires, so with a 60 s period a crash
 * left a service without instances for up to 60 s and a recovered device idle for up to 60 s
 * more. Re-placing at the sync granularity keeps the cost of a fault at a few seconds.
 *
 * Demand: the host reports each service's rate observed since the previous `place` call; this
 * keeps the time-weighted mean since the last full re-plan (Σ rate·dt / Σ dt = arrivals / time),
 * so the scheduler sees the same demand as with one call per placement period.
 */
import type { ClusterView, DeviceState, InstanceState, PlannedInstance } from '../contract.js';

interface Acc { weighted: number; spanS: number }

export class ReplanTrigger {
  private lastFullS = -Infinity;
  private lastCallS: number | undefined;
  private signature: string | undefined;
  private readonly demand = new Map<string, Acc>();

  constructor(private readonly placementPeriodS: number) {}

  /** Folds the demand reported with this call into the running mean; call once per `place`. */
  observe(view: ClusterView): void {
    const dt = this.lastCallS === undefined ? 0 : Math.max(0, view.now - this.lastCallS);
    this.lastCallS = view.now;
    for (const s of view.services) {
      const a = this.demand.get(s.name) ?? { weighted: 0, spanS: 0 };
      a.weighted += s.demandRps * dt;
      a.spanS += dt;
      this.demand.set(s.name, a);
    }
  }

  /** Why a full re-placement is due now, or undefined when the current instances stay. */
  due(view: ClusterView, usable: readonly DeviceState[]): string | undefined {
    const sig = usable.map((d) => d.id).sort().join(',');
    if (this.signature === undefined) return 'initial';
    if (sig !== this.signature) return 'devices changed';
    // 1 µs slack: a period of checks may not sum exactly to the placement period in floats.
    if (view.now - this.lastFullS >= this.placementPeriodS - 1e-6) return 'period';
    return undefined;
  }

  /** The view with each service's demand averaged since the last full re-placement. */
  averaged(view: ClusterView): ClusterView {
    const services = view.services.map((s) => {
      const a = this.demand.get(s.name);
      return a !== undefined && a.spanS > 0 ? { ...s, demandRps: a.weighted / a.spanS } : s;
    });
    return { ...view, services };
  }

  /** A full re-placement ran at `view.now` over `usable`: restart the demand window. */
  replanned(view: ClusterView, usable: readonly DeviceState[]): void {
    this.lastFullS = view.now;
    this.signature = usable.map((d) => d.id).sort().join(',');
    this.demand.clear();
  }
}

/** The live instances as a plan, so the host keeps exactly them (failed/draining/gone left out). */
export function keepLive(instances: readonly InstanceState[]): PlannedInstance[] {
  return instances
    .filter((i) => i.state === 'pending' || i.state === 'loading' || i.state === 'ready')
    .map((i) => ({ service: i.service, stages: i.stages }));
}
