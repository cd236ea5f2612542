/**
 * `redis://[:password@]host:port[/db]` → ioredis options with a bounded reconnect, plus the URL
 * as it may be printed (password hidden). BullMQ needs `maxRetriesPerRequest: null` on worker
 * connections, which makes ioredis queue commands forever while disconnected; the bounded
 * `retryStrategy` is what turns "Redis is gone" into an error instead of a hang.
 */
import type { RedisOptions } from 'ioredis';

export interface RedisTarget {
  readonly options: RedisOptions;
  /** For messages: the URL without its password. */
  readonly shown: string;
}

/** How long a connection keeps trying before it gives up: attempts × delay. */
export interface RetryBound {
  readonly attempts: number;
  readonly delayMs: number;
}

/** Parses the URL; a string is the reason it is not a usable Redis URL. */
export function parseRedisUrl(text: string, retry: RetryBound): RedisTarget | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `--queue must be a URL like redis://HOST:PORT (got ${text})`;
  }
  if (url.protocol !== 'redis:') return `--queue must start with redis:// (got ${text})`;
  if (url.hostname === '') return `--queue names no host (got ${text})`;
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) return `--queue: database must be a number, got "${dbText}" in ${text}`;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: RedisOptions = {
    host,
    port,
    db,
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    maxRetriesPerRequest: null,
    connectTimeout: 3000,
    retryStrategy: (times: number) => (times > retry.attempts ? null : retry.delayMs),
  };
  const shown = `redis://${url.username !== '' || url.password !== '' ? '***@' : ''}${url.host}${dbText !== '' ? `/${db}` : ''}`;
  return { options, shown };
}
