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
 * Demand reported with each call is folded by demand-estimate.ts, not here.
 */
import type { ClusterView, DeviceState, InstanceState, PlannedInstance } from '../contract.js';

export class ReplanTrigger {
  private lastFullS = -Infinity;
  private signature: string | undefined;

  constructor(private readonly placementPeriodS: number) {}

  /** Why a full re-placement is due now, or undefined when the current instances stay. */
  due(view: ClusterView, usable: readonly DeviceState[]): string | undefined {
    const sig = usable
      .map((d) => d.id)
      .sort()
      .join(',');
    if (this.signature === undefined) return 'initial';
    if (sig !== this.signature) return 'devices changed';
    // 1 µs slack: a period of checks may not sum exactly to the placement period in floats.
    if (view.now - this.lastFullS >= this.placementPeriodS - 1e-6) return 'period';
    return undefined;
  }

  /** A full re-placement ran at `view.now` over `usable`. */
  replanned(view: ClusterView, usable: readonly DeviceState[]): void {
    this.lastFullS = view.now;
    this.signature = usable
      .map((d) => d.id)
      .sort()
      .join(',');
  }
}

/** The live instances as a plan, so the host keeps exactly them (failed/draining/gone left out). */
export function keepLive(instances: readonly InstanceState[]): PlannedInstance[] {
  return instances
    .filter((i) => i.state === 'pending' || i.state === 'loading' || i.state === 'ready')
    .map((i) => ({ service: i.service, stages: i.stages }));
}
