/**
 * Heartbeat polling of one agent (GET /v1/state) at the sync period. A poll that fails or times
 * out marks the device dead at once: with the poll timeout below one period, a killed agent is
 * detected at most two periods after it died (INV: detection ≤ 2·period; tested). A poll that
 * succeeds after a death, or shows a new `startedAtMs` (the agent restarted while we were not
 * looking), re-registers the device: alive again, its old instances gone.
 */
import type { AgentState } from '../protocol/index.js';
import type { HostClock } from '../clock/index.js';
import type { AgentClient } from './agent-client.js';

export type MonitorEvent =
  | { readonly kind: 'alive'; readonly atS: number; readonly state: AgentState; readonly restarted: boolean }
  | { readonly kind: 'dead'; readonly atS: number; readonly error: string }
  | { readonly kind: 'state'; readonly atS: number; readonly state: AgentState };

export class AgentMonitor {
  alive = false;
  private startedAtMs = NaN;
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
      if (this.alive) {
        this.alive = false;
        this.onEvent({ kind: 'dead', atS, error: r.error });
      }
      return false;
    }
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
