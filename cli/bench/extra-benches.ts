/**
 * Figures of the sweep pool and of trace replay, measured in this run.
 *
 * Sweep: scenarios/sweeps/bench.yaml with 1 and 2 workers. A fresh worker spends seconds of CPU
 * in V8's JIT (mostly on background compiler threads) before the simulator runs at speed — a
 * one-off cost per worker that, on 2 cores, also steals the other worker's core. So the figures
 * come twice: `cold` (a new pool per run: start-up and warm-up included, as a user of a short
 * sweep sees it) and warm (pools warmed on short copies of the same cells, then timed; best of
 * three alternating runs, since other processes share the machine). `benchLoadAvg1m` is the 1-min
 * load average around the timed runs: with load above the core count the speed-up cannot show.
 */
import os from 'node:os';
import path from 'node:path';
import { CellPool, expandGrid } from '../../sweeps/index.js';
import { loadSweepOrThrow, measureSweepThroughput } from '../commands/sweep.js';
import { PROJECT_ROOT } from './model-bench.js';
import { traceReplayBench } from './trace-replay-bench.js';

/** Simulated seconds of each warm-up copy of a bench cell (the bench cells run 1,200 s). */
const WARMUP_HORIZON_S = 240;
const WARM_REPEATS = 3;

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export async function sweepFigures(log: (msg: string) => void): Promise<Record<string, number>> {
  const sweep = path.join(PROJECT_ROOT, 'scenarios/sweeps/bench.yaml');
  const def = loadSweepOrThrow(sweep);
  const loadBefore = os.loadavg()[0]!;
  log('sweep: scenarios/sweeps/bench.yaml, cold pools (start-up and JIT warm-up timed): 1 worker, then 2…');
  const cold1 = await measureSweepThroughput(sweep, 1);
  const cold2 = await measureSweepThroughput(sweep, 2);
  const warmup = expandGrid(def).map((c) => ({
    scenario: { ...c.scenario, horizon_s: WARMUP_HORIZON_S },
    file: def.baseFile,
  }));
  const pools = [new CellPool(1), new CellPool(2)] as const;
  try {
    log('sweep: warming a 1-worker and a 2-worker pool…');
    const t0 = performance.now();
    const warmed = (await Promise.all(pools.map((p) => p.warm(warmup)))).reduce((a, b) => a + b, 0);
    const warmupSeconds = (performance.now() - t0) / 1000;
    if (warmed !== 3) log(`sweep: warning: only ${warmed} of 3 workers got a warm-up batch`);
    const best = [0, 0];
    for (let rep = 0; rep < WARM_REPEATS; rep++) {
      for (const [i, pool] of pools.entries()) {
        log(`sweep: warm pool, ${pool.workers} worker(s), run ${rep + 1}/${WARM_REPEATS}…`);
        const r = await measureSweepThroughput(sweep, pool.workers, pool);
        best[i] = Math.max(best[i]!, r.cellsPerSec);
      }
    }
    const [one, two] = best as [number, number];
    return {
      sweepCells: cold1.cells,
      sweepCellsPerSec1Worker: round(one, 3),
      sweepCellsPerSec2Workers: round(two, 3),
      sweepSpeedup2v1: round(two / one, 2),
      sweepMeanCellSeconds: round(1 / one, 3),
      sweepColdCellsPerSec1Worker: round(cold1.cellsPerSec, 3),
      sweepColdCellsPerSec2Workers: round(cold2.cellsPerSec, 3),
      sweepColdSpeedup2v1: round(cold2.cellsPerSec / cold1.cellsPerSec, 2),
      sweepWarmupSeconds: round(warmupSeconds, 2),
      benchLoadAvg1m: round(Math.max(loadBefore, os.loadavg()[0]!), 2),
      benchCores: os.availableParallelism(),
    };
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

export async function extraBenches(log: (msg: string) => void): Promise<Record<string, unknown>> {
  return { ...(await sweepFigures(log)), ...(await traceReplayBench(log)) };
}
