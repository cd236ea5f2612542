import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventKernel } from '../../sim/kernel/index.js';

/**
 * The kernel against a reference that is obviously right: pending events in an array, the next
 * one found by a linear scan for the least (time, priority, seq). Random programs of schedule,
 * cancel, step and runUntil — with handlers that schedule and cancel more events — must produce
 * the same executed sequence, clock and cancel results in both.
 */
interface Sim {
  readonly now: number;
  schedule(delayS: number, handler: number, payload: number, priority: number): number;
  cancel(handle: number): boolean;
  runUntil(untilS: number): void;
  step(): boolean;
  register(fn: (p: number) => void): number;
}

class ReferenceKernel implements Sim {
  now = 0;
  private seq = 0;
  private readonly fns: Array<(p: number) => void> = [];
  private readonly events: Array<{ t: number; pr: number; seq: number; h: number; p: number; live: boolean }> = [];
  register(fn: (p: number) => void): number {
    return this.fns.push(fn) - 1;
  }
  schedule(d: number, h: number, p: number, pr: number): number {
    this.events.push({ t: this.now + d, pr, seq: this.seq, h, p, live: true });
    return this.seq++;
  }
  cancel(handle: number): boolean {
    const e = this.events.find((x) => x.seq === handle);
    if (e === undefined || !e.live) return false;
    e.live = false;
    return true;
  }
  private next(untilS: number): boolean {
    let best = -1;
    for (let i = 0; i < this.events.length; i++) {
      const e = this.events[i]!;
      if (!e.live) continue;
      const b = this.events[best];
      if (b === undefined || e.t < b.t || (e.t === b.t && (e.pr < b.pr || (e.pr === b.pr && e.seq < b.seq)))) best = i;
    }
    const e = this.events[best];
    if (e === undefined || e.t > untilS) return false;
    e.live = false;
    this.now = e.t;
    this.fns[e.h]!(e.p);
    return true;
  }
  step(): boolean {
    return this.next(Infinity);
  }
  runUntil(untilS: number): void {
    while (this.next(untilS)) {
      // run all events up to the bound
    }
    if (untilS > this.now && Number.isFinite(untilS)) this.now = untilS;
  }
}

/** Delays that exercise ties, clusters, wide spreads, far outliers and +∞. */
const delayArb = fc.oneof(
  fc.constantFrom(0, 0, 1, 1, 2.5),
  fc.double({ min: 0, max: 10, noNaN: true }),
  fc.double({ min: 0, max: 1e-6, noNaN: true }),
  fc.constantFrom(1e6, 1e12, Infinity),
);
const opArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('schedule' as const),
      d: delayArb,
      pr: fc.integer({ min: -3, max: 3 }),
      child: fc.nat(4),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('cancel' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('step' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('runUntil' as const),
      d: fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.constant(0)),
    }),
  },
);
/** A burst of many events makes buckets overflow and finer rungs spawn. */
const burstArb = fc.record({
  k: fc.constant('burst' as const),
  n: fc.integer({ min: 50, max: 400 }),
  spread: fc.constantFrom(0, 1e-9, 1, 1000),
});

type Arb<A> = A extends fc.Arbitrary<infer T> ? T : never;
type Op = Arb<typeof opArb> | Arb<typeof burstArb>;

function execute(sim: Sim, ops: readonly Op[]): string[] {
  const log: string[] = [];
  const handles: number[] = [];
  let CHILD = 0;
  const LOG = sim.register((p) => {
    log.push(`${sim.now}:${p}`);
    // Payload p > 0 schedules a child: deterministic delay and priority from p.
    if (p % 5 !== 0) handles.push(sim.schedule((p % 7) * 0.25, CHILD, p * 10 + 1, (p % 3) - 1));
    if (p % 11 === 0 && handles.length > 0) log.push(`c${sim.cancel(handles[p % handles.length]!)}`);
  });
  CHILD = sim.register((p) => {
    log.push(`child ${sim.now}:${p}`);
  });
  let id = 1;
  for (const op of ops) {
    if (op.k === 'schedule') handles.push(sim.schedule(op.d, op.child === 0 ? CHILD : LOG, id++, op.pr));
    else if (op.k === 'burst') {
      for (let i = 0; i < op.n; i++)
        handles.push(sim.schedule((((i * 7919) % op.n) * op.spread) / op.n, LOG, id++, i % 3));
    } else if (op.k === 'cancel') {
      if (handles.length > 0) log.push(`c${sim.cancel(handles[op.i % handles.length]!)}`);
    } else if (op.k === 'step') log.push(`s${sim.step()}`);
    else sim.runUntil(sim.now + op.d);
  }
  while (sim.step()) {
    // drain what is left, including events at +∞
  }
  log.push(`end ${sim.now}`);
  return log;
}

describe('kernel › against a sorted reference', () => {
  it('kernel › random schedule/cancel/step/runUntil programs › same executed sequence as the reference', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 12, arbitrary: opArb }, { weight: 1, arbitrary: burstArb }), { maxLength: 300 }),
        (ops) => {
          expect(execute(new EventKernel(4), ops)).toEqual(execute(new ReferenceKernel(), ops));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('kernel › hold model with 20,000 pending and cancels › same sequence as the reference order', () => {
    // Too big for the linear reference: check the defining property directly instead.
    const kernel = new EventKernel(16);
    let x = 12345;
    const rand = (): number => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
    let lastT = -1,
      lastKey = -1,
      ran = 0,
      bad = 0;
    const handles: number[] = [];
    const HOLD = kernel.register((p) => {
      const key = p; // payload = priority*1e9 + seq-like counter, increasing in scheduling order
      if (kernel.now === lastT && key < lastKey) bad++;
      if (kernel.now < lastT) bad++;
      lastT = kernel.now;
      lastKey = key;
      ran++;
      const d = rand() < 0.2 ? 0 : -Math.log(1 - rand());
      // A zero-delay event runs after everything already pending at this time: highest priority number.
      const pr = d === 0 ? 2 : Math.floor(rand() * 3);
      handles.push(kernel.schedule(d, HOLD, pr * 1e9 + ran + 20_000, pr));
      if (rand() < 0.05) kernel.cancel(handles[Math.floor(rand() * handles.length)]!);
    });
    for (let i = 0; i < 20_000; i++) handles.push(kernel.schedule(Math.floor(rand() * 50), HOLD, i, 0));
    kernel.run(200_000);
    expect(ran).toBe(200_000);
    expect(bad).toBe(0);
  });
});
