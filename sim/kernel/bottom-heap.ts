/**
 * A small 4-ary min-heap of event slots keyed `(time, tie)`, keys stored inline and interleaved
 * (`key[2i]` = time, `key[2i+1]` = tie) so a node's four children sit in one or two cache lines.
 *
 * It is the bottom of the ladder queue (ladder-queue.ts): it only ever holds the few events of
 * the bucket being consumed (plus events at +∞), so it stays in L1. Pop moves the hole down by
 * the smaller child and drops the last entry into it (no swaps). The tie key is unique per event
 * (it embeds the kernel's seq), so the order is total and deterministic.
 */
export class BottomHeap {
  private key: Float64Array;
  private slot: Int32Array;
  size = 0;

  constructor(capacity = 64) {
    this.key = new Float64Array(2 * capacity);
    this.slot = new Int32Array(capacity);
  }

  /** Time of the minimum; the heap must not be empty. */
  minTime(): number {
    return this.key[0]!;
  }

  push(time: number, tie: number, slot: number): void {
    if (this.size === this.slot.length) this.grow();
    const k = this.key;
    const s = this.slot;
    let pos = this.size++;
    while (pos > 0) {
      const parent = (pos - 1) >> 2;
      const pt = k[2 * parent]!;
      if (pt < time || (pt === time && k[2 * parent + 1]! < tie)) break;
      k[2 * pos] = pt;
      k[2 * pos + 1] = k[2 * parent + 1]!;
      s[pos] = s[parent]!;
      pos = parent;
    }
    k[2 * pos] = time;
    k[2 * pos + 1] = tie;
    s[pos] = slot;
  }

  /** Removes the minimum and returns its slot; the heap must not be empty. */
  pop(): number {
    const k = this.key;
    const s = this.slot;
    const top = s[0]!;
    const n = --this.size;
    if (n === 0) return top;
    const time = k[2 * n]!;
    const tie = k[2 * n + 1]!;
    let pos = 0;
    for (;;) {
      let c = 4 * pos + 1;
      if (c >= n) break;
      let ct = k[2 * c]!;
      let ck = k[2 * c + 1]!;
      const end = c + 4 < n ? c + 4 : n;
      for (let j = c + 1; j < end; j++) {
        const jt = k[2 * j]!;
        if (jt < ct || (jt === ct && k[2 * j + 1]! < ck)) {
          c = j;
          ct = jt;
          ck = k[2 * j + 1]!;
        }
      }
      if (time < ct || (time === ct && tie < ck)) break;
      k[2 * pos] = ct;
      k[2 * pos + 1] = ck;
      s[pos] = s[c]!;
      pos = c;
    }
    k[2 * pos] = time;
    k[2 * pos + 1] = tie;
    s[pos] = s[n]!;
    return top;
  }

  private grow(): void {
    const key = new Float64Array(this.key.length * 2);
    key.set(this.key);
    this.key = key;
    const slot = new Int32Array(this.slot.length * 2);
    slot.set(this.slot);
    this.slot = slot;
  }
}
