/**
 * In-process checks of the CLI argument rules (issue 17): --workers capped at the cells and
 * bounded, --resume reading a results file with trailing blank lines, exact --seed parsing,
 * output paths.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSeed } from '../../cli/args.js';
import { workersFor } from '../../cli/commands/sweep.js';
import { outputPathProblem } from '../../cli/output-path.js';
import { loadSweepFile, readResultLines } from '../../sweeps/index.js';
import { ROOT } from '../cli-paths.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-args-unit-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

describe('cli › --workers', () => {
  const def = loadSweepFile(path.join(ROOT, 'test/sweep/fixtures/tiny.yaml'));
  if (!def.ok) throw new Error('fixture does not load');
  it('300 and 1e9 workers on a 12-cell sweep run 12 threads (300 crashed V8 before)', () => {
    expect(workersFor(def.value, 300)).toBe(12);
    expect(workersFor(def.value, 1e9)).toBe(12);
    expect(workersFor(def.value, 3)).toBe(3);
  });
  it('above the bound is an error naming PARASIM_MAX_WORKERS', () => {
    process.env['PARASIM_MAX_WORKERS'] = '4';
    try {
      expect(() => workersFor(def.value, 8)).toThrow(
        /--workers 8 is above the bound of 4 worker threads; raise it with PARASIM_MAX_WORKERS/,
      );
      expect(workersFor(def.value, 4)).toBe(4);
    } finally {
      delete process.env['PARASIM_MAX_WORKERS'];
    }
  });
});

describe('cli › --resume', () => {
  it('a results file with trailing blank lines is read (it was refused as "not a sweep result line")', () => {
    const line = JSON.stringify({ key: 'k', cell: { index: 0, total: 1, sweep: 'abc' }, result: {} });
    const f = path.join(TMP, 'r.jsonl');
    fs.writeFileSync(f, `${line}\n\n\n  \n`);
    const r = readResultLines(f, true);
    expect(r.ok && r.lines.length).toBe(1);
    expect(r.ok && r.droppedPartial).toBe(false);
  });
});

describe('cli › --seed', () => {
  it('is exact or refused', () => {
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseSeed('9007199254740993')).toThrow(/lose precision/);
    expect(() => parseSeed('1e3')).toThrow(/non-negative integer/);
    expect(() => parseSeed('')).toThrow(/non-negative integer/);
  });
});

describe('cli › output paths', () => {
  it('a writable file in an existing folder passes; a missing folder passes only when parents are created', () => {
    expect(outputPathProblem(path.join(TMP, 'x.json'), '--out')).toBeNull();
    expect(outputPathProblem(path.join(TMP, 'a/b/x.json'), '--out')).toMatch(/does not exist/);
    expect(outputPathProblem(path.join(TMP, 'a/b/x.json'), '--out', { createParents: true })).toBeNull();
    expect(outputPathProblem('/dev/null', '--out')).toMatch(/pseudo-filesystem/);
    expect(outputPathProblem('/sys/x', '--out')).toMatch(/pseudo-filesystem/);
  });
  it.skipIf(process.getuid?.() === 0)(
    'a read-only folder is refused (root ignores mode bits, so skipped as root)',
    () => {
      const ro = path.join(TMP, 'ro');
      fs.mkdirSync(ro, { mode: 0o555 });
      expect(outputPathProblem(path.join(ro, 'x.json'), '--out')).toMatch(/is not writable/);
    },
  );
});
