/** Figures of the sweep pool: the same sweep with 1 and 2 workers, measured in this run. */
import path from 'node:path';
import { measureSweepThroughput } from '../commands/sweep.js';
import { PROJECT_ROOT } from './model-bench.js';

export async function extraBenches(log: (msg: string) => void): Promise<Record<string, unknown>> {
  const sweep = path.join(PROJECT_ROOT, 'scenarios/sweeps/bench.yaml');
  log('sweep: scenarios/sweeps/bench.yaml with 1 worker, then 2…');
  const one = await measureSweepThroughput(sweep, 1);
  const two = await measureSweepThroughput(sweep, 2);
  return {
    sweepCells: one.cells,
    sweepCellsPerSec1Worker: Number(one.cellsPerSec.toFixed(3)),
    sweepCellsPerSec2Workers: Number(two.cellsPerSec.toFixed(3)),
    sweepSpeedup2v1: Number((two.cellsPerSec / one.cellsPerSec).toFixed(2)),
  };
}
