/** The queue's pure parts: Redis URL parsing and the code-version hash of the compiled sources. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourcesHash } from '../../sweeps/queue/code-version.js';
import { jobIdFor, keyOfJobId } from '../../sweeps/queue/protocol.js';
import { parseRedisUrl } from '../../sweeps/queue/redis-url.js';

const RETRY = { attempts: 3, delayMs: 10 };

describe('redis URL', () => {
  it('redis URL › host, port, db and password › ioredis options; the shown URL hides the password', () => {
    const t = parseRedisUrl('redis://:s3cret@10.0.0.5:6380/2', RETRY);
    if (typeof t === 'string') throw new Error(t);
    expect(t.options).toMatchObject({
      host: '10.0.0.5',
      port: 6380,
      db: 2,
      password: 's3cret',
      maxRetriesPerRequest: null,
    });
    expect(t.shown).toBe('redis://***@10.0.0.5:6380/2');
    expect(t.options.retryStrategy!(3)).toBe(10);
    expect(t.options.retryStrategy!(4)).toBeNull();
  });

  it('redis URL › no port › 6379; not a redis URL › the reason', () => {
    const t = parseRedisUrl('redis://queue.lan', RETRY);
    expect(typeof t === 'string' ? t : t.options.port).toBe(6379);
    expect(parseRedisUrl('http://x:1', RETRY)).toBe('--queue must start with redis:// (got http://x:1)');
    expect(parseRedisUrl('localhost:6379', RETRY)).toMatch(/^--queue must/);
  });
});

describe('code version', () => {
  it('code version › a compiled file changes › the sources hash changes; same files › same hash', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-cv-'));
    try {
      fs.mkdirSync(path.join(dir, 'sim'));
      fs.writeFileSync(path.join(dir, 'sim', 'a.js'), 'export const a = 1;\n');
      fs.writeFileSync(path.join(dir, 'b.js'), 'export const b = 2;\n');
      fs.writeFileSync(path.join(dir, 'b.js.map'), '{}');
      const first = sourcesHash(dir);
      expect(sourcesHash(dir)).toBe(first);
      fs.writeFileSync(path.join(dir, 'b.js.map'), '{"changed":true}');
      expect(sourcesHash(dir)).toBe(first); // maps are not code
      fs.writeFileSync(path.join(dir, 'sim', 'a.js'), 'export const a = 3;\n');
      expect(sourcesHash(dir)).not.toBe(first);
      expect(sourcesHash(path.join(dir, 'missing'))).toBe('nodist');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('job ids', () => {
  it('job ids › a cell key of decimal digits only › an id BullMQ accepts (not integer-like), mapped back to the key', () => {
    const key = '1234567890123456';
    expect(/^\d+$/.test(jobIdFor(key))).toBe(false);
    expect(keyOfJobId(jobIdFor(key))).toBe(key);
    expect(keyOfJobId(jobIdFor('9aa16179641860b6'))).toBe('9aa16179641860b6');
  });
});
