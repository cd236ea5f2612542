/**
 * The discrete-event kernel: a struct-of-arrays binary heap ordered by `(time, priority, seq)`.
 *
 * Reading guide: handlers are registered once (`register`) and events refer to them by a small
 * integer, with one integer payload. That keeps the hot path free of closures allocated per
 * event, promises and object churn: an event is five numbers in typed arrays. `seq` belongs to
 * this instance and breaks every tie, so a run is byte-identical for a given seed on any machine.
 * Nothing runs inline: a zero-delay event is queued like any other. Cancel is O(1): it marks the
 * slot, and the pop skips it. The kernel knows no domain type.
 */

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
  private readonly handlers: EventHandler[] = [];

  // Per-slot event data (struct of arrays), addressed by slot.
  private handler: Int32Array;
  private payload: Float64Array;
  private gen: Uint32Array;
  private cancelled: Uint8Array;
  private free: Int32Array;
  private freeTop: number;
  // The heap itself keeps its sort keys inline (time, tie key) so sifting touches only
  // contiguous memory; `heapSlot` points back to the slot's data.
  private heapTime: Float64Array;
  private heapTie: Float64Array;
  private heapSlot: Int32Array;
  private size = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.handler = new Int32Array(n);
    this.payload = new Float64Array(n);
    this.gen = new Uint32Array(n);
    this.cancelled = new Uint8Array(n);
    this.heapTime = new Float64Array(n);
    this.heapTie = new Float64Array(n);
    this.heapSlot = new Int32Array(n);
    this.free = new Int32Array(n);
    for (let i = 0; i < n; i++) this.free[i] = n - 1 - i;
    this.freeTop = n;
  }

  /** Current simulated time in seconds. */
  get now(): number {
    return this.nowS;
  }
  /** Events pending (including cancelled ones not yet popped). */
  get pending(): number {
    return this.size;
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
    this.cancelled[slot] = 0;
    const tie = (priority + PRIORITY_BIAS) * SEQ_SPACE + this.nextSeq++;
    this.siftUp(this.size++, timeS, tie, slot);
    return this.gen[slot]! * SLOT_SPACE + slot;
  }

  /** Cancels a pending event; returns false if it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    const slot = handle % SLOT_SPACE;
    const generation = (handle - slot) / SLOT_SPACE;
    // A released slot has a newer generation, so a matching generation means still pending.
    if (slot >= this.gen.length || this.gen[slot] !== generation || this.cancelled[slot] === 1) return false;
    this.cancelled[slot] = 1;
    return true;
  }

  /** Runs events with time ≤ `untilS` (inclusive); the clock ends at `untilS`. */
  runUntil(untilS: number): void {
    this.drain(untilS, Number.MAX_SAFE_INTEGER);
    if (untilS > this.nowS && Number.isFinite(untilS)) this.nowS = untilS;
  }

  /** Runs until no event is pending or `maxEvents` have run. */
  run(maxEvents = Number.MAX_SAFE_INTEGER): void {
    this.drain(Infinity, maxEvents);
  }

  /** Pops and runs one event; false when none is left. */
  step(): boolean {
    return this.drain(Infinity, 1) > 0;
  }

  private drain(untilS: number, maxEvents: number): number {
    let ran = 0;
    while (this.size > 0 && ran < maxEvents) {
      const t = this.heapTime[0]!;
      if (t > untilS) break;
      const top = this.heapSlot[0]!;
      const n = --this.size;
      if (n > 0) this.siftDown(this.heapTime[n]!, this.heapTie[n]!, this.heapSlot[n]!);
      const wasCancelled = this.cancelled[top] === 1;
      const h = this.handler[top]!;
      const p = this.payload[top]!;
      this.gen[top] = (this.gen[top]! + 1) >>> 0;
      this.cancelled[top] = 0;
      this.free[this.freeTop++] = top;
      if (wasCancelled) continue;
      this.nowS = t;
      ran++;
      this.processed++;
      const returned: unknown = this.handlers[h]!(p);
      if (returned !== undefined) {
        throw new TypeError(`event handler #${h} returned a value (${typeof returned}); handlers must be synchronous and return nothing`);
      }
    }
    return ran;
  }

  private siftUp(pos: number, time: number, tie: number, slot: number): void {
    const ht = this.heapTime;
    const hk = this.heapTie;
    const hs = this.heapSlot;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pt = ht[parent]!;
      if (pt < time || (pt === time && hk[parent]! < tie)) break;
      ht[pos] = pt;
      hk[pos] = hk[parent]!;
      hs[pos] = hs[parent]!;
      pos = parent;
    }
    ht[pos] = time;
    hk[pos] = tie;
    hs[pos] = slot;
  }

  /** Places (time, tie, slot) from the root down; the heap has `size` entries. */
  private siftDown(time: number, tie: number, slot: number): void {
    const ht = this.heapTime;
    const hk = this.heapTie;
    const hs = this.heapSlot;
    const n = this.size;
    let pos = 0;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      let ct = ht[child]!;
      let ck = hk[child]!;
      const right = child + 1;
      if (right < n) {
        const rt = ht[right]!;
        const rk = hk[right]!;
        if (rt < ct || (rt === ct && rk < ck)) {
          child = right;
          ct = rt;
          ck = rk;
        }
      }
      if (time < ct || (time === ct && tie < ck)) break;
      ht[pos] = ct;
      hk[pos] = ck;
      hs[pos] = hs[child]!;
      pos = child;
    }
    ht[pos] = time;
    hk[pos] = tie;
    hs[pos] = slot;
  }

  private grow(): void {
    const old = this.handler.length;
    const n = old * 2;
    if (n > SLOT_SPACE) throw new RangeError(`more than ${SLOT_SPACE} pending events`);
    const growF = (a: Float64Array) => { const b = new Float64Array(n); b.set(a); return b; };
    const growI = (a: Int32Array) => { const b = new Int32Array(n); b.set(a); return b; };
    this.heapTime = growF(this.heapTime);
    this.heapTie = growF(this.heapTie);
    this.payload = growF(this.payload);
    this.handler = growI(this.handler);
    this.heapSlot = growI(this.heapSlot);
    const gen = new Uint32Array(n); gen.set(this.gen); this.gen = gen;
    const can = new Uint8Array(n); can.set(this.cancelled); this.cancelled = can;
    const free = new Int32Array(n); free.set(this.free); this.free = free;
    for (let i = n - 1; i >= old; i--) this.free[this.freeTop++] = i;
  }
}
