/**
 * The worker side of queue mode (`parasim worker`): watches the set of active sweep queues,
 * serves each with a BullMQ Worker, and runs the cells on this machine's worker-thread pool (the
 * same `CellPool` a local sweep uses). A job made by other code is refused: failed with a message
 * naming both versions, and this process stops taking that sweep's jobs. A worker killed mid-cell
 * loses its lock; another worker's stalled check puts the job back after `lockMs` + ~2×`stalledMs`.
 */
import os from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { CellPool } from '../index.js';
import { ACTIVE_QUEUES, PREFIX, type CellJobData, type CellJobResult } from './protocol.js';
import type { RedisTarget } from './redis-url.js';

export interface WorkerHostOptions {
  readonly target: RedisTarget;
  readonly concurrency: number;
  readonly codeVersion: string;
  /** Job lock (ms): how long a silent (killed) worker keeps its cells before others take them. */
  readonly lockMs: number;
  /** How often this worker looks for stalled jobs of dead workers (ms). */
  readonly stalledMs: number;
  /** Stalls a job survives before it is failed (a cell that kills every worker that runs it). */
  readonly maxStalled: number;
  /** How often the list of active sweeps is read (ms). */
  readonly pollMs: number;
  readonly verbose: boolean;
  readonly log: (msg: string) => void;
}

export interface WorkerHostSummary {
  readonly cells: number;
  readonly refused: number;
}

export class WorkerHost {
  private readonly workers = new Map<string, Worker<CellJobData, CellJobResult>>();
  private readonly refused = new Set<string>();
  private readonly pool: CellPool;
  private readonly registry: Redis;
  private readonly id = `${os.hostname()}:${process.pid}`;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private cells = 0;
  private refusedJobs = 0;
  private finished!: (err: Error | null) => void;
  /** Settles when the host stops: null on a requested stop, an error when Redis is gone for good. */
  readonly done: Promise<Error | null>;

  constructor(private readonly opts: WorkerHostOptions) {
    this.pool = new CellPool(opts.concurrency);
    this.registry = new Redis(opts.target.options);
    this.registry.on('error', () => {
      /* bounded reconnect; 'end' is fatal */
    });
    this.registry.on('end', () => void this.stop(new Error(`lost the connection to Redis at ${opts.target.shown}`)));
    this.done = new Promise((resolve) => {
      this.finished = resolve;
    });
  }

  start(): void {
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        await this.sync(await this.registry.smembers(ACTIVE_QUEUES));
      } catch {
        /* a failed read is retried next tick; a lost connection ends via 'end' */
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.opts.pollMs);
    };
    void tick();
  }

  get summary(): WorkerHostSummary {
    return { cells: this.cells, refused: this.refusedJobs };
  }

  /** Serves new active queues, lets go of those whose coordinator finished. */
  private async sync(active: readonly string[]): Promise<void> {
    for (const name of active) {
      if (this.workers.has(name) || this.refused.has(name) || this.stopped) continue;
      this.workers.set(name, this.serve(name));
      this.opts.log(`serving ${name} (${this.opts.concurrency} threads)`);
    }
    for (const [name, w] of this.workers) {
      if (active.includes(name)) continue;
      this.workers.delete(name);
      await w.close();
      this.opts.log(`${name} finished`);
    }
  }

  private serve(name: string): Worker<CellJobData, CellJobResult> {
    const w = new Worker<CellJobData, CellJobResult>(name, (job) => this.process(name, job), {
      connection: this.opts.target.options,
      prefix: PREFIX,
      concurrency: this.opts.concurrency,
      lockDuration: this.opts.lockMs,
      stalledInterval: this.opts.stalledMs,
      maxStalledCount: this.opts.maxStalled,
      drainDelay: 1,
    });
    w.on('error', () => {
      /* connection trouble: see the registry's 'end' */
    });
    return w;
  }

  private async process(name: string, job: Job<CellJobData, CellJobResult>): Promise<CellJobResult> {
    const wanted = job.data.codeVersion;
    if (wanted !== this.opts.codeVersion) {
      const msg =
        `code version mismatch: worker ${this.id} runs ${this.opts.codeVersion}, the sweep was queued by ${wanted}; ` +
        "update/rebuild this machine to the coordinator's code (npm run build) and restart parasim worker";
      this.refusedJobs++;
      if (!this.refused.has(name)) {
        this.refused.add(name);
        this.opts.log(`refusing ${name}: ${msg}`);
        // Closing waits for active jobs, this one included: do it after this job has failed.
        setImmediate(() => void this.release(name));
      }
      throw new UnrecoverableError(msg);
    }
    if (this.opts.verbose) this.opts.log(`cell ${job.data.key} start (${name})`);
    const outcome = await this.pool.run(job.data.task);
    this.cells++;
    if (this.opts.verbose) this.opts.log(`cell ${job.data.key} ${outcome.ok ? 'done' : 'failed'} (${name})`);
    return outcome;
  }

  private async release(name: string): Promise<void> {
    const w = this.workers.get(name);
    this.workers.delete(name);
    await w?.close();
  }

  /** Stops taking jobs, lets running cells finish (their results are still delivered), closes. */
  async stop(err: Error | null = null): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    const closing = [...this.workers.values()].map((w) => (err === null ? w.close() : w.close(true)));
    this.workers.clear();
    await Promise.allSettled(closing);
    await this.pool.close();
    this.registry.disconnect();
    this.finished(err);
  }
}
