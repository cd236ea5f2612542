/**
 * Fault handling for placement: a device that was seen dead and came back is not given new
 * instances until it has stayed up for a backoff that doubles with each failure (capped at 8×),
 * so a flapping board does not attract a reload every period. Observations come only from
 * place() calls (full cluster views), in call order, so the state is deterministic.
 */
import type { ClusterView, DeviceId, DeviceState } from '../contract.js';

const MAX_BACKOFF_FACTOR = 8;

interface Record {
  failures: number;
  downAtS: number;
  upAtS: number | undefined;
}

export class FaultBackoff {
  private readonly records = new Map<DeviceId, Record>();

  constructor(private readonly baseS: number) {}

  observe(view: ClusterView): void {
    for (const d of view.devices) {
      const r = this.records.get(d.id);
      if (!d.alive) {
        if (!r) this.records.set(d.id, { failures: 1, downAtS: view.now, upAtS: undefined });
        else if (r.upAtS !== undefined)
          this.records.set(d.id, { failures: r.failures + 1, downAtS: view.now, upAtS: undefined });
      } else if (r && r.upAtS === undefined) {
        r.upAtS = view.now;
      }
    }
  }

  /** Alive devices whose backoff has passed; all alive ones if that would leave none. */
  usable(view: ClusterView): { devices: DeviceState[]; held: DeviceId[] } {
    const alive = view.devices.filter((d) => d.alive);
    const held: DeviceId[] = [];
    const ok = alive.filter((d) => {
      const r = this.records.get(d.id);
      if (!r || r.upAtS === undefined) return true;
      const wait = this.baseS * Math.min(MAX_BACKOFF_FACTOR, Math.pow(2, r.failures - 1));
      if (view.now - r.upAtS >= wait) return true;
      held.push(d.id);
      return false;
    });
    return ok.length > 0 ? { devices: ok, held } : { devices: alive, held: [] };
  }
}
