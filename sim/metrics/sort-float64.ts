/**
 * Sorting latency samples: an LSD radix sort over the IEEE-754 bits, giving exactly the order of
 * `Float64Array.prototype.sort()` (−∞ … −0, +0 … +∞, NaN last) in O(n). V8's built-in typed-array
 * sort goes through a generic comparison per pair and costs ~100 ms per 50k samples in a fresh
 * process — more than a whole simulated hour's percentile work should.
 */

/** Below this length the built-in sort is cheap enough. */
const SMALL = 256;
const SIGN = 0x80000000;
/** The key extraction reads the two 32-bit halves of each double in little-endian order. */
// Stryker disable next-line all: equivalent here — on this (little-endian) machine a wrong answer only sends every array to the built-in sort, same order.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Sorts `a` in place, ascending, in the same order as `a.sort()`. */
export function sortFloat64(a: Float64Array): void {
  const n = a.length;
  // Stryker disable next-line all: equivalent — which path sorts is a speed choice: the built-in sort and the radix sort give the same order at any length.
  if (n < SMALL || !LITTLE_ENDIAN) {
    a.sort();
    return;
  }
  // NaNs go last (any payload: the built-in sort puts every NaN after +∞).
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    if (x === x) a[m++] = x;
  }
  // Order-preserving unsigned keys: negative numbers flip every bit, others flip the sign bit.
  const words = new Uint32Array(a.buffer, a.byteOffset, 2 * m);
  let lo = new Uint32Array(m);
  let hi = new Uint32Array(m);
  const counts = new Int32Array(8 * 256);
  for (let i = 0; i < m; i++) {
    let l = words[2 * i]!;
    let h = words[2 * i + 1]!;
    if (h & SIGN) {
      l = ~l >>> 0;
      h = ~h >>> 0;
    } else h = (h | SIGN) >>> 0;
    lo[i] = l;
    hi[i] = h;
    for (let b = 0; b < 4; b++) {
      const kl = b * 256 + ((l >>> (8 * b)) & 255);
      const kh = 1024 + b * 256 + ((h >>> (8 * b)) & 255);
      counts[kl] = counts[kl]! + 1;
      counts[kh] = counts[kh]! + 1;
    }
  }
  let lo2 = new Uint32Array(m);
  let hi2 = new Uint32Array(m);
  for (let pass = 0; pass < 8; pass++) {
    const base = pass * 256;
    const shift = (pass & 3) * 8;
    const useHi = pass >= 4;
    // A byte every key shares leaves the order unchanged: skip the pass.
    // Stryker disable all: a speed-up only — a pass not skipped gives the same order, and a
    // skipped pass's bucket holds every key (tested: "all keys share their high bytes").
    let skip = false;
    for (let b = 0; b < 256; b++) {
      const c = counts[base + b]!;
      if (c === m) {
        skip = true;
        break;
      }
      if (c !== 0) break;
    }
    if (skip) continue;
    // Stryker restore all
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = counts[base + b]!;
      counts[base + b] = sum;
      sum += c;
    }
    const key = useHi ? hi : lo;
    for (let i = 0; i < m; i++) {
      const d = base + ((key[i]! >>> shift) & 255);
      const at = counts[d]!;
      counts[d] = at + 1;
      lo2[at] = lo[i]!;
      hi2[at] = hi[i]!;
    }
    const tl = lo;
    lo = lo2;
    lo2 = tl;
    const th = hi;
    hi = hi2;
    hi2 = th;
  }
  // Stryker disable next-line EqualityOperator: equivalent — slot m is past the view (no NaN) or refilled with NaN below.
  for (let i = 0; i < m; i++) {
    const l = lo[i]!;
    const h = hi[i]!;
    if (h & SIGN) {
      words[2 * i] = l;
      words[2 * i + 1] = (h & ~SIGN) >>> 0;
    } else {
      words[2 * i] = ~l >>> 0;
      words[2 * i + 1] = ~h >>> 0;
    }
  }
  a.fill(NaN, m);
}
