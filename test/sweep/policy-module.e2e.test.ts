/**
 * A sweep whose base scenario names a user policy module (`policy.module`): every cell imports
 * the module in its worker thread and runs it; the results are the same as simulating each cell
 * in process with the module's policy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPolicy, validateScenarioObject } from '../../scenarios/index.js';
import { resultToJson, simulate } from '../../sim/index.js';
import { expandGrid, loadSweepFile, runSweep } from '../../sweeps/index.js';
import { ROOT } from '../cli-paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-sweep-module-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('sweep › policy module', () => {
  it('sweep › base scenario with policy.module › every cell runs the module, same results as in process', async () => {
    const loaded = loadSweepFile(path.join(ROOT, 'test/sweep/fixtures/module.yaml'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const out = path.join(tmp, 'r.jsonl');
    const r = await runSweep(loaded.value, { out, workers: 1, resume: false });
    if (!r.ok) throw new Error(r.message);
    expect(r.summary.failures).toEqual([]);
    const lines = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { result: { policy: string; totals: unknown } });
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => l.result.policy === 'fastest-k')).toBe(true);
    const cells = expandGrid(loaded.value);
    for (const [i, cell] of cells.entries()) {
      const v = validateScenarioObject(cell.scenario, loaded.value.baseFile);
      if (!v.ok) throw new Error(JSON.stringify(v.issues));
      const p = await createPolicy(v.value.policy);
      if (!p.ok) throw new Error(p.issues.join('\n'));
      const direct = JSON.parse(resultToJson(simulate(v.value, { policyImpl: p.value }))) as { totals: unknown };
      expect(lines[i]!.result.totals).toEqual(direct.totals);
    }
  }, 120_000);
});
