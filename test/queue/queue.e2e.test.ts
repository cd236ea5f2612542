/**
 * Queue mode end to end: a real redis-server, `parasim sweep --queue` and `parasim worker`
 * processes through `node dist/cli/main.js`. Every result file is compared byte for byte with a
 * local `--workers 1` run. Workers use short locks (3 s) so a killed worker's cell comes back
 * quickly. The code version is pinned through PARASIM_CODE_VERSION: other helpers rebuild dist/
 * while this runs, and the dist hash would change under our feet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, MISSING_IN_CI, REDIS_BIN, startRedis, type RedisServer } from './redis-harness.js';
import { MAIN, ROOT } from '../cli-paths.js';

const FIX = path.join(ROOT, 'test/queue/fixtures');
const BAD_CELL = path.join(ROOT, 'test/sweep/fixtures/bad-cell.yaml');
const VERSION = 'test-a';
const WORKER_FLAGS = [
  '--concurrency',
  '1',
  '--poll-ms',
  '200',
  '--lock-ms',
  '3000',
  '--stalled-ms',
  '500',
  '--verbose',
];

let tmp = '';
let redis: RedisServer | undefined;
const children: ChildProcess[] = [];

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (killed after `limitMs`). */
function cli(args: string[], env: Record<string, string> = {}, limitMs = 240_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: tmp,
      env: { ...process.env, PARASIM_CODE_VERSION: VERSION, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
  });
}

interface Proc {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number>;
}

/** A long-running CLI process (worker or coordinator) whose stderr is collected as it arrives. */
function startProc(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: tmp,
    env: { ...process.env, PARASIM_CODE_VERSION: VERSION, ...env },
  });
  children.push(child);
  let text = '';
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, log: () => text, exited };
}

function startWorker(url: string, version = VERSION): Proc {
  return startProc(['worker', '--queue', url, ...WORKER_FLAGS], { PARASIM_CODE_VERSION: version });
}

async function waitFor<T>(probe: () => T | null | undefined | false, what: string, limitMs = 120_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() - t0 > limitMs) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const file = (name: string): string => path.join(tmp, name);
const bytes = (name: string): string => fs.readFileSync(file(name), 'utf8');
const lines = (name: string): Array<{ key: string; cell: { index: number }; error?: { message: string } }> =>
  bytes(name)
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { key: string; cell: { index: number }; error?: { message: string } });

describe.runIf(MISSING_IN_CI)('queue mode in CI', () => {
  it('queue › redis-server missing in CI › fails', () => {
    expect.fail('redis-server is not installed: the queue tests need it in CI (.ci/needs-apt.txt lists it)');
  });
});

describe.skipIf(REDIS_BIN === null)('parasim sweep --queue / parasim worker', () => {
  let workers: Proc[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-queue-'));
    redis = await startRedis();
    const refs = await Promise.all([
      cli(['sweep', path.join(FIX, 'six.yaml'), '--workers', '1', '--out', file('local-six.jsonl')]),
      cli(['sweep', path.join(FIX, 'long.yaml'), '--workers', '1', '--out', file('local-long.jsonl')]),
    ]);
    for (const r of refs) expect(r.status, r.stderr).toBe(0);
  }, 900_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await redis?.stop();
    if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it('queue › enqueued, then 2 worker processes › --status counts, then a file byte-identical to a local run', async () => {
    const url = redis!.url;
    const coordinator = startProc([
      'sweep',
      path.join(FIX, 'six.yaml'),
      '--queue',
      url,
      '--out',
      file('queue-six.jsonl'),
    ]);
    await waitFor(() => coordinator.log().includes('start workers with'), 'the coordinator to open its queue');
    const status = await cli(['sweep', path.join(FIX, 'six.yaml'), '--queue', url, '--status']);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(
      /queue sweep-[0-9a-f]{16} on redis:\/\/127\.0\.0\.1:\d+: 6 queued, 0 running, 0 done, 0 failed/,
    );
    workers = [startWorker(url), startWorker(url)];
    const code = await coordinator.exited;
    expect(code, coordinator.log()).toBe(0);
    expect(bytes('queue-six.jsonl')).toBe(bytes('local-six.jsonl'));
    expect(coordinator.log()).toMatch(/ETA/);
  }, 300_000);

  it('queue › one cell invalid › reported with its grid coordinates, the others finish, exit 1', async () => {
    const r = await cli(['sweep', BAD_CELL, '--queue', redis!.url, '--out', file('bad.jsonl')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cell 1 failed (horizon_s=-2, seed=1)');
    const got = lines('bad.jsonl');
    expect(got.map((l) => (l.error !== undefined ? 'error' : 'result'))).toEqual(['result', 'error', 'result']);
    expect(got[1]!.error!.message).toContain('(at grid coordinates horizon_s=-2, seed=1)');
  }, 300_000);

  it('queue › local vs queue vs 4 shards merged › byte-identical', async () => {
    const parts = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        cli([
          'sweep',
          path.join(FIX, 'six.yaml'),
          '--workers',
          '1',
          '--shard',
          `${i}/4`,
          '--out',
          file(`part-${i}.jsonl`),
        ]),
      ),
    );
    for (const p of parts) expect(p.status, p.stderr).toBe(0);
    const merged = await cli([
      'merge',
      ...[0, 1, 2, 3].map((i) => file(`part-${i}.jsonl`)),
      '--out',
      file('merged-six.jsonl'),
    ]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(bytes('merged-six.jsonl')).toBe(bytes('local-six.jsonl'));
    expect(bytes('queue-six.jsonl')).toBe(bytes('local-six.jsonl'));
  }, 300_000);

  it('queue › a worker SIGKILLed mid-cell › its cell is rerun elsewhere, file identical, every cell once', async () => {
    const [a, b] = workers as [Proc, Proc];
    const from = a.log().length;
    const coordinator = startProc([
      'sweep',
      path.join(FIX, 'long.yaml'),
      '--queue',
      redis!.url,
      '--out',
      file('queue-long.jsonl'),
    ]);
    // Kill from the output handler itself, not a poll: on a busy machine a poll can miss a cell.
    const killOnStart = (): void => {
      if (/cell [0-9a-f]{16} start/.test(a.log().slice(from))) a.child.kill('SIGKILL');
    };
    a.child.stderr!.on('data', killOnStart);
    a.child.stdout!.on('data', killOnStart);
    const key = await waitFor(
      () => /cell ([0-9a-f]{16}) start/.exec(a.log().slice(from))?.[1],
      'worker A to start a cell',
    );
    await a.exited;
    const code = await coordinator.exited;
    expect(code, coordinator.log()).toBe(0);
    expect(a.log()).not.toContain(`cell ${key} done`);
    expect(b.log()).toContain(`cell ${key} done`);
    expect(bytes('queue-long.jsonl')).toBe(bytes('local-long.jsonl'));
    const keys = lines('queue-long.jsonl').map((l) => l.key);
    expect(new Set(keys).size).toBe(keys.length);
  }, 300_000);

  it('queue › Redis unreachable › error names the URL, exit 1, results file untouched', async () => {
    const port = await freePort();
    fs.writeFileSync(file('keep.jsonl'), 'not touched\n');
    const before = fs.statSync(file('keep.jsonl')).mtimeMs;
    const r = await cli([
      'sweep',
      path.join(FIX, 'six.yaml'),
      '--queue',
      `redis://127.0.0.1:${port}`,
      '--out',
      file('keep.jsonl'),
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`parasim: cannot reach Redis at redis://127.0.0.1:${port}: `);
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(bytes('keep.jsonl')).toBe('not touched\n');
    expect(fs.statSync(file('keep.jsonl')).mtimeMs).toBe(before);
  }, 120_000);

  it('queue › worker with other code › refuses with both versions named; after a matching worker and a rerun the file is identical', async () => {
    const url = `${redis!.url}/1`; // another database: the workers above never see these jobs
    const stale = startWorker(url, 'test-b');
    await waitFor(() => stale.log().includes('waiting for sweeps'), 'the stale worker to start');
    const coordinator = startProc(['sweep', path.join(FIX, 'six.yaml'), '--queue', url, '--out', file('mixed.jsonl')]);
    await waitFor(() => coordinator.log().includes('code version mismatch'), 'the coordinator to report the refusal');
    expect(coordinator.log()).toMatch(
      /cell \d+ \(policy\.name=[a-z-]+, seed=\d\) failed on a worker: code version mismatch: worker .*:\d+ runs test-b, the sweep was queued by test-a/,
    );
    expect(stale.log()).toMatch(/refusing sweep-[0-9a-f]{16}: code version mismatch/);
    const good = startWorker(url);
    expect(await coordinator.exited, coordinator.log()).toBe(1);
    // The stale worker refuses its job (and at most the one BullMQ handed it next), then lets go.
    const refused = lines('mixed.jsonl').filter((l) => l.error !== undefined);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(2);
    for (const l of refused) expect(l.error!.message).toContain('code version mismatch');
    const rerun = await cli(['sweep', path.join(FIX, 'six.yaml'), '--queue', url, '--out', file('mixed.jsonl')]);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(bytes('mixed.jsonl')).toBe(bytes('local-six.jsonl'));
    expect(good.log()).toContain('done');
  }, 300_000);
});
