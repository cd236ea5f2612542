/**
 * A throwaway redis-server on a free loopback port, no persistence: what the queue bench and the
 * queue tests run BullMQ against. Never used by `sweep --queue` itself, which talks to the
 * Redis the user names.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** Path of redis-server on PATH, or null (Debian package redis-server). */
export function redisBinary(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** A loopback port nobody listens on (just released by the OS). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** SIGTERM, resolved once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `bin` on a free loopback port; rejects (with its output) if it is not ready in 20 s.
 * redis-server cannot bind port 0, so the port is chosen first and can be taken by another
 * process (a parallel test's agent, an outgoing connection) before redis binds it: that
 * collision is detected ("Address already in use") and another port is tried.
 */
export async function startLocalRedis(
  bin: string,
  choosePort: () => Promise<number> = freeLoopbackPort,
): Promise<LocalRedis> {
  for (let attempt = 1; ; attempt++) {
    const port = await choosePort();
    const r = await spawnRedis(bin, port);
    if (r.ok) return r.redis;
    if (!r.portTaken || attempt >= 5) throw new Error(r.message);
  }
}

type Spawned = { ok: true; redis: LocalRedis } | { ok: false; portTaken: boolean; message: string };

async function spawnRedis(bin: string, port: number): Promise<Spawned> {
  const child: ChildProcess = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const started = await new Promise<Spawned | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ ok: false, portTaken: false, message: `redis-server did not start within 20 s:\n${log}` });
    }, 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(null);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({
        ok: false,
        portTaken: /address already in use/i.test(log),
        message: `redis-server exited (${code}):\n${log}`,
      });
    });
  });
  if (started !== null) return started;
  child.stderr!.resume();
  return {
    ok: true,
    redis: {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid: child.pid,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    },
  };
}
