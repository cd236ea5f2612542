/**
 * Event priorities at equal times (lower runs first). The one total order is the kernel's
 * `(time, priority, seq)`; this table is the only place priorities are chosen, each with its reason.
 */
export const PRIORITY = {
  /** Faults first: a crash at t must hit work finishing at t (it had not finished yet). */
  fault: -20,
  /** Instance readiness and placement before requests, so a request at t sees instances ready at t. */
  placement: -10,
  /** Sync messages update views before the requests routed at the same instant. */
  sync: -5,
  /** Iteration/batch completions free capacity before new work at the same time is admitted. */
  completion: 0,
  /** Requests reaching an instance after completions at the same time. */
  delivery: 5,
  /** New arrivals: they see the state after everything else at that time. */
  arrival: 10,
  /** An idle engine starts its step after every arrival and delivery at that time (batches them). */
  kick: 15,
} as const;
