/**
 * Malformed scenarios through the built CLI (the cases marked `cli` in malformed-cases.ts),
 * spawned concurrently: exit code 1, the same text as in process on stderr, no output or temp
 * file left.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli-paths.js';
import { CASES, removeTmp, writeCase } from './malformed-cases.js';

afterAll(removeTmp);

function runCli(file: string, out: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, 'run', file, '--out', out],
      { cwd: ROOT, encoding: 'utf8' },
      (err, _stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stderr });
      },
    );
  });
}

describe('run command › malformed scenarios', () => {
  const cliCases = CASES.filter((c) => c.cli === true);
  it(`run command › ${cliCases.length} malformed scenarios, spawned concurrently › exit 1, issues on stderr, no file left`, async () => {
    const runs = await Promise.all(
      cliCases.map(async (c) => {
        const w = writeCase(c);
        return { c, w, r: await runCli(w.file, path.join(w.dir, 'r.json')) };
      }),
    );
    for (const { c, w, r } of runs) {
      expect(r.code, `${c.name}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toBe(`parasim: ${w.expected}\n`);
      expect(fs.readdirSync(w.dir), c.name).toEqual([path.basename(w.file)]);
    }
  }, 180_000); // each CLI start loads every command module: ~3.5 s CPU apiece on the loaded 2-core dev box
});
