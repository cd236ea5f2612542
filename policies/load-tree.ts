/**
 * A tournament tree over a fixed list: each inner node holds the position of the smaller key of
 * its two children (the left one on a tie), so the root is the least key, first in list order —
 * exactly what a left-to-right scan with `<` returns. Changing one key costs O(log n); reading
 * the least is O(1). Used for least-loaded routing over a service's instances at fleet size.
 */
export class MinTree {
  private readonly size: number;
  /** Winner position per tree node (1 = root); leaves at [size, size + n); −1 = empty. */
  private readonly win: Int32Array;
  readonly keys: Float64Array;

  constructor(readonly n: number) {
    let size = 1;
    while (size < n) size *= 2;
    this.size = size;
    this.win = new Int32Array(2 * size).fill(-1);
    this.keys = new Float64Array(n);
  }

  private better(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    return this.keys[b]! < this.keys[a]! ? b : a;
  }

  /** Sets every key at once (O(n)). */
  fill(key: (pos: number) => number): void {
    for (let i = 0; i < this.n; i++) {
      this.keys[i] = key(i);
      this.win[this.size + i] = i;
    }
    for (let v = this.size - 1; v >= 1; v--) this.win[v] = this.better(this.win[2 * v]!, this.win[2 * v + 1]!);
  }

  /** Position `pos` now has `key`. */
  set(pos: number, key: number): void {
    if (this.keys[pos] === key) return;
    this.keys[pos] = key;
    for (let v = (this.size + pos) >> 1; v >= 1; v >>= 1)
      this.win[v] = this.better(this.win[2 * v]!, this.win[2 * v + 1]!);
  }

  /** Position of the least key (first on ties), −1 when empty. */
  argmin(): number {
    return this.n === 0 ? -1 : this.win[1]!;
  }
}
