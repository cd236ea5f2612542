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
  const kernel = new EventKernel(64);
  // FIFO ring buffer of arrival times of waiting customers.
  let cap = 1024;
  let ring = new Float64Array(cap);
  let head = 0;
  let count = 0;
  let busy = 0;
  let started = 0;
  let arrived = 0;
  let waitSum = 0;

  const push = (t: number): void => {
    if (count === cap) {
      const bigger = new Float64Array(cap * 2);
      for (let i = 0; i < count; i++) bigger[i] = ring[(head + i) % cap]!;
      ring = bigger;
      head = 0;
      cap *= 2;
    }
    ring[(head + count) % cap] = t;
    count++;
  };

  const DEPART = kernel.register(() => {
    if (count > 0 && started < customers) {
      const a = ring[head]!;
      head = (head + 1) % cap;
      count--;
      waitSum += kernel.now - a;
      started++;
      kernel.schedule(serviceRng.exponential(mu), DEPART);
      if (started === customers) kernel.stop();
    } else {
      busy--;
    }
  });
  const ARRIVE = kernel.register(() => {
    arrived++;
    if (busy < servers) {
      busy++;
      started++;
      kernel.schedule(serviceRng.exponential(mu), DEPART);
    } else {
      push(kernel.now);
    }
    if (arrived < customers) kernel.schedule(arrivalRng.exponential(lambda), ARRIVE);
    if (started === customers) kernel.stop();
  });

  kernel.schedule(arrivalRng.exponential(lambda), ARRIVE);
  // Handlers stop the kernel once the last customer has started service.
  if (customers > 0) kernel.run();
  return { customers: started, meanWait: waitSum / started, simulatedS: kernel.now, events: kernel.executed };
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
