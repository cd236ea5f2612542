/**
 * What the coordinator (`parasim sweep --queue`) and the workers (`parasim worker`) agree on:
 * Redis key names, the job payload, and the connection check. One BullMQ queue per sweep, named
 * from the sweep's identity, so two sweeps on one Redis never mix; a Redis set lists the queues
 * that have a coordinator, which is how workers (started without a sweep file) find them.
 */
import { Redis } from 'ioredis';
import { expandGrid, shortHash, type CellOutcome, type CellTask, type SweepDefinition } from '../index.js';
import type { RedisTarget } from './redis-url.js';

/** BullMQ key prefix: every key this feature writes starts with `parasim:`. */
export const PREFIX = 'parasim';
/** Set of queue names that a coordinator has opened (removed when it finishes). */
export const ACTIVE_QUEUES = `${PREFIX}:active-queues`;
export const JOB_NAME = 'cell';

/**
 * Job id of a cell: `cell-<key>`. BullMQ refuses ids that look like integers, and a 16-hex-digit
 * key is all decimal digits about once in 2,000 cells.
 */
export function jobIdFor(key: string): string {
  return `cell-${key}`;
}

export function keyOfJobId(jobId: string): string {
  return jobId.startsWith('cell-') ? jobId.slice('cell-'.length) : jobId;
}

export interface CellJobData {
  /** Cell key (content hash of the resolved scenario + package version); the job id is `jobIdFor(key)`. */
  readonly key: string;
  /** The coordinator's code version: a worker with another version refuses the job. */
  readonly codeVersion: string;
  readonly task: CellTask;
}

/** What a job returns: the cell outcome, with `attainment` null when it was NaN (JSON). */
export type CellJobResult = CellOutcome;

/**
 * Queue name from the sweep's identity: a hash of its resolved cells' keys (grid), or of the
 * sweep definition (capacity mode, whose cells are only known as the search proceeds).
 */
export function queueNameFor(def: SweepDefinition): string {
  const identity =
    def.mode.kind === 'grid'
      ? expandGrid(def)
          .map((c) => c.key)
          .join('\n')
      : `capacity\n${def.hash}`;
  return `sweep-${shortHash(identity)}`;
}

/** Resolves when Redis answers PING within a few seconds; rejects with a message naming the URL. */
export async function checkReachable(target: RedisTarget): Promise<void> {
  const client = new Redis({
    ...target.options,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let cause: Error | undefined; // connect() only says "Connection is closed"; the socket error says why
  client.on('error', (err: Error) => {
    cause ??= err;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(
      `cannot reach Redis at ${target.shown}: ${(cause ?? (err as Error)).message || 'connection failed'}`,
    );
  } finally {
    client.disconnect();
  }
}
