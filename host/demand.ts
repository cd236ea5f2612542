/**
 * Observed demand, the same on both hosts: the arrivals of each service since the previous
 * placement over the time since it. The first placement (nothing elapsed yet) keeps the demand
 * the scenario declares (sim/host/static-views.ts `initialDemand`). The live controller places
 * once before its clock starts (warm start) and calls `restart()` when it does, so the first
 * window is measured from t = 0, as in the simulator, not from the warm-up placement.
 */
import type { ServiceInfo } from '../policies/index.js';

export class DemandMeter {
  /** Arrivals per service since the last placement; the host increments them on every arrival. */
  readonly arrivals: Float64Array;
  private lastS = 0;
  private placed = false;

  constructor(services: number) {
    this.arrivals = new Float64Array(services);
  }

  /** Before `place` at `now`: sets each service's observed demand; returns the window, seconds (0 the first time). */
  beforePlacement(services: { demandRps: ServiceInfo['demandRps'] }[], now: number): number {
    // The first placement keeps the declared demand, whatever the clock reads (the controller's warm-up).
    const dt = this.placed ? now - this.lastS : 0;
    this.placed = true;
    if (dt > 0)
      services.forEach((s, i) => {
        s.demandRps = this.arrivals[i]! / dt;
      });
    this.arrivals.fill(0);
    this.lastS = now;
    return dt;
  }

  /** The host's clock restarted at 0 (the controller, after its warm-up placement). */
  restart(): void {
    this.arrivals.fill(0);
    this.lastS = 0;
  }
}
