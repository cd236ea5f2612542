/**
 * `parasim validate --resimulate` through the built CLI on the report kept in docs/data (the
 * latest llama testbed run docs/validation.md reports, gzipped): no agents, every recorded cell comes
 * back with its live figures exactly as recorded and a twin simulated by this build. The twin's
 * figures are not pinned — a model change moves them, and that is what the command is for.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli-paths.js';

const REPORT = path.join(ROOT, 'docs/data/validation-llama-2026-12-02b.json.gz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-resim-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Row {
  scope: string;
  metric: string;
  measured: number;
  sim: number;
}
interface Cell {
  policy: string;
  load: number;
  rows: Row[];
}

describe('validate › --resimulate on the kept report', () => {
  it('resimulate › docs/data report (.json.gz) › exit 0, 12 cells, live figures as recorded, twin figures finite', async () => {
    const out = path.join(tmp, 'again.json');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          MAIN,
          'validate',
          'scenarios/testbed/llama-cpu-scenario.yaml',
          '--testbed',
          'scenarios/testbed/llama-cpu.yaml',
          '--resimulate',
          REPORT,
          '--out',
          out,
        ],
        { cwd: ROOT, encoding: 'utf8' },
        (err, _o, stderr) =>
          resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stderr }),
      );
    });
    expect(r.code, r.stderr).toBe(0);
    const before = JSON.parse(zlib.gunzipSync(fs.readFileSync(REPORT)).toString('utf8')) as { cells: Cell[] };
    const after = JSON.parse(fs.readFileSync(out, 'utf8')) as { cells: Cell[]; medianAbsE2eP99Error: number };
    expect(after.cells.map((c) => `${c.policy}×${c.load}`)).toEqual(before.cells.map((c) => `${c.policy}×${c.load}`));
    expect(after.cells).toHaveLength(12);
    for (const [i, c] of after.cells.entries()) {
      const was = new Map(before.cells[i]!.rows.map((x) => [`${x.scope}/${x.metric}`, x.measured]));
      for (const x of c.rows) {
        expect(x.measured, `${c.policy}×${c.load} ${x.scope}/${x.metric}`).toBe(was.get(`${x.scope}/${x.metric}`));
        expect(Number.isFinite(x.sim), `${c.policy}×${c.load} ${x.scope}/${x.metric}`).toBe(true);
      }
    }
    expect(Number.isFinite(after.medianAbsE2eP99Error)).toBe(true);
  }, 120_000);
});
