/**
 * The discrete-event kernel: pending events in a ladder queue (ladder-queue.ts) ordered exactly by
 * `(time, priority, seq)`.
 *
 * Reading guide: handlers are registered once (`register`) and events refer to them by a small
 * integer, with one integer payload. That keeps the hot path free of closures allocated per
 * event, promises and object churn: an event is five numbers in typed arrays. `seq` belongs to
 * this instance and breaks every tie, so a run is byte-identical for a given seed on any machine.
 * Nothing runs inline: a zero-delay event is queued like any other. Cancel is O(1): it marks the
 * slot (handler −1), and the pop skips it. The kernel knows no domain type.
 */
import { LadderQueue } from './ladder-queue.js';

/** A handler receives the integer payload given at `schedule` time. Returning a value is a bug. */
export type EventHandler = (payload: number) => void;
/** Opaque handle of a scheduled event, for `cancel`. */
export type EventHandle = number;
export type HandlerId = number;

/** Slots per generation; a handle is `generation * SLOT_SPACE + slot`. */
const SLOT_SPACE = 2 ** 24;
/** Tie key = (priority + PRIORITY_BIAS) * SEQ_SPACE + seq: one float compare breaks ties exactly. */
const SEQ_SPACE = 2 ** 36;
const PRIORITY_BIAS = 64;

export class EventKernel {
  private nowS = 0;
  private nextSeq = 0;
  private processed = 0;
  private stopped = false;
  private readonly handlers: EventHandler[] = [];
  private readonly queue: LadderQueue;

  // Per-slot event data (struct of arrays), addressed by slot; handler −1 marks a cancelled one.
  private handler: Int32Array;
  private payload: Float64Array;
  private gen: Uint32Array;
  private free: Int32Array;
  private freeTop: number;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.handler = new Int32Array(n);
    this.payload = new Float64Array(n);
    this.gen = new Uint32Array(n);
    this.free = new Int32Array(n);
    for (let i = 0; i < n; i++) this.free[i] = n - 1 - i;
    this.freeTop = n;
    this.queue = new LadderQueue(n);
  }

  /** Current simulated time in seconds. */
  get now(): number {
    return this.nowS;
  }
  /** Events pending (including cancelled ones not yet popped). */
  get pending(): number {
    return this.queue.size;
  }
  /** Events executed so far. */
  get executed(): number {
    return this.processed;
  }

  register(fn: EventHandler): HandlerId {
    this.handlers.push(fn);
    return this.handlers.length - 1;
  }

  /**
   * Schedules `handler(payload)` at `now + delay`. Lower `priority` (an integer in −64..63, see
   * sim/priorities.ts) runs first at equal times; equal priorities run in scheduling order.
   */
  schedule(delayS: number, handler: HandlerId, payload = 0, priority = 0): EventHandle {
    return this.scheduleAt(this.nowS + delayS, handler, payload, priority);
  }

  scheduleAt(timeS: number, handler: HandlerId, payload = 0, priority = 0): EventHandle {
    if (!(timeS >= this.nowS)) {
      throw new RangeError(`event time ${timeS} is before now (${this.nowS}) or not a number`);
    }
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop]!;
    this.handler[slot] = handler;
    this.payload[slot] = payload;
    this.queue.push(slot, timeS, (priority + PRIORITY_BIAS) * SEQ_SPACE + this.nextSeq++);
    return this.gen[slot]! * SLOT_SPACE + slot;
  }

  /** Cancels a pending event; returns false if it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    const slot = handle % SLOT_SPACE;
    const generation = (handle - slot) / SLOT_SPACE;
    // A released slot has a newer generation, so a matching generation means still pending.
    if (slot >= this.gen.length || this.gen[slot] !== generation || this.handler[slot]! < 0) return false;
    this.handler[slot] = -1;
    return true;
  }

  /**
   * Makes the running `run`/`runUntil`/`step` return once the current handler finishes (the clock
   * stays at that event's time). For models that know when they are done, e.g. after the n-th
   * customer, without a `step()` call per event.
   */
  stop(): void {
    this.stopped = true;
  }

  /** Runs events with time ≤ `untilS` (inclusive); the clock ends at `untilS` unless stopped. */
  runUntil(untilS: number): void {
    this.drain(untilS, Number.MAX_SAFE_INTEGER);
    if (!this.stopped && untilS > this.nowS && Number.isFinite(untilS)) this.nowS = untilS;
  }

  /** Runs until no event is pending, `maxEvents` have run, or a handler calls `stop`. */
  run(maxEvents = Number.MAX_SAFE_INTEGER): void {
    this.drain(Infinity, maxEvents);
  }

  /** Pops and runs one event; false when none is left. */
  step(): boolean {
    return this.drain(Infinity, 1) > 0;
  }

  private drain(untilS: number, maxEvents: number): number {
    const queue = this.queue;
    this.stopped = false;
    let ran = 0;
    while (ran < maxEvents) {
      const top = queue.popUntil(untilS);
      if (top < 0) break;
      const t = queue.poppedTime;
      const h = this.handler[top]!;
      const p = this.payload[top]!;
      this.gen[top] = (this.gen[top]! + 1) >>> 0;
      this.free[this.freeTop++] = top;
      if (h < 0) continue;
      this.nowS = t;
      ran++;
      this.processed++;
      const returned: unknown = this.handlers[h]!(p);
      if (returned !== undefined) {
        throw new TypeError(
          `event handler #${h} returned a value (${typeof returned}); handlers must be synchronous and return nothing`,
        );
      }
      if (this.stopped) break;
    }
    return ran;
  }

  private grow(): void {
    const old = this.handler.length;
    const n = old * 2;
    if (n > SLOT_SPACE) throw new RangeError(`more than ${SLOT_SPACE} pending events`);
    const payload = new Float64Array(n);
    payload.set(this.payload);
    this.payload = payload;
    const handler = new Int32Array(n);
    handler.set(this.handler);
    this.handler = handler;
    const gen = new Uint32Array(n);
    gen.set(this.gen);
    this.gen = gen;
    const free = new Int32Array(n);
    free.set(this.free);
    this.free = free;
    for (let i = n - 1; i >= old; i--) this.free[this.freeTop++] = i;
    this.queue.resize(n);
  }
}
