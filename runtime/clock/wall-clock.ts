/**
 * The wall clock of the live runtime: the only place under runtime/ that reads
 * `performance.now` / `Date.now` (lint allows it here). The controller never reads real time any
 * other way, so a test can hand it a clock with the same interface.
 *
 * `nowS()` is seconds since `start()`, the host clock of the controller's views (`view.now`) and
 * of every request record. `epochMs()` is for talking to agents (their `…AtMs` fields).
 */
export interface HostClock {
  /** Seconds since the run started (monotone). */
  nowS(): number;
  /** Unix epoch milliseconds (agents' clocks; not monotone). */
  epochMs(): number;
  /** Resolves at run time `atS` (immediately when that is past). */
  sleepUntil(atS: number, signal?: AbortSignal): Promise<void>;
  /** High-resolution seconds for measuring short durations (policy decision overhead). */
  preciseS(): number;
}

export class WallClock implements HostClock {
  private t0 = performance.now();

  /** Restarts the run clock at zero. */
  start(): void {
    this.t0 = performance.now();
  }

  nowS(): number {
    return (performance.now() - this.t0) / 1000;
  }

  epochMs(): number {
    return Date.now();
  }

  preciseS(): number {
    return performance.now() / 1000;
  }

  sleepUntil(atS: number, signal?: AbortSignal): Promise<void> {
    const delayMs = (atS - this.nowS()) * 1000;
    return sleepMs(delayMs, signal);
  }
}

/** setTimeout as a promise; resolves early (never rejects) when `signal` aborts. */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Holds for `ms` with sub-millisecond accuracy: a timer for all but the last 5 ms, then a spin on
 * the clock. Emulated device slowdown needs it: a step of 0.2 ms at slowdown 3 must hold 0.4 ms,
 * and `setTimeout` alone rounds that up to ≥1 ms, and on a loaded host fires several ms late (a
 * 10x error that profiling then measures). The spin blocks the event loop for at most ~10 ms,
 * which an emulated busy device may do.
 */
export async function holdMs(ms: number): Promise<void> {
  const end = performance.now() + ms;
  if (ms > 10) await sleepMs(ms - 5);
  while (performance.now() < end) {
    /* spin: the remainder is shorter than timer resolution */
  }
}
