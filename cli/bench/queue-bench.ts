/**
 * Queue overhead per cell: N no-op jobs through the real coordinator (`QueueExecutor`: enqueue,
 * events, collection) and a BullMQ worker of concurrency 1 whose processor returns a canned
 * outcome at once, on a redis-server started here on a free loopback port. Wall time / N is what
 * the queue adds to every cell on one worker slot (fetch, lock, complete, event), with no
 * simulation in it, plus the CPU time the same jobs cost (this process + redis-server), which a
 * busy machine inflates less. Best of 3 rounds after a warm-up; the machine is shared.
 * Without redis-server the figure is skipped with the reason.
 */
import fs from 'node:fs';
import { Worker } from 'bullmq';
import { QueueExecutor } from '../../sweeps/queue/coordinator.js';
import { redisBinary, startLocalRedis, type LocalRedis } from '../../sweeps/queue/local-redis.js';
import { PREFIX, type CellJobData, type CellJobResult } from '../../sweeps/queue/protocol.js';
import { parseRedisUrl, type RedisTarget } from '../../sweeps/queue/redis-url.js';

const JOBS = 400;

/** CPU seconds used so far by process `pid` (Linux /proc; 0 elsewhere). */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** Wall and CPU (this process + redis-server) milliseconds per job for `n` no-op jobs. */
async function round(
  target: RedisTarget,
  name: string,
  n: number,
  redisPid?: number,
): Promise<{ wall: number; cpu: number }> {
  const worker = new Worker<CellJobData, CellJobResult>(
    name,
    async () => ({ ok: true, resultJson: '{}', attainment: 1 }),
    {
      connection: target.options,
      prefix: PREFIX,
      concurrency: 1,
      drainDelay: 1,
    },
  );
  worker.on('error', () => undefined);
  const exec = await QueueExecutor.open({ target, queueName: name, codeVersion: 'bench' });
  try {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r0 = cpuSecondsOf(redisPid);
    await Promise.all(
      Array.from({ length: n }, (_, i) => exec.run({ scenario: { bench: name, seed: i }, file: 'bench' })),
    );
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000 + (cpuSecondsOf(redisPid) - r0) * 1000;
    return { wall: (performance.now() - t0) / n, cpu: cpuMs / n };
  } finally {
    await exec.close();
    await worker.close();
  }
}

export async function queueBench(log: (msg: string) => void): Promise<Record<string, unknown>> {
  const bin = redisBinary();
  if (bin === null) return { queueOverheadSkipped: 'redis-server not installed (apt install redis-server)' };
  log(`queue: ${JOBS} no-op jobs through a local redis-server, best of 3…`);
  let redis: LocalRedis | undefined;
  try {
    redis = await startLocalRedis(bin);
    const target = parseRedisUrl(redis.url, { attempts: 3, delayMs: 200 });
    if (typeof target === 'string') throw new Error(target);
    await round(target, 'bench-warmup', 50);
    const rounds: Array<{ wall: number; cpu: number }> = [];
    for (let i = 0; i < 3; i++) rounds.push(await round(target, `bench-${i}`, JOBS, redis.pid));
    return {
      queueOverheadMsPerCell: Number(Math.min(...rounds.map((r) => r.wall)).toFixed(3)),
      // CPU of coordinator + worker (this process) + redis-server per job: stable on a busy machine.
      queueOverheadCpuMsPerCell: Number(Math.min(...rounds.map((r) => r.cpu)).toFixed(3)),
      queueOverheadJobs: JOBS,
    };
  } catch (err) {
    return { queueOverheadSkipped: `queue bench failed: ${(err as Error).message}` };
  } finally {
    await redis?.stop();
  }
}
