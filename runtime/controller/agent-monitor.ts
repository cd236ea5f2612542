/**
 * Heartbeat polling of one agent (GET /v1/state) at the sync period. A poll refused or cut
 * (connection refused/reset: the process is gone) marks the device dead at once, so a killed
 * agent is detected at most one period (+ one round trip) after it died — within two periods
 * (tested with SIGKILL). A poll that merely times out (poll timeout < one period) is a miss; two
 * consecutive misses mark it dead, so a hung or unreachable host is detected within about three
 * periods, and one slow answer on a loaded machine does not fail a healthy device. A poll that
 * succeeds after a death, or shows a new `startedAtMs` (the agent restarted while we were not
 * looking), re-registers the device: alive again, its old instances gone.
 */
import type { AgentState } from '../protocol/index.js';
import type { HostClock } from '../clock/index.js';
import type { AgentClient } from './agent-client.js';

/** Consecutive timed-out polls that declare a device dead (refused polls: at once). */
export const MISSES_TO_DEAD = 2;

export type MonitorEvent =
  | { readonly kind: 'alive'; readonly atS: number; readonly state: AgentState; readonly restarted: boolean }
  | { readonly kind: 'dead'; readonly atS: number; readonly error: string }
  | { readonly kind: 'state'; readonly atS: number; readonly state: AgentState };

export class AgentMonitor {
  alive = false;
  private startedAtMs = NaN;
  private misses = 0;
  /** While true, timed-out polls are not misses (warm-up: an agent busy loading a model is slow, not dead). */
  lenient = false;
  private stopped = false;
  private readonly stopper = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    readonly client: AgentClient,
    private readonly clock: HostClock,
    private readonly periodS: number,
    private readonly onEvent: (e: MonitorEvent) => void,
  ) {}

  /** One poll now; returns whether the agent answered. */
  async poll(): Promise<boolean> {
    const r = await this.client.state();
    if (this.stopped) return r.ok;
    const atS = this.clock.nowS();
    if (!r.ok) {
      this.misses = r.timeout !== true ? MISSES_TO_DEAD : this.lenient ? 0 : this.misses + 1;
      if (this.alive && this.misses >= MISSES_TO_DEAD) {
        this.alive = false;
        this.onEvent({ kind: 'dead', atS, error: r.error });
      }
      return false;
    }
    this.misses = 0;
    const restarted = Number.isFinite(this.startedAtMs) && r.value.startedAtMs !== this.startedAtMs;
    this.startedAtMs = r.value.startedAtMs;
    if (!this.alive || restarted) {
      this.alive = true;
      this.onEvent({ kind: 'alive', atS, state: r.value, restarted });
    } else {
      this.onEvent({ kind: 'state', atS, state: r.value });
    }
    return true;
  }

  start(): void {
    if (this.loop !== null) return;
    this.loop = (async () => {
      let next = this.clock.nowS();
      while (!this.stopped) {
        await this.poll();
        next = Math.max(next + this.periodS, this.clock.nowS());
        await this.clock.sleepUntil(next, this.stopper.signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopper.abort();
    await this.loop;
  }
}
