/**
 * The sweep CLI end to end through `node dist/cli/main.js` (kept built by test/global-setup.ts). Tiny scenarios (a few simulated seconds) keep the suite short.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli-paths.js';

const FIX = path.join(ROOT, 'test/sweep/fixtures');
let tmp = '';

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-sweep-cli-'));
}, 600_000);

function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: tmp, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const out = (name: string): string => path.join(tmp, name);
const bytes = (name: string): string => fs.readFileSync(out(name), 'utf8');

describe('parasim sweep', () => {
  it('sweep › 1 worker vs 2 workers › byte-identical results in cell order', () => {
    const a = cli('sweep', path.join(FIX, 'tiny.yaml'), '--workers', '1', '--out', out('w1.jsonl'));
    expect(a.status, a.stderr).toBe(0);
    const b = cli('sweep', path.join(FIX, 'tiny.yaml'), '--workers', '2', '--out', out('w2.jsonl'));
    expect(b.status, b.stderr).toBe(0);
    expect(bytes('w2.jsonl')).toBe(bytes('w1.jsonl'));
    const lines = bytes('w1.jsonl')
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            key: string;
            cell: { index: number; total: number; policy: string; load: number; seed: number };
            result: { seed: number; policy: string };
          },
      );
    expect(lines).toHaveLength(12);
    expect(lines.map((l) => l.cell.index)).toEqual([...Array(12).keys()]);
    expect(lines.map((l) => `${l.cell.policy}/${l.cell.load}/${l.cell.seed}`).slice(0, 3)).toEqual([
      'round-robin/0.5/1',
      'round-robin/0.5/2',
      'round-robin/1/1',
    ]);
    expect(lines.every((l) => l.result.seed === l.cell.seed && l.result.policy === l.cell.policy)).toBe(true);
    expect(new Set(lines.map((l) => l.key)).size).toBe(12);
  });

  it('sweep › output exists without --resume › refused', () => {
    fs.writeFileSync(out('exists.jsonl'), '');
    const r = cli('sweep', path.join(FIX, 'tiny.yaml'), '--out', out('exists.jsonl'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('exists; use --resume or remove it');
  });

  it('sweep › killed after the first lines then --resume › same bytes as an uninterrupted run', async () => {
    const sweep = path.join(FIX, 'tiny-long.yaml');
    const full = cli('sweep', sweep, '--workers', '2', '--out', out('long-full.jsonl'));
    expect(full.status, full.stderr).toBe(0);
    const child = spawn(process.execPath, [MAIN, 'sweep', sweep, '--workers', '1', '--out', out('long-killed.jsonl')], {
      cwd: tmp,
      stdio: 'ignore',
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const text = fs.existsSync(out('long-killed.jsonl')) ? bytes('long-killed.jsonl') : '';
        if (text.split('\n').length > 2) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        resolve();
      });
      child.on('error', reject);
    });
    const partial = bytes('long-killed.jsonl')
      .split('\n')
      .filter((l) => l !== '').length;
    expect(partial).toBeGreaterThan(1);
    expect(partial).toBeLessThan(16);
    // A writer killed mid-line leaves an unterminated tail; simulate one on top.
    fs.appendFileSync(out('long-killed.jsonl'), '{"key":"dead');
    const resumed = cli('sweep', sweep, '--workers', '2', '--out', out('long-killed.jsonl'), '--resume');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/reused/);
    expect(bytes('long-killed.jsonl')).toBe(bytes('long-full.jsonl'));
  });

  it('sweep › one grid value fails validation › reported with its coordinates, other cells finish, exit 1', () => {
    const r = cli('sweep', path.join(FIX, 'bad-cell.yaml'), '--workers', '2', '--out', out('bad.jsonl'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cell 1 failed (horizon_s=-2, seed=1)');
    const lines = bytes('bad.jsonl')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { result?: unknown; error?: { message: string } });
    expect(lines.map((l) => (l.error !== undefined ? 'error' : 'result'))).toEqual(['result', 'error', 'result']);
    expect(lines[1]!.error!.message).toContain('horizon_s');
    expect(lines[1]!.error!.message).toContain('(at grid coordinates horizon_s=-2, seed=1)');
  });

  it('sweep › misspelt grid path › file:line:col error naming the path, nothing run', () => {
    const r = cli('sweep', path.join(FIX, 'bad-path.yaml'), '--out', out('never.jsonl'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad-path\.yaml:5:3: .*unknown grid path "devices\[0\]\.cuont": "cuont" does not exist/);
    expect(fs.existsSync(out('never.jsonl'))).toBe(false);
  });
});

describe('parasim merge', () => {
  beforeAll(() => {
    for (let i = 0; i < 3; i++) {
      const r = cli('sweep', path.join(FIX, 'tiny.yaml'), '--workers', '1', '--shard', `${i}/3`);
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it('merge › three shards › same bytes as the local run', () => {
    // w1.jsonl: the local run of the same sweep from the first test of this file.
    expect(
      bytes('part-0.jsonl')
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { cell: { index: number } }).cell.index),
    ).toEqual([0, 3, 6, 9]);
    const r = cli('merge', out('part-0.jsonl'), out('part-1.jsonl'), out('part-2.jsonl'), '--out', out('merged.jsonl'));
    expect(r.status, r.stderr).toBe(0);
    expect(bytes('merged.jsonl')).toBe(bytes('w1.jsonl'));
  });

  it('merge › a missing part, a duplicated part, a part of another sweep › refused', () => {
    const missing = cli('merge', out('part-0.jsonl'), out('part-2.jsonl'), '--out', out('m1.jsonl'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('4 of 12 cells missing: 1, 4, 7, 10');
    const dup = cli(
      'merge',
      out('part-0.jsonl'),
      out('part-1.jsonl'),
      out('part-2.jsonl'),
      out('part-1.jsonl'),
      '--out',
      out('m2.jsonl'),
    );
    expect(dup.status).toBe(1);
    expect(dup.stderr).toContain('cell 1 appears twice');
    // bad.jsonl: the complete output of another sweep (bad-cell.yaml), written above.
    const foreign = cli(
      'merge',
      out('part-0.jsonl'),
      out('part-1.jsonl'),
      out('part-2.jsonl'),
      out('bad.jsonl'),
      '--out',
      out('m3.jsonl'),
    );
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toContain('is from another sweep');
    for (const f of ['m1.jsonl', 'm2.jsonl', 'm3.jsonl']) expect(fs.existsSync(out(f))).toBe(false);
  });
});
