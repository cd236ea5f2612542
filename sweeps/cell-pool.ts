/**
 * The worker-thread pool that runs cells (piscina). The worker is the compiled
 * `dist/sweeps/worker.js`, found relative to this module so the CLI works from dist; when this
 * module runs from TypeScript source (tests), the built worker beside the same path in dist/ is
 * used, so run `npm run build` first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { packageRoot } from './canonical.js';
import type { CellOutcome, CellTask, WarmupTask } from './worker.js';

export function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = path.join(path.dirname(here), 'worker.js');
  if (!here.endsWith('.ts') && fs.existsSync(sibling)) return sibling;
  const built = path.join(packageRoot(), 'dist', 'sweeps', 'worker.js');
  if (!fs.existsSync(built)) throw new Error(`sweep worker not built: ${built} is missing (run npm run build)`);
  return built;
}

/** Cores this process may use (cgroup/affinity aware where Node knows it). */
export function availableCores(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

export class CellPool {
  private readonly pool: Piscina<CellTask | WarmupTask, CellOutcome | number>;
  constructor(readonly workers: number) {
    this.pool = new Piscina<CellTask | WarmupTask, CellOutcome | number>({
      filename: pathToFileURL(workerFile()).href,
      minThreads: workers,
      maxThreads: workers,
      // Queue everything: the runner submits all cells at once and collects them as they finish.
      maxQueue: Infinity,
      idleTimeout: 60_000,
    });
  }
  run(task: CellTask): Promise<CellOutcome> {
    return this.pool.run(task) as Promise<CellOutcome>;
  }
  /**
   * Runs `tasks` (results discarded) on every worker at once, so each compiles the simulator's
   * hot paths before timed work; one batch per worker, and each busy worker takes no second
   * batch. Returns how many distinct workers ran a batch.
   */
  async warm(tasks: readonly CellTask[]): Promise<number> {
    const ids = await Promise.all(Array.from({ length: this.workers }, () => this.pool.run({ warmup: tasks })));
    return new Set(ids).size;
  }
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
