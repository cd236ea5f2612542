/**
 * The measured per-request overhead of a device's server beyond its compute (HTTP, JSON, the
 * agent's event loop, the host's scheduler): `DeviceConfig.requestOverheadS`, and how it grows
 * when the server has been idle (`DeviceConfig.requestOverheadAfterIdle`). Both are set by
 * `parasim validate` from round trips it measured (runtime/profile/round-trip.ts); a scenario
 * without them pays nothing and draws nothing.
 *
 * Why idle matters (measured, docs/validation.md "Wake-up after idle"): on the 2-core VM of the
 * llama testbed, a 32×32 frame's round trip measured back to back had a median of 1.0 ms, but
 * 1.8 ms after 30 ms without a request and 2.2 ms after 300 ms — a process blocked in its poll
 * (and a vCPU halted) wakes up before it serves, with cold caches. A replay's frames arrive every
 * few hundred ms at agents that are mostly idle, so the back-to-back samples made the twin's
 * frames ~1.3 ms faster than live in every cell. And a busy server is slower again: a frame
 * reaching an agent that streams an LLM's tokens waited 4–35 ms in sockets and event loops while
 * the agent's own handling stayed ~0.5 ms (`requestOverheadBusyS`, measured during a calibration
 * replay, runtime/validate/busy-round-trip.ts), and slower still when every core is taken: with a
 * request in flight on a co-located device as well, both agents' llama.cpp threads hold the two
 * cores and the event loops wait for one (p50 3.9 ms, p90 8.0 against 2.2 / 3.9 ms with a core
 * free). The model: a request reaching device `d` while another request is in flight there draws
 * from the busy samples (the back-to-back ones without) — from `requestOverheadBusyNeighbourBusyS`
 * when a device of its co-located group has one in flight too; else, while one is in flight on
 * another device of its co-located group (DeviceConfig.colocated: the controller and the host's
 * cores serve that one), from `requestOverheadNeighbourBusyS`; else from the samples measured
 * after the longest idle gap not above the device's idle time (the time since a request last
 * arrived or settled there), and from the back-to-back samples below the shortest gap.
 * ASSUMPTION: the device's own activity stands for the whole path's (the live controller is
 * shared by every device; its idleness is not modelled).
 */
import type { DeviceConfig } from '../../scenarios/index.js';
import type { RngStream, RngStreams } from '../kernel/index.js';
import { colocatedPeers } from './colocation.js';

/** Per device: samples after idle, by gap (ascending). */
interface IdleTable {
  readonly afterS: Float64Array;
  readonly samples: readonly Float64Array[];
}

export class RequestOverhead {
  private readonly warm: (Float64Array | null)[];
  private readonly busy: (Float64Array | null)[];
  private readonly neighbourBusy: (Float64Array | null)[];
  private readonly busyNeighbourBusy: (Float64Array | null)[];
  /** Per device: the other devices of its co-located group (DeviceConfig.colocated). */
  private readonly neighbours: Int32Array[];
  private readonly idle: (IdleTable | null)[];
  private readonly rng: (RngStream | null)[];
  /** Per device: requests that drew an overhead there and have not settled. */
  private readonly inflight: Int32Array;
  /** Per device: last time a request reached it or settled there. */
  private readonly lastActiveS: Float64Array;

  constructor(devices: readonly DeviceConfig[], streams: RngStreams, replica = 0) {
    this.warm = devices.map((d) => samplesOrNull(d.requestOverheadS));
    this.busy = devices.map((d) => samplesOrNull(d.requestOverheadBusyS));
    this.neighbourBusy = devices.map((d) => samplesOrNull(d.requestOverheadNeighbourBusyS));
    this.busyNeighbourBusy = devices.map((d) => samplesOrNull(d.requestOverheadBusyNeighbourBusyS));
    this.neighbours = colocatedPeers(devices);
    this.idle = devices.map((d) => idleTable(d));
    this.rng = devices.map((d, i) =>
      this.warm[i] !== null || this.idle[i] !== null || this.busy[i] !== null
        ? streams.get(replica > 0 ? `overhead:${d.id}/r${replica}` : `overhead:${d.id}`)
        : null,
    );
    this.inflight = new Int32Array(devices.length);
    // Idle since long before the run: a run's first request meets a sleeping server.
    this.lastActiveS = new Float64Array(devices.length).fill(-Infinity);
  }

  /**
   * Seconds a request reaching device `d` at `atS` waits for its server's own handling (one draw
   * from the samples its idle time selects; 0 without samples), and counts it in flight on `d`
   * until `settled`.
   */
  draw(d: number, atS: number): number {
    const rng = this.rng[d]!;
    if (rng === null) return 0;
    const busy = this.inflight[d]! > 0;
    const idleS = busy ? 0 : atS - this.lastActiveS[d]!;
    this.inflight[d]!++;
    if (atS > this.lastActiveS[d]!) this.lastActiveS[d] = atS;
    const xs =
      busy && this.busy[d] !== null
        ? this.busyNeighbourBusy[d] !== null && this.neighbourInFlight(d)
          ? this.busyNeighbourBusy[d]!
          : this.busy[d]!
        : !busy && this.neighbourBusy[d] !== null && this.neighbourInFlight(d)
          ? this.neighbourBusy[d]!
          : this.samplesAfter(d, idleS);
    return xs === null ? 0 : xs[rng.int(xs.length)]!;
  }

  /** A request that drew its overhead on device `d` settled at `nowS`. */
  settled(d: number, nowS: number): void {
    this.inflight[d]!--;
    if (nowS > this.lastActiveS[d]!) this.lastActiveS[d] = nowS;
  }

  private neighbourInFlight(d: number): boolean {
    const n = this.neighbours[d]!;
    for (let k = 0; k < n.length; k++) if (this.inflight[n[k]!]! > 0) return true;
    return false;
  }

  /** The samples of the longest measured gap ≤ `idleS`, else the back-to-back ones. */
  private samplesAfter(d: number, idleS: number): Float64Array | null {
    const t = this.idle[d]!;
    if (t !== null) for (let k = t.afterS.length - 1; k >= 0; k--) if (idleS >= t.afterS[k]!) return t.samples[k]!;
    return this.warm[d]! ?? (t !== null ? t.samples[0]! : null);
  }
}

function samplesOrNull(xs: readonly number[] | undefined): Float64Array | null {
  return xs !== undefined && xs.length > 0 ? Float64Array.from(xs) : null;
}

function idleTable(d: DeviceConfig): IdleTable | null {
  const rows = (d.requestOverheadAfterIdle ?? []).filter((r) => r.samplesS.length > 0);
  if (rows.length === 0) return null;
  const sorted = [...rows].sort((a, b) => a.idleS - b.idleS);
  return {
    afterS: Float64Array.from(sorted, (r) => r.idleS),
    samples: sorted.map((r) => Float64Array.from(r.samplesS)),
  };
}
