/**
 * Device faults as events: scheduled crashes (with optional recovery) and crash rates
 * (exponential time to failure with mean MTBF and time to repair with mean MTTR, stream
 * `faults`, drawn per device in scenario order so adding a device leaves others' draws alone
 * only when it is appended). Link outages/degradations and sync faults are time windows read by
 * the network and the sync channel (sim/network, sim/host/sync.ts), not events.
 * A crash fails the device's instances and their queued/running requests; a recovery brings
 * the device back empty. Both trigger a placement when the policy has no placement period.
 */
import type { Scenario } from '../../scenarios/index.js';
import type { EventKernel, RngStream } from '../kernel/index.js';
import { PRIORITY } from '../priorities.js';

export interface FaultAction {
  readonly kind: 'crash' | 'recover';
  readonly device: number;
  /** Rate-driven faults re-arm themselves. */
  readonly rate?: { readonly mtbfS: number; readonly mttrS: number };
}

export class FaultSchedule {
  readonly actions: FaultAction[] = [];

  constructor(
    private readonly kernel: EventKernel,
    private readonly handler: number,
    private readonly rng: RngStream,
  ) {}

  /** Schedules every fault of the scenario. `deviceIndex` maps device ids (unknown → skipped). */
  arm(scenario: Scenario, deviceIndex: ReadonlyMap<string, number>): void {
    for (const f of scenario.faults) {
      if (f.kind === 'device-crash') {
        const d = deviceIndex.get(f.device);
        if (d === undefined) continue;
        this.at(f.atS, { kind: 'crash', device: d });
        if (f.recoverAfterS !== null) this.at(f.atS + f.recoverAfterS, { kind: 'recover', device: d });
      } else if (f.kind === 'device-crash-rate') {
        for (const id of f.devices) {
          const d = deviceIndex.get(id);
          if (d === undefined) continue;
          const rate = { mtbfS: f.mtbfS, mttrS: f.mttrS };
          this.at(this.rng.exponential(1 / f.mtbfS), { kind: 'crash', device: d, rate });
        }
      }
    }
  }

  private at(timeS: number, a: FaultAction): void {
    this.actions.push(a);
    this.kernel.scheduleAt(Math.max(timeS, this.kernel.now), this.handler, this.actions.length - 1, PRIORITY.fault);
  }

  /** After a rate-driven action ran: schedule the next one (repair after a crash, crash after a repair). */
  rearm(a: FaultAction): void {
    if (a.rate === undefined) return;
    const now = this.kernel.now;
    if (a.kind === 'crash')
      this.at(now + this.rng.exponential(1 / a.rate.mttrS), { kind: 'recover', device: a.device, rate: a.rate });
    else this.at(now + this.rng.exponential(1 / a.rate.mtbfS), { kind: 'crash', device: a.device, rate: a.rate });
  }
}
