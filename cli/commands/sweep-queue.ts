/**
 * `parasim sweep … --queue redis://…` glue: check Redis before touching the results file, run the
 * sweep with the queue as its executor (workers elsewhere do the simulating), and `--status`.
 * Loaded lazily by cli/commands/sweep.ts so local sweeps never load BullMQ.
 */
import { Queue } from 'bullmq';
import {
  coordinatesText,
  expandGrid,
  runSweep,
  type SweepDefinition,
  type SweepProgress,
  type SweepRunSummary,
} from '../../sweeps/index.js';
import { CliError } from '../cli-error.js';
import { queueCodeVersion } from '../../sweeps/queue/code-version.js';
import { QueueExecutor } from '../../sweeps/queue/coordinator.js';
import { checkReachable, PREFIX, queueNameFor } from '../../sweeps/queue/protocol.js';
import { parseRedisUrl, type RedisTarget } from '../../sweeps/queue/redis-url.js';

/** The coordinator gives up on a vanished Redis after ~5 s (the file keeps every finished cell). */
const COORDINATOR_RETRY = { attempts: 10, delayMs: 500 };

export function targetOrThrow(url: string, retry = COORDINATOR_RETRY): RedisTarget {
  const t = parseRedisUrl(url, retry);
  if (typeof t === 'string') throw new CliError(t, 2);
  return t;
}

export async function reachableOrThrow(target: RedisTarget): Promise<void> {
  try {
    await checkReachable(target);
  } catch (err) {
    throw new CliError(`${(err as Error).message}; is redis-server running there? (results file not touched)`, 1);
  }
}

export interface QueueSweepArgs {
  readonly url: string;
  readonly out: string;
  readonly progress: (p: SweepProgress) => void;
}

export async function queueSweep(def: SweepDefinition, args: QueueSweepArgs): Promise<SweepRunSummary> {
  const target = targetOrThrow(args.url);
  await reachableOrThrow(target);
  const queueName = queueNameFor(def);
  const where =
    def.mode.kind === 'grid'
      ? new Map(expandGrid(def).map((c) => [c.key, `cell ${c.info.index} (${coordinatesText(c.info)})`]))
      : new Map<string, string>();
  const executor = await QueueExecutor.open({
    target,
    queueName,
    codeVersion: queueCodeVersion(),
    onJobFailed: (key, reason) =>
      process.stderr.write(`\n${where.get(key) ?? `cell ${key}`} failed on a worker: ${reason}\n`),
  });
  process.stderr.write(
    `sweep: queue ${queueName} on ${target.shown}, code ${queueCodeVersion()}; start workers with: parasim worker --queue ${target.shown}\n`,
  );
  // Queue mode always resumes: a restarted coordinator collects what the workers already finished.
  const r = await runSweep(def, { out: args.out, workers: 1, resume: true, progress: args.progress, executor });
  if (!r.ok) {
    await executor.close(); // runSweep refused before it took charge of the executor
    throw new CliError(r.message, 1);
  }
  return r.summary;
}

/** `--status`: job counts of this sweep's queue, on stdout. */
export async function printQueueStatus(def: SweepDefinition, url: string): Promise<void> {
  const target = targetOrThrow(url);
  await reachableOrThrow(target);
  const name = queueNameFor(def);
  const queue = new Queue(name, { connection: target.options, prefix: PREFIX });
  queue.on('error', () => {
    /* reported by the awaited calls */
  });
  try {
    const c = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'paused', 'active', 'completed', 'failed');
    const workers = await queue.getWorkersCount();
    const queued = (c['waiting'] ?? 0) + (c['delayed'] ?? 0) + (c['prioritized'] ?? 0) + (c['paused'] ?? 0);
    const total = queued + (c['active'] ?? 0) + (c['completed'] ?? 0) + (c['failed'] ?? 0);
    process.stdout.write(
      `queue ${name} on ${target.shown}: ${queued} queued, ${c['active'] ?? 0} running, ${c['completed'] ?? 0} done, ${c['failed'] ?? 0} failed; ${workers} worker connections` +
        `${total === 0 ? ' (no jobs: not started, or finished and collected)' : ''}\n`,
    );
  } finally {
    await queue.close();
  }
}
