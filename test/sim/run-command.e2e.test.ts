/**
 * `parasim run` end to end through the built CLI (dist/; `npm test` builds first): summary on
 * stdout, identical JSON bytes across runs, and no file written when the scenario is invalid.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli-paths.js';

const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, 'run', ...args], { encoding: 'utf8', cwd: ROOT });

function tinyScenario(dir: string, horizon: number): string {
  // Reuse the project's default scenario with a short horizon.
  const text = fs
    .readFileSync(path.join(ROOT, 'scenarios/default.yaml'), 'utf8')
    .replace(/horizon_s:\s*\d+/, `horizon_s: ${horizon}`);
  const file = path.join(dir, 'tiny.yaml');
  fs.writeFileSync(file, text);
  return file;
}

describe.skipIf(!fs.existsSync(MAIN))('run command', () => {
  it('run command › valid scenario twice › same JSON bytes and a summary table', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-run-'));
    const sc = tinyScenario(dir, 30);
    const a = run(sc, '--out', path.join(dir, 'a.json'), '--records', path.join(dir, 'a.jsonl'));
    const b = run(sc, '--out', path.join(dir, 'b.json'));
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toContain('all (req-weighted)');
    expect(a.stdout).toBe(b.stdout);
    expect(fs.readFileSync(path.join(dir, 'a.json'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'b.json'), 'utf8'));
    const lines = fs.readFileSync(path.join(dir, 'a.jsonl'), 'utf8').trim().split('\n');
    const result = JSON.parse(fs.readFileSync(path.join(dir, 'a.json'), 'utf8')) as { totals: { offered: number } };
    expect(lines.length).toBe(result.totals.offered);
    expect(a.stderr).toMatch(/wall time/);
  });

  it('run command › invalid scenario › prints issues, exits 1, writes nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-run-'));
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'name: x\nhorizon_s: -5\n');
    const out = path.join(dir, 'out.json');
    const r = run(bad, '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('bad.yaml');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['bad.yaml']);
  });
});
