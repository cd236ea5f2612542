/**
 * Joint device selection and layer partition (EdgeShard, arXiv 2405.14371, §IV): split `layers`
 * contiguous blocks into a chain of stages on distinct devices, choosing which devices take part
 * and where to cut, to minimize either the sum of stage and transfer costs (latency) or their
 * maximum (the pipeline's bottleneck, i.e. maximal throughput).
 *
 * Exact dynamic programme over states (layers done `i`, devices used `S`, last device `k`):
 *   f(e, S∪{j}, j) = min over i<e, k∈S of  f(i, S, k) ⊕ cut(k, j, i) ⊕ stage(j, i, e),
 * started by in(j) ⊕ stage(j, 0, e) and closed by ⊕ out(k), with ⊕ = + or max. Memory limits are
 * expressed as `stage = Infinity`. Cost is O(L²·N²·2^N); callers keep N ≤ 10 and L ≤ ~32 blocks.
 * `bruteForcePartition` enumerates every chain for testing the DP on small instances.
 */

export interface PartitionProblem {
  readonly layers: number;
  readonly devices: number;
  readonly objective: 'sum' | 'max';
  stageCost(device: number, first: number, end: number): number;
  cutCost(from: number, to: number, atLayer: number): number;
  inCost(device: number): number;
  outCost(device: number): number;
}

export interface PartitionStage {
  readonly device: number;
  readonly first: number;
  readonly end: number;
}
export interface Partition {
  readonly cost: number;
  readonly stages: readonly PartitionStage[];
}

export const MAX_DP_DEVICES = 10;

function combiner(objective: 'sum' | 'max'): (a: number, b: number) => number {
  return objective === 'sum' ? (a, b) => a + b : (a, b) => Math.max(a, b);
}

export function solvePartition(p: PartitionProblem): Partition | undefined {
  const { layers: L, devices: N } = p;
  if (N > MAX_DP_DEVICES) throw new Error(`partition DP over ${N} devices exceeds ${MAX_DP_DEVICES}`);
  if (L < 1 || N < 1) return undefined;
  const op = combiner(p.objective);
  const M = 1 << N;
  const idx = (mask: number, k: number, i: number) => (mask * N + k) * (L + 1) + i;
  const f = new Float64Array(M * N * (L + 1)).fill(Infinity);
  const parent = new Int32Array(M * N * (L + 1)).fill(-1);
  for (let j = 0; j < N; j++) {
    const start = p.inCost(j);
    for (let e = 1; e <= L; e++) {
      const c = op(start, p.stageCost(j, 0, e));
      if (c < f[idx(1 << j, j, e)]!) f[idx(1 << j, j, e)] = c;
    }
  }
  for (let mask = 1; mask < M; mask++) {
    for (let k = 0; k < N; k++) {
      if (!(mask & (1 << k))) continue;
      for (let i = 1; i < L; i++) {
        const here = f[idx(mask, k, i)]!;
        if (here === Infinity) continue;
        for (let j = 0; j < N; j++) {
          if (mask & (1 << j)) continue;
          const withCut = op(here, p.cutCost(k, j, i));
          if (withCut === Infinity) continue;
          const nm = mask | (1 << j);
          for (let e = i + 1; e <= L; e++) {
            const c = op(withCut, p.stageCost(j, i, e));
            const at = idx(nm, j, e);
            if (c < f[at]!) {
              f[at] = c;
              parent[at] = idx(mask, k, i);
            }
          }
        }
      }
    }
  }
  let best = Infinity,
    bestAt = -1;
  for (let mask = 1; mask < M; mask++) {
    for (let k = 0; k < N; k++) {
      const at = idx(mask, k, L);
      if (f[at]! === Infinity) continue;
      const c = op(f[at]!, p.outCost(k));
      if (c < best) {
        best = c;
        bestAt = at;
      }
    }
  }
  if (bestAt < 0 || best === Infinity) return undefined;
  const stages: PartitionStage[] = [];
  for (let at = bestAt; at >= 0;) {
    const i = at % (L + 1);
    const k = Math.floor(at / (L + 1)) % N;
    const prev = parent[at]!;
    const first = prev >= 0 ? prev % (L + 1) : 0;
    stages.unshift({ device: k, first, end: i });
    at = prev;
  }
  return { cost: best, stages };
}

/** Every chain of distinct devices and every cut; exponential, for tests only. */
export function bruteForcePartition(p: PartitionProblem): Partition | undefined {
  const op = combiner(p.objective);
  let best: Partition | undefined;
  const walk = (used: number[], cuts: number[], cost: number) => {
    const at = cuts[cuts.length - 1]!;
    if (at === p.layers) {
      const total = op(cost, p.outCost(used[used.length - 1]!));
      if (total < (best?.cost ?? Infinity)) {
        best = { cost: total, stages: used.map((d, n) => ({ device: d, first: cuts[n]!, end: cuts[n + 1]! })) };
      }
      return;
    }
    for (let j = 0; j < p.devices; j++) {
      if (used.includes(j)) continue;
      for (let e = at + 1; e <= p.layers; e++) {
        const c =
          used.length === 0
            ? op(p.inCost(j), p.stageCost(j, 0, e))
            : op(op(cost, p.cutCost(used[used.length - 1]!, j, at)), p.stageCost(j, at, e));
        if (c === Infinity) continue;
        walk([...used, j], [...cuts, e], c);
      }
    }
  };
  walk([], [0], 0);
  return best;
}
