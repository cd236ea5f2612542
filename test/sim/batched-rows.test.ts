/**
 * The serving engine's step cost, calibrated per pair, against issue 12's shared batched rows
 * (moved out of engine.test.ts: it fits every mapped pair, ≈ 2 s plain and ≈ 25 s under
 * Stryker's instrumentation, so it stays out of the sim/models mutation set — the focused
 * calibrate-fit, perf and engine tests pin the same code there; docs/testing.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCatalog, formatIssues, loadCatalogFile } from '../../scenarios/index.js';
import { calibrate, median, parseCalibrationRows } from '../../sim/index.js';
import { ROOT } from '../cli-paths.js';

// Issue #12's shared batched rows (llm.csv at batch > 1, batched/llm-batched.csv,
// batched/llm-prefill.csv) as mapped by scripts/map-calibration.py, through `parasim calibrate`.
const CAL = path.join(ROOT, 'scenarios', 'calibration');

describe('engine › shared batched rows', () => {
  it('engine › median |error| over the shared batched rows (mapped tables, calibrate) ≤ 20%', () => {
    const cat = loadCatalogFile(path.join(CAL, 'catalog.yaml'), builtinCatalog());
    if (!cat.ok) throw new Error(formatIssues(cat.issues));
    const errs: number[] = [];
    for (const t of ['llm-batched.csv', 'llm-prefill.csv']) {
      const file = path.join(CAL, t);
      const rows = parseCalibrationRows(fs.readFileSync(file, 'utf8'), file, cat.value);
      if (!rows.ok) throw new Error(formatIssues(rows.issues));
      errs.push(...calibrate(rows.value, cat.value, file).rows.map((r) => Math.abs(r.relError)));
    }
    expect(errs.length).toBeGreaterThan(250);
    const m = median(errs)!;
    expect(m, `median ${m}`).toBeLessThanOrEqual(0.2);
  }, 120_000);
});
