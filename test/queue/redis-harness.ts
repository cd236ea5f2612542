/**
 * A throwaway redis-server for the queue tests (sweeps/queue/local-redis.ts: random free loopback
 * port, no persistence), stopped after the suite. Missing redis-server skips the suite locally
 * and fails it in CI (process.env.CI === 'true'), where .ci/needs-apt.txt installs it.
 */
import { freeLoopbackPort, redisBinary, startLocalRedis, type LocalRedis } from '../../sweeps/queue/local-redis.js';

export const REDIS_BIN = redisBinary();
export const MISSING_IN_CI = REDIS_BIN === null && process.env['CI'] === 'true';
export const freePort = freeLoopbackPort;
export type RedisServer = LocalRedis;

export async function startRedis(): Promise<RedisServer> {
  if (REDIS_BIN === null) throw new Error('redis-server not found');
  return startLocalRedis(REDIS_BIN);
}
