/**
 * `parasim start` on a tiny sweep (`--sweep`, `--dir`): exits 0, writes results.jsonl (one line
 * per cell) and a self-contained report.html, and shows progress with an ETA on stderr.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli-paths.js';

let tmp = '';

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-start-'));
}, 600_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('parasim start', () => {
  it('start › tiny sweep in a fresh directory › results and report written, progress with ETA, exit 0', () => {
    const dir = path.join(tmp, 'out');
    const sweep = path.join(ROOT, 'test/sweep/fixtures/tiny.yaml');
    const r = spawnSync(process.execPath, [MAIN, 'start', '--sweep', sweep, '--dir', dir, '--workers', '2'], {
      cwd: tmp,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/start 100% {2}12\/12 cells .* ETA 0 s/);
    expect(r.stdout).toContain(path.join(dir, 'report.html'));

    const lines = fs
      .readFileSync(path.join(dir, 'results.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { cell: { index: number; policy: string }; result?: unknown });
    expect(lines.map((l) => l.cell.index)).toEqual([...Array(12).keys()]);
    expect(lines.every((l) => l.result !== undefined)).toBe(true);

    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('least-loaded');
    expect(html).toContain('round-robin');
    // Self-contained: no script loaded from elsewhere.
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/);
  }, 180_000);
});
