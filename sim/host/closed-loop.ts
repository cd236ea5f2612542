/**
 * Closed-loop clients on the simulator's clock. Every `process: closed` service gets
 * `concurrency` clients, numbered across services; each has exactly one request outstanding:
 * all send at t = 0, and when a client's request settles (delivered — ok or late —, dropped or
 * failed) the client thinks and sends the next one at `end + think` (see traces/closed-loop.ts
 * for the draws). A request still inflight at the horizon ends its client. The pending request
 * of each client (time, tokens) lives in typed arrays indexed by client, so the kernel event
 * carries the client number and nothing is allocated per request.
 */
import type { Scenario } from '../../scenarios/index.js';
import { ClosedLoopClients, type MutableArrival } from '../../traces/index.js';
import type { EventKernel, RngStreams } from '../kernel/index.js';
import { PRIORITY } from '../priorities.js';

export class ClosedLoop {
  /** Per client: its service, and the tokens of its next request. */
  readonly service: Int32Array;
  readonly prompt: Int32Array;
  readonly output: Int32Array;
  /** Per service: its clients' draws, or null for open arrivals. */
  private readonly draws: (ClosedLoopClients | null)[];
  private readonly buf: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
  /** Kernel handler of a client's send (set by the simulator before `start`). */
  handler = -1;

  constructor(
    scenario: Scenario,
    streams: RngStreams,
    private readonly kernel: EventKernel,
    private readonly horizonS: number,
  ) {
    this.draws = scenario.services.map((s) =>
      s.arrivals.process === 'closed'
        ? new ClosedLoopClients(s.arrivals, {
            promptTokens: s.promptTokens,
            outputTokens: s.outputTokens,
            arrivalRng: streams.get(`arrivals:${s.name}`),
            tokenRng: streams.get(`tokens:${s.name}`),
          })
        : null,
    );
    const n = this.draws.reduce((a, d) => a + (d?.concurrency ?? 0), 0);
    this.service = new Int32Array(n);
    this.prompt = new Int32Array(n);
    this.output = new Int32Array(n);
    let c = 0;
    this.draws.forEach((d, s) => {
      for (let k = 0; k < (d?.concurrency ?? 0); k++) this.service[c++] = s;
    });
  }

  /** True when service `s` is closed-loop (its requests come from here, not from a stream). */
  isClosed(s: number): boolean {
    return this.draws[s] !== null;
  }

  /** Schedules every client's first request at t = 0, in client order. */
  start(): void {
    for (let c = 0; c < this.service.length; c++) {
      this.draws[this.service[c]!]!.first(this.buf);
      this.send(c);
    }
  }

  /** Client `c`'s request ended at `nowS`; `served` false for dropped or failed. */
  ended(c: number, nowS: number, served: boolean): void {
    this.draws[this.service[c]!]!.next(this.buf, nowS, served);
    this.send(c);
  }

  private send(c: number): void {
    const b = this.buf;
    if (!(b.timeS < this.horizonS)) return;
    this.prompt[c] = b.promptTokens;
    this.output[c] = b.outputTokens;
    this.kernel.scheduleAt(b.timeS, this.handler, c, PRIORITY.arrival);
  }
}
