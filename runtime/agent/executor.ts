/**
 * The agent's single compute executor: a device computes one step at a time (a prefill, one
 * decode token, one segmentation batch), in FIFO order, so concurrent requests interleave step by
 * step. `slowdown` F emulates a weaker device: after each step the executor sleeps (F − 1) × the
 * step's measured compute time while still holding the device. It also tracks the busy fraction
 * over a sliding window (the heartbeat's `utilization`).
 */
import { throwIfCancelled } from '../backends/types.js';
import { WallClock, holdMs } from '../clock/index.js';

export interface StepTiming {
  /** Waiting for the executor, ms. */
  readonly waitMs: number;
  /** Measured compute plus emulated slowdown, ms. */
  readonly busyMs: number;
}

export class Executor {
  private tail: Promise<void> = Promise.resolve();
  private readonly clock = new WallClock();
  /** Busy intervals [startS, endS] within the window, oldest first. */
  private readonly busy: Array<[number, number]> = [];
  private busyStartS: number | null = null;

  constructor(
    readonly slowdown: number,
    readonly windowMs = 5000,
  ) {
    if (!(slowdown >= 1)) throw new Error(`slowdown must be >= 1, got ${slowdown}`);
  }

  /**
   * Runs `fn` as one step when the device is free. A step whose `signal` aborted while it waited
   * is skipped (rejects with the reason) and passes its turn on: a cancelled request holds no step.
   */
  async step<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<{ value: T; timing: StepTiming }> {
    const enqueuedS = this.clock.nowS();
    let release!: () => void;
    const turn = this.tail;
    this.tail = new Promise<void>((r) => {
      release = r;
    });
    await turn;
    if (signal?.aborted === true) {
      release();
      throwIfCancelled(signal);
    }
    const startS = this.clock.nowS();
    this.busyStartS = startS;
    try {
      const value = await fn();
      const computeS = this.clock.nowS() - startS;
      if (this.slowdown > 1) await holdMs((this.slowdown - 1) * computeS * 1000);
      const endS = this.clock.nowS();
      return { value, timing: { waitMs: (startS - enqueuedS) * 1000, busyMs: (endS - startS) * 1000 } };
    } finally {
      this.busy.push([startS, this.clock.nowS()]);
      this.busyStartS = null;
      this.prune();
      release();
    }
  }

  private prune(): void {
    const fromS = this.clock.nowS() - this.windowMs / 1000;
    while (this.busy.length > 0 && this.busy[0]![1] < fromS) this.busy.shift();
  }

  /** Busy fraction over the last window, 0..1. */
  utilization(): number {
    this.prune();
    const nowS = this.clock.nowS();
    const fromS = Math.max(0, nowS - this.windowMs / 1000);
    const span = nowS - fromS;
    if (span <= 0) return 0;
    let busyS = 0;
    for (const [a, b] of this.busy) busyS += Math.min(b, nowS) - Math.max(a, fromS);
    if (this.busyStartS !== null) busyS += nowS - Math.max(this.busyStartS, fromS);
    return Math.min(1, Math.max(0, busyS / span));
  }
}
