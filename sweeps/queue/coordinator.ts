/**
 * The coordinator side of queue mode: a `CellExecutor` for `runSweep` that enqueues each cell as a
 * BullMQ job (job id from the cell key, so enqueueing again is a no-op) and resolves when a worker has
 * finished it. The sweep runner stays in charge of resume, line text and the final canonical
 * rewrite, so the file has the same bytes as a local run. Results arrive as QueueEvents; a slow
 * poll of the still-pending jobs covers events missed around (re)connection.
 */
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { cellKey, type CellExecutor, type CellOutcome, type CellTask } from '../index.js';
import {
  ACTIVE_QUEUES,
  JOB_NAME,
  jobIdFor,
  keyOfJobId,
  PREFIX,
  type CellJobData,
  type CellJobResult,
} from './protocol.js';
import type { RedisTarget } from './redis-url.js';

export interface CoordinatorOptions {
  readonly target: RedisTarget;
  readonly queueName: string;
  readonly codeVersion: string;
  /** A job failed on a worker (refused, crashed, stalled too often): told at once, by key. */
  readonly onJobFailed?: (key: string, reason: string) => void;
  /** How often pending jobs are polled when no event arrived (ms). */
  readonly pollMs?: number;
}

type Waiter = { resolve: (o: CellOutcome) => void; reject: (e: Error) => void };

const BATCH = 500;

/** A worker's JSON turns a NaN attainment into null; the runner expects a number. */
function outcomeOf(v: unknown): CellOutcome {
  const o = v as { ok?: unknown; resultJson?: unknown; attainment?: unknown; message?: unknown } | null;
  if (o?.ok === true && typeof o.resultJson === 'string') {
    return {
      ok: true,
      resultJson: o.resultJson,
      attainment: typeof o.attainment === 'number' ? o.attainment : Number.NaN,
    };
  }
  return {
    ok: false,
    message: typeof o?.message === 'string' ? o.message : `unreadable job result: ${JSON.stringify(v)}`,
  };
}

export class QueueExecutor implements CellExecutor {
  private readonly pending = new Map<string, Waiter>();
  private buffer: CellJobData[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private fatal: Error | null = null;
  private lastEvent = 0;
  private failedJobs = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly opts: CoordinatorOptions,
    private readonly queue: Queue<CellJobData, CellJobResult>,
    private readonly events: QueueEvents,
    private readonly registry: Redis,
  ) {
    events.on('completed', ({ jobId, returnvalue }) => this.settle(keyOfJobId(jobId), outcomeOf(returnvalue)));
    events.on('failed', ({ jobId, failedReason }) => this.fail(keyOfJobId(jobId), failedReason));
    registry.on('end', () => this.abort(new Error(`lost the connection to Redis at ${opts.target.shown}`)));
    const poll = opts.pollMs ?? 2000;
    this.timer = setInterval(() => void this.pollPending(poll), poll);
  }

  /** Connects (queue, events, registry), announces the queue to workers. Rejects if Redis is gone. */
  static async open(opts: CoordinatorOptions): Promise<QueueExecutor> {
    const registry = new Redis(opts.target.options);
    const queue = new Queue<CellJobData, CellJobResult>(opts.queueName, {
      connection: opts.target.options,
      prefix: PREFIX,
    });
    const events = new QueueEvents(opts.queueName, { connection: opts.target.options, prefix: PREFIX });
    // Reconnects are bounded; the registry connection's 'end' is what ends the sweep.
    registry.on('error', () => undefined);
    queue.on('error', () => undefined);
    events.on('error', () => undefined);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const exec = new QueueExecutor(opts, queue, events, registry);
    await registry.sadd(ACTIVE_QUEUES, opts.queueName);
    return exec;
  }

  run(task: CellTask): Promise<CellOutcome> {
    if (this.fatal !== null) return Promise.reject(this.fatal);
    const key = cellKey(task.scenario);
    const p = new Promise<CellOutcome>((resolve, reject) => this.pending.set(key, { resolve, reject }));
    this.buffer.push({ key, codeVersion: this.opts.codeVersion, task });
    // The runner submits every cell in one tick: enqueue them together after it.
    if (this.buffer.length === 1)
      setImmediate(() => {
        this.flushing = this.flushing.then(() => this.flush());
      });
    return p;
  }

  /** Jobs that failed on a worker so far (refusals included). */
  get failedCount(): number {
    return this.failedJobs;
  }

  private async flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    try {
      // An empty queue has no earlier jobs to adopt: skip one lookup per cell.
      const counts = await this.queue.getJobCounts();
      const fresh = Object.values(counts).every((n) => n === 0);
      for (let i = 0; i < batch.length; i += BATCH) {
        const chunk = batch.slice(i, i + BATCH);
        await this.queue.addBulk(chunk.map((d) => ({ name: JOB_NAME, data: d, opts: { jobId: jobIdFor(d.key) } })));
        if (!fresh) await Promise.all(chunk.map((d) => this.adoptExisting(d)));
      }
    } catch (err) {
      this.abort(new Error(`enqueueing on Redis at ${this.opts.target.shown} failed: ${(err as Error).message}`));
    }
  }

  /**
   * A job with this id may predate this coordinator (a restarted sweep): take its result if it
   * finished; run it again if it failed or was made by other code.
   */
  private async adoptExisting(d: CellJobData): Promise<void> {
    const job = await this.queue.getJob(jobIdFor(d.key));
    if (job === undefined) return;
    if (job.data.codeVersion !== d.codeVersion) {
      const state = await job.getState();
      if (state === 'active') return; // its worker refuses or finishes it; the failure is reported
      await job.remove();
      await this.queue.add(JOB_NAME, d, { jobId: jobIdFor(d.key) });
      return;
    }
    if (job.finishedOn === undefined) return;
    if (job.failedReason !== undefined && job.failedReason !== '' && (await job.getState()) === 'failed')
      await job.retry('failed');
    else this.settle(d.key, outcomeOf(job.returnvalue));
  }

  /** Fallback for missed events: look up the pending jobs when the event stream was quiet. */
  private async pollPending(periodMs: number): Promise<void> {
    if (this.pending.size === 0 || Date.now() - this.lastEvent < periodMs || this.fatal !== null) return;
    try {
      for (const key of [...this.pending.keys()].slice(0, 200)) {
        const job = await this.queue.getJob(jobIdFor(key));
        if (job?.finishedOn === undefined) continue;
        const state = await job.getState();
        if (state === 'completed') this.settle(key, outcomeOf(job.returnvalue));
        else if (state === 'failed') this.fail(key, job.failedReason);
      }
    } catch {
      /* Redis trouble: the registry connection's 'end' decides */
    }
  }

  private settle(key: string, outcome: CellOutcome): void {
    this.lastEvent = Date.now();
    const w = this.pending.get(key);
    if (w === undefined) return;
    this.pending.delete(key);
    w.resolve(outcome);
  }

  private fail(key: string, reason: string): void {
    if (!this.pending.has(key)) return;
    this.failedJobs++;
    this.opts.onJobFailed?.(key, reason);
    this.settle(key, { ok: false, message: `failed on a worker: ${reason}` });
  }

  private abort(err: Error): void {
    if (this.fatal !== null) return;
    this.fatal = err;
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
  }

  /**
   * Withdraws the queue from the workers. A fully collected queue with no failed job is deleted
   * (its results are in the file); otherwise it stays, so a rerun can collect or retry it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    try {
      if (this.fatal === null) {
        await this.registry.srem(ACTIVE_QUEUES, this.opts.queueName);
        if (this.pending.size === 0 && this.failedJobs === 0) await this.queue.obliterate({ force: true });
      }
    } finally {
      await Promise.allSettled([this.events.close(), this.queue.close()]);
      this.registry.disconnect();
    }
  }
}
