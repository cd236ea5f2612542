/**
 * The kernel's pending-event set: a ladder queue (Tang, Goh & Thng, ACM TOMACS 15(3), 2005)
 * whose bottom is a small 4-ary heap, ordered exactly by `(time, tie)`.
 *
 * Why: a binary heap over 10^5 pending events does ~17 dependent, cache-missing levels per pop;
 * here an insert is an O(1) push onto a bucket's list, and a pop works on a heap of the few
 * events of one bucket. Events are slots (integers) owned by the kernel; this class keeps their
 * time, tie key and list link.
 *
 * Structure: rung 0 spans `[base, base + nb·w)` in `nb` buckets of width `w`; events beyond it
 * wait unsorted in the rung's `top` list. Buckets are consumed in order into the bottom heap; a
 * bucket with more than SPAWN_AT events becomes a finer rung instead (up to MAX_RUNGS). When a
 * rung's buckets are used up its top is re-spread over new buckets, then control returns to the
 * parent rung.
 *
 * Exactness: an event's place is decided only by `idx = floor((t − base)·invW)` of each rung,
 * which is monotone in t. Rung r holds events with idx > cur (the bucket being consumed);
 * smaller idx go to the next finer rung or, below the finest, the bottom heap. So everything in
 * the heap is strictly earlier than everything in any bucket or top, and events with equal
 * times always meet in the heap, where the tie key (priority, seq) orders them. No float
 * boundary is ever compared directly. Events at +∞ live in their own heap, after all others.
 */
import { BottomHeap } from './bottom-heap.js';

/** Buckets per event when a list is spread (2 per event measured best on the hold model). */
const BUCKETS_PER_EVENT = 2;
/** A consumed bucket larger than this is spread over a finer rung instead of heaped. */
const SPAWN_AT = 64;
const MAX_RUNGS = 8;
/**
 * Up to this many finite events the queue is just the bottom heap: spreading two or three
 * events over buckets on every pop (M/M/1) costs more than a heap of that size.
 */
const SMALL = 32;

class Rung {
  base = 0;
  invW = 0;
  nb = 0;
  cur = -1;
  /** Width used when a list with no spread (all one time) must be spread. */
  width = 1;
  head = new Int32Array(16).fill(-1);
  count = new Int32Array(16);
  topHead = -1;
  topCount = 0;
  topMin = Infinity;
  topMax = -Infinity;

  /** Bucket index of time t under this rung's current spread. */
  index(t: number): number {
    return Math.floor((t - this.base) * this.invW);
  }
}

export class LadderQueue {
  /** Pending events, including ones the kernel has marked cancelled. */
  size = 0;
  private time: Float64Array;
  private tie: Float64Array;
  private next: Int32Array;
  private readonly rungs: Rung[] = [new Rung()];
  private depth = 1;
  /** True while every finite event is in the bottom heap (and the ladder is empty). */
  private small = true;
  private readonly bottom = new BottomHeap();
  private readonly atInfinity = new BottomHeap(16);

  constructor(capacity: number) {
    this.time = new Float64Array(capacity);
    this.tie = new Float64Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /** Grows per-slot storage to `capacity` slots (the kernel grows its own arrays alongside). */
  resize(capacity: number): void {
    const time = new Float64Array(capacity);
    time.set(this.time);
    this.time = time;
    const tie = new Float64Array(capacity);
    tie.set(this.tie);
    this.tie = tie;
    const next = new Int32Array(capacity);
    next.set(this.next);
    this.next = next;
  }

  /** Adds event `slot` at finite-or-+∞ time `t` with unique tie key `tie`. */
  push(slot: number, t: number, tie: number): void {
    this.time[slot] = t;
    this.tie[slot] = tie;
    this.size++;
    if (t === Infinity) {
      this.atInfinity.push(t, tie, slot);
      return;
    }
    if (this.small) {
      this.bottom.push(t, tie, slot);
      if (this.bottom.size > SMALL) this.toLadder();
      return;
    }
    const rungs = this.rungs;
    for (let r = 0; r < this.depth; r++) {
      const g = rungs[r]!;
      const idx = g.index(t);
      if (idx > g.cur) {
        if (idx < g.nb) {
          this.next[slot] = g.head[idx]!;
          g.head[idx] = slot;
          g.count[idx]!++;
        } else {
          this.next[slot] = g.topHead;
          g.topHead = slot;
          g.topCount++;
          if (t < g.topMin) g.topMin = t;
          if (t > g.topMax) g.topMax = t;
        }
        return;
      }
    }
    this.bottom.push(t, this.tie[slot]!, slot);
  }

  /** Time of the event last returned by `popUntil`. */
  poppedTime = 0;

  /**
   * Removes the earliest event if its time is ≤ `untilS` and returns its slot (its time goes to
   * `poppedTime`); returns −1 when the queue is empty or the earliest event is later.
   */
  popUntil(untilS: number): number {
    const bottom = this.bottom;
    if (bottom.size === 0) {
      if (this.size === 0) return -1;
      if (!this.refill()) {
        if (Infinity > untilS) return -1;
        this.size--;
        this.poppedTime = Infinity;
        return this.atInfinity.pop();
      }
    }
    const t = bottom.minTime();
    if (t > untilS) return -1;
    this.size--;
    this.poppedTime = t;
    return bottom.pop();
  }

  /** Moves the next non-empty bucket into the bottom heap; false when no finite event is left. */
  private refill(): boolean {
    for (;;) {
      const g = this.rungs[this.depth - 1]!;
      while (++g.cur < g.nb) {
        const c = g.count[g.cur]!;
        if (c === 0) continue;
        const list = g.head[g.cur]!;
        g.head[g.cur] = -1;
        g.count[g.cur] = 0;
        if (c > SPAWN_AT && this.depth < MAX_RUNGS && this.spawn(list, c)) break;
        this.heapList(list);
        return true;
      }
      if (g.cur < g.nb) continue; // a finer rung was spawned
      if (g.topCount > 0 && this.depth === 1 && g.topCount <= SMALL / 2) {
        this.toSmall(g);
        return true;
      } else if (g.topCount > 0) {
        this.spread(g);
      } else if (this.depth > 1) {
        this.depth--;
      } else {
        this.toSmall(g);
        return false;
      }
    }
  }

  /** Moves every bottom-heap event onto rung 0's top, to be spread at the next refill. */
  private toLadder(): void {
    const g = this.rungs[0]!;
    g.nb = 0;
    g.cur = -1;
    g.invW = 0;
    while (this.bottom.size > 0) {
      const s = this.bottom.pop();
      const t = this.time[s]!;
      this.next[s] = g.topHead;
      g.topHead = s;
      g.topCount++;
      if (t < g.topMin) g.topMin = t;
      if (t > g.topMax) g.topMax = t;
    }
    this.small = false;
  }

  /** Back to heap-only: rung 0's top (all that is left) goes into the empty bottom heap. */
  private toSmall(g: Rung): void {
    this.heapList(g.topHead);
    g.topHead = -1;
    g.topCount = 0;
    g.topMin = Infinity;
    g.topMax = -Infinity;
    g.nb = 0;
    g.cur = -1;
    g.invW = 0;
    this.small = true;
  }

  private heapList(list: number): void {
    const time = this.time;
    const tie = this.tie;
    const next = this.next;
    for (let s = list; s >= 0; s = next[s]!) this.bottom.push(time[s]!, tie[s]!, s);
  }

  /** Spreads a big bucket's list over a new, finer rung; false if all its times are equal. */
  private spawn(list: number, count: number): boolean {
    let min = Infinity;
    let max = -Infinity;
    for (let s = list; s >= 0; s = this.next[s]!) {
      const t = this.time[s]!;
      if (t < min) min = t;
      if (t > max) max = t;
    }
    if (!(max > min)) return false;
    if (this.rungs.length === this.depth) this.rungs.push(new Rung());
    const g = this.rungs[this.depth++]!;
    g.topHead = list;
    g.topCount = count;
    g.topMin = min;
    g.topMax = max;
    this.spread(g);
    return true;
  }

  /** Re-spreads rung g's top list over fresh buckets covering [topMin, topMax]. */
  private spread(g: Rung): void {
    const min = g.topMin;
    const span = g.topMax - min;
    let nb = Math.ceil(g.topCount * BUCKETS_PER_EVENT);
    let invW = nb / span;
    if (!(span > 0) || !Number.isFinite(invW)) invW = 1 / g.width;
    else g.width = span / nb;
    g.base = min;
    g.invW = invW;
    nb = g.index(g.topMax) + 1; // exact for the float function used by push
    if (g.head.length < nb) {
      const n = Math.max(nb, 2 * g.head.length);
      g.head = new Int32Array(n).fill(-1);
      g.count = new Int32Array(n);
    }
    g.nb = nb;
    g.cur = -1;
    let s = g.topHead;
    g.topHead = -1;
    g.topCount = 0;
    g.topMin = Infinity;
    g.topMax = -Infinity;
    const head = g.head;
    const count = g.count;
    const next = this.next;
    const time = this.time;
    while (s >= 0) {
      const after = next[s]!;
      const idx = g.index(time[s]!);
      next[s] = head[idx]!;
      head[idx] = s;
      count[idx]!++;
      s = after;
    }
  }
}
