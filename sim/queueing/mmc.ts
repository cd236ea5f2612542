/**
 * Classic queueing models run on the event kernel: M/M/c (FIFO) and the "hold" model.
 * They validate the kernel against analytic results (tests) and measure its speed (bench).
 * Arrays instead of objects keep the hot path allocation-free, as in the real models.
 */
import { EventKernel } from '../kernel/event-kernel.js';
import type { RngStream } from '../kernel/rng.js';

export interface MmcResult {
  readonly customers: number;
  /** Mean time in queue before service, seconds. */
  readonly meanWait: number;
  readonly simulatedS: number;
  readonly events: number;
}

/**
 * Simulates an M/M/c queue until `customers` have started service; returns their mean wait.
 * Arrivals and services use two separate streams so changing c does not shift arrival draws.
 */
export function simulateMmc(
  lambda: number,
  mu: number,
  servers: number,
  customers: number,
  arrivalRng: RngStream,
  serviceRng: RngStream,
): MmcResult {
  const model = new MmcModel(lambda, mu, servers, customers, arrivalRng, serviceRng);
  model.kernel.schedule(arrivalRng.exponential(lambda), model.ARRIVE);
  // Handlers stop the kernel once the last customer has started service.
  if (customers > 0) model.kernel.run();
  const started = model.started;
  return {
    customers: started,
    meanWait: model.waitSum / started,
    simulatedS: model.kernel.now,
    events: model.kernel.executed,
  };
}

/**
 * M/M/c state as fields of one object rather than closure variables: V8 boxes a number held in
 * a closure's context on every write, while a field is updated in place (no garbage per event).
 * The waiting line is a ring buffer of arrival times whose capacity is a power of two.
 */
class MmcModel {
  readonly kernel = new EventKernel(64);
  readonly ARRIVE: number;
  readonly DEPART: number;
  ring = new Float64Array(1024);
  mask = 1023;
  head = 0;
  count = 0;
  busy = 0;
  started = 0;
  arrived = 0;
  waitSum = 0;

  constructor(
    private readonly lambda: number,
    private readonly mu: number,
    private readonly servers: number,
    private readonly customers: number,
    private readonly arrivalRng: RngStream,
    private readonly serviceRng: RngStream,
  ) {
    this.DEPART = this.kernel.register(() => this.depart());
    this.ARRIVE = this.kernel.register(() => this.arrive());
  }

  private arrive(): void {
    const kernel = this.kernel;
    this.arrived++;
    if (this.busy < this.servers) {
      this.busy++;
      this.started++;
      kernel.schedule(this.serviceRng.exponential(this.mu), this.DEPART);
    } else {
      this.enqueue(kernel.now);
    }
    if (this.arrived < this.customers) kernel.schedule(this.arrivalRng.exponential(this.lambda), this.ARRIVE);
    if (this.started === this.customers) kernel.stop();
  }

  private depart(): void {
    const kernel = this.kernel;
    if (this.count > 0 && this.started < this.customers) {
      const a = this.ring[this.head]!;
      this.head = (this.head + 1) & this.mask;
      this.count--;
      this.waitSum += kernel.now - a;
      this.started++;
      kernel.schedule(this.serviceRng.exponential(this.mu), this.DEPART);
      if (this.started === this.customers) kernel.stop();
    } else {
      this.busy--;
    }
  }

  private enqueue(t: number): void {
    if (this.count === this.ring.length) {
      const bigger = new Float64Array(this.ring.length * 2);
      for (let i = 0; i < this.count; i++) bigger[i] = this.ring[(this.head + i) & this.mask]!;
      this.ring = bigger;
      this.mask = bigger.length - 1;
      this.head = 0;
    }
    this.ring[(this.head + this.count) & this.mask] = t;
    this.count++;
  }
}

/** Erlang C: analytic mean wait in queue of M/M/c (requires λ < cμ). */
export function erlangCMeanWait(lambda: number, mu: number, c: number): number {
  const a = lambda / mu;
  const rho = a / c;
  if (rho >= 1) return Infinity;
  let term = 1;
  let sum = 1; // k = 0
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c; // a^c / c!
  const pWait = last / (1 - rho) / (sum + last / (1 - rho));
  return pWait / (c * mu - lambda);
}

/**
 * The hold model: keep `pending` events in the heap; each event, when run, schedules one more
 * at now + Exp(1). Measures the heap under a steady large population.
 */
export function runHoldModel(pending: number, events: number, rng: RngStream): { events: number } {
  const kernel = new EventKernel(pending + 16);
  const HOLD = kernel.register(() => {
    kernel.schedule(rng.exponential(1), HOLD);
  });
  for (let i = 0; i < pending; i++) kernel.schedule(rng.exponential(1), HOLD);
  kernel.run(events);
  return { events: kernel.executed };
}
