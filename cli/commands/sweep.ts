/**
 * `parasim sweep <sweep.yaml>` — run every cell of a sweep on worker threads; results JSONL
 * (docs/sweeps.md) identical whatever --workers is; --resume continues a killed run; --shard I/N
 * runs one deterministic slice (merge the parts with `parasim merge`). Progress and wall time go
 * to stderr only. Also exports the progress bar and the throughput measurement for bench/start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { envBound, formatIssues } from '../../scenarios/index.js';
import {
  availableCores,
  expandGrid,
  loadSweepFile,
  parseShard,
  runSweep,
  shortHash,
  stableJson,
  type SweepDefinition,
  type SweepProgress,
  type SweepRunSummary,
} from '../../sweeps/index.js';
import { withCatalogFile } from '../catalog-option.js';
import { CliError } from '../cli-error.js';
import { checkOutputPath } from '../output-path.js';

interface SweepArgs {
  sweep: string;
  workers?: number;
  out?: string;
  resume: boolean;
  shard?: string;
  queue?: string;
  status: boolean;
  catalog?: string;
}

/** Progress on stderr: a redrawn bar on a TTY, a plain line every ~10% (and 5 s) otherwise. */
export function progressPrinter(label: string): (p: SweepProgress) => void {
  const tty = process.stderr.isTTY === true;
  const t0 = performance.now();
  let lastDraw = 0;
  let lastPlainPct = -1;
  let lastPlainT = 0;
  return (p) => {
    const now = performance.now();
    const finished = p.done === p.total && p.total > 0;
    if (tty && !finished && now - lastDraw < 100) return;
    const elapsed = (now - t0) / 1000;
    const ran = p.done - p.reused;
    const rate = elapsed > 0 ? ran / elapsed : 0;
    const eta = rate > 0 ? (p.total - p.done) / rate : NaN;
    const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
    const tail =
      `${p.done}/${p.total} cells  ${rate.toFixed(2)} cells/s  ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : '?'}` +
      `${p.failed > 0 ? `  ${p.failed} failed` : ''}${p.reused > 0 ? `  ${p.reused} reused` : ''}`;
    if (tty) {
      const width = 24;
      const fill = Math.round((width * pct) / 100);
      process.stderr.write(
        `\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}%  ${tail}\x1b[K${finished ? '\n' : ''}`,
      );
      lastDraw = now;
    } else if (finished || pct >= lastPlainPct + 10 || (now - lastPlainT > 5000 && p.done > 0)) {
      if (pct === lastPlainPct && !finished) return;
      process.stderr.write(`${label} ${pct}%  ${tail}\n`);
      lastPlainPct = pct;
      lastPlainT = now;
    }
  };
}

export function loadSweepOrThrow(file: string): SweepDefinition {
  const loaded = loadSweepFile(file);
  if (!loaded.ok) throw new CliError(formatIssues(loaded.issues), 1);
  return loaded.value;
}

/**
 * The sweep with `--catalog FILE` folded into its base scenario (cli/catalog-option.ts); the sweep
 * hash covers the catalog too, so parts run with different catalogs do not merge as one sweep.
 */
export function withSweepCatalog(def: SweepDefinition, catalogFile: string): SweepDefinition {
  const base = withCatalogFile(def.base, def.baseFile, catalogFile);
  return { ...def, base, hash: shortHash(`${def.hash}\n${stableJson(base['catalog'])}`) };
}

/** Cells run at once: every cell of a grid; a capacity search probes two loads per seed at a time. */
function parallelCells(def: SweepDefinition): number {
  return def.mode.kind === 'grid' ? expandGrid(def).length : def.seeds.length * 2;
}

/** Default worker count: min(cells, available cores). */
export function defaultWorkers(def: SweepDefinition): number {
  return Math.max(1, Math.min(parallelCells(def), availableCores()));
}

/** Most worker threads a sweep starts (each is a V8 isolate of ~50 MB); PARASIM_MAX_WORKERS raises it. */
export const DEFAULT_MAX_WORKERS = 64;

/**
 * `--workers` as asked, capped at the cells that can run at once (300 threads for 8 cells crashed
 * V8 and left a partial file); above the bound it is an error naming the bound.
 */
export function workersFor(def: SweepDefinition, asked: number | undefined): number {
  if (asked === undefined) return defaultWorkers(def);
  const max = envBound('PARASIM_MAX_WORKERS', DEFAULT_MAX_WORKERS);
  const cells = Math.max(1, parallelCells(def));
  const used = Math.min(asked, cells);
  if (used > max)
    throw new CliError(
      `--workers ${asked} is above the bound of ${max} worker threads; raise it with PARASIM_MAX_WORKERS (docs/limits.md)`,
      2,
    );
  if (used < asked) process.stderr.write(`sweep: --workers ${asked} capped at ${used} (the number of cells)\n`);
  return used;
}

/** Prints failures with their coordinates and sets a failing exit code when any cell failed. */
export function reportSummary(s: SweepRunSummary, seconds: number): void {
  for (const f of s.failures)
    process.stderr.write(`cell ${f.index} failed (${f.coordinates}):\n  ${f.message.replace(/\n/g, '\n  ')}\n`);
  process.stderr.write(
    `${s.cells} cells (${s.ran} run, ${s.reused} reused, ${s.failures.length} failed) in ${seconds.toFixed(1)} s → ${s.out}\n`,
  );
  if (s.capacityFile !== undefined) process.stderr.write(`goodput capacity → ${s.capacityFile}\n`);
  if (s.failures.length > 0) process.exitCode = 1;
}

type Executor = NonNullable<Parameters<typeof runSweep>[1]['executor']>;

/**
 * Bench hook: cells per second of wall time for a sweep run with `workers` threads. Without
 * `warmPool` a fresh pool is made and the time includes its start-up and JIT warm-up, as a user
 * sees it; with one (already warmed by the caller, who also closes it) only the cells are timed.
 * Writes to a temporary file that it removes.
 */
export async function measureSweepThroughput(
  sweepPath: string,
  workers: number,
  warmPool?: Pick<Executor, 'run'>,
): Promise<{ cells: number; seconds: number; cellsPerSec: number }> {
  const def = loadSweepOrThrow(sweepPath);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-sweep-bench-'));
  // runSweep closes its executor when done; a caller's warm pool outlives this run.
  const executor: Executor | undefined = warmPool && { run: (t) => warmPool.run(t), close: () => Promise.resolve() };
  try {
    const t0 = performance.now();
    const r = await runSweep(def, {
      out: path.join(dir, 'results.jsonl'),
      workers,
      resume: false,
      ...(executor ? { executor } : {}),
    });
    const seconds = (performance.now() - t0) / 1000;
    if (!r.ok) throw new CliError(r.message, 1);
    return { cells: r.summary.cells, seconds, cellsPerSec: r.summary.cells / seconds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `--queue` / `--status` (sweep-queue.ts + sweeps/queue, loaded only when asked for: BullMQ is not needed otherwise). */
async function queueMode(def: SweepDefinition, args: SweepArgs, out: string): Promise<void> {
  if (args.queue === undefined) throw new CliError('--status needs --queue redis://HOST:PORT', 2);
  if (args.shard !== undefined)
    throw new CliError('--queue and --shard do not combine: the queue already spreads the cells over the workers', 2);
  const q = await import('./sweep-queue.js');
  if (args.status) return q.printQueueStatus(def, args.queue);
  const t0 = performance.now();
  const summary = await q.queueSweep(def, { url: args.queue, out, progress: progressPrinter('sweep') });
  reportSummary(summary, (performance.now() - t0) / 1000);
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep <sweep>',
  describe: 'Run a parameter sweep (grid or goodput-capacity) on worker threads; JSONL results.',
  builder: (y) =>
    y
      .positional('sweep', { type: 'string', demandOption: true, describe: 'sweep YAML (docs/sweeps.md)' })
      .option('workers', { type: 'number', describe: 'worker threads (default: min(cells, cores))' })
      .option('out', {
        type: 'string',
        describe: 'results JSONL (default results.jsonl, or part-I.jsonl with --shard)',
      })
      .option('resume', {
        type: 'boolean',
        default: false,
        describe: 'keep finished cells of an existing --out and run the rest',
      })
      .option('shard', { type: 'string', nargs: 1, describe: 'I/N: run only cells with index % N == I' })
      .option('queue', {
        type: 'string',
        describe: 'redis://HOST:PORT: enqueue the cells for `parasim worker`s and collect them (implies --resume)',
      })
      .option('status', {
        type: 'boolean',
        default: false,
        describe: 'with --queue: print queued/running/done/failed counts and exit',
      })
      .option('catalog', {
        type: 'string',
        describe:
          "catalog file (YAML devices/models/links/profiles, or a profile CSV) folded into every cell's catalog: section",
      }),
  handler: async (args) => {
    const shard = args.shard !== undefined ? parseShard(args.shard) : undefined;
    if (shard === null) throw new CliError(`--shard must be I/N with 0 <= I < N (got ${args.shard})`, 2);
    if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 1)) {
      throw new CliError(`--workers must be a positive integer (got ${args.workers})`, 2);
    }
    const out = args.out ?? (shard !== undefined ? `part-${shard.index}.jsonl` : 'results.jsonl');
    if (!args.status) checkOutputPath(out, '--out', { createParents: true });
    const loadedDef = loadSweepOrThrow(args.sweep);
    const def = args.catalog !== undefined ? withSweepCatalog(loadedDef, args.catalog) : loadedDef;
    if (args.queue !== undefined || args.status) return queueMode(def, args, out);
    const workers = workersFor(def, args.workers);
    const t0 = performance.now();
    const r = await runSweep(def, {
      out,
      workers,
      resume: args.resume,
      progress: progressPrinter('sweep'),
      ...(shard !== undefined ? { shard } : {}),
    });
    if (!r.ok) throw new CliError(r.message, 1);
    reportSummary(r.summary, (performance.now() - t0) / 1000);
  },
};
