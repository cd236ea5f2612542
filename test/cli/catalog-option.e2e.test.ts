/**
 * `parasim sweep --catalog FILE` and `parasim validate --catalog FILE` through the built CLI: a
 * scenario on a device only the catalog file declares runs; a bad catalog exits 1 with the
 * located issue on stderr and writes nothing (validate fails before it looks at the testbed).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli-paths.js';

const FIX = path.join(ROOT, 'test/cli/fixtures');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-catalog-opt-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: TMP, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

describe('--catalog on sweep and validate', () => {
  it('catalog option › sweep: runs with the file, fails without; a bad file → exit 1, located, nothing written', () => {
    const sweep = path.join(FIX, 'catalog-sweep.yaml');
    const good = path.join(TMP, 'good.jsonl');
    const ok = cli('sweep', sweep, '--workers', '1', '--out', good, '--catalog', path.join(FIX, 'catalog-extra.yaml'));
    expect(ok.status, ok.stderr).toBe(0);
    const lines = fs.readFileSync(good, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect((JSON.parse(l) as { result?: unknown }).result).toBeDefined();

    const without = cli('sweep', sweep, '--workers', '1', '--out', path.join(TMP, 'without.jsonl'));
    expect(without.status).toBe(1);
    expect(without.stderr).toContain('test-box');

    const bad = path.join(FIX, 'catalog-bad.yaml');
    const badOut = path.join(TMP, 'bad.jsonl');
    const b = cli('sweep', sweep, '--workers', '1', '--out', badOut, '--catalog', bad);
    expect(b.status).toBe(1);
    expect(b.stderr).toContain(`${bad}:6:`);
    expect(b.stderr).toContain('memory_gb_per_gpu');
    expect(fs.existsSync(badOut)).toBe(false);
  }, 120_000);

  it('catalog option › validate: a bad catalog file → exit 1, located, before any testbed is read', () => {
    const bad = path.join(FIX, 'catalog-bad.yaml');
    const out = path.join(TMP, 'validate.json');
    const r = cli(
      'validate',
      path.join(FIX, 'catalog-scenario.yaml'),
      '--testbed',
      path.join(TMP, 'no-such-testbed.yaml'),
      '--catalog',
      bad,
      '--out',
      out,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad}:6:`);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(out)).toBe(false);
  }, 60_000);
});
