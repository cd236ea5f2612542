/**
 * The throwaway redis-server the queue tests and bench use: redis cannot bind port 0, so a port
 * is chosen first and another process may take it before redis binds (the CI flake of issue 17:
 * parallel test files start agents on port 0). The collision must cost a retry, not the suite.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freeLoopbackPort, startLocalRedis } from '../../sweeps/queue/local-redis.js';
import { MISSING_IN_CI, REDIS_BIN } from './redis-harness.js';

describe.skipIf(REDIS_BIN === null && !MISSING_IN_CI)('local redis › port taken between choice and bind', () => {
  it('starts on another port when the chosen one was taken meanwhile', async () => {
    if (REDIS_BIN === null) throw new Error('redis-server is not installed (CI installs it: .ci/needs-apt.txt)');
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', () => r()));
    const taken = (squatter.address() as net.AddressInfo).port;
    let calls = 0;
    const choose = async (): Promise<number> => (calls++ === 0 ? taken : freeLoopbackPort());
    try {
      const redis = await startLocalRedis(REDIS_BIN, choose);
      expect(calls).toBe(2);
      expect(redis.port).not.toBe(taken);
      await redis.stop();
    } finally {
      squatter.close();
    }
  });
});
