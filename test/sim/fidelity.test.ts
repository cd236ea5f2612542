/**
 * The validity envelope of docs/fidelity.md: calibrate over the project's mapped copies of the
 * shared profile rows; fails when the median error of all compared figures, or of multi-device
 * decode, rises above the figure the document states (its `fidelity-medians` line).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCatalog, formatIssues, loadCatalogFile } from '../../scenarios/index.js';
import { calibrate, median, parseCalibrationRows, type ComparedRow } from '../../sim/index.js';
import { ROOT } from '../cli-paths.js';

const DIR = path.join(ROOT, 'scenarios', 'calibration');
const TABLES = ['llm-batch1.csv', 'llm-batched.csv', 'llm-prefill.csv', 'split-multidevice.csv'];

function documented(): { all: number; multi: number } {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'fidelity.md'), 'utf8');
  const m = /<!-- fidelity-medians: all=([\d.]+) multi-device-decode=([\d.]+) -->/.exec(doc);
  if (m === null) throw new Error('docs/fidelity.md has no fidelity-medians line');
  return { all: Number(m[1]), multi: Number(m[2]) };
}

describe('fidelity › calibrate on the shared rows', () => {
  it('fidelity › medians › not above the documented figures', () => {
    const cat = loadCatalogFile(path.join(DIR, 'catalog.yaml'), builtinCatalog());
    if (!cat.ok) throw new Error(formatIssues(cat.issues));
    const rows: ComparedRow[] = [];
    for (const t of TABLES) {
      const file = path.join(DIR, t);
      const parsed = parseCalibrationRows(fs.readFileSync(file, 'utf8'), file, cat.value);
      if (!parsed.ok) throw new Error(formatIssues(parsed.issues));
      const rep = calibrate(parsed.value, cat.value, file);
      expect(rep.rows.length).toBeGreaterThan(0);
      rows.push(...rep.rows);
    }
    const doc = documented();
    const all = median(rows.map((r) => Math.abs(r.relError)))!;
    const multi = median(
      rows.filter((r) => r.nodes > 1 && r.metric === 'decode_tok_s').map((r) => Math.abs(r.relError)),
    )!;
    // In percent, rounded as the document rounds (one decimal).
    const pct = (x: number): number => Math.round(x * 1000) / 10;
    expect(pct(all), 'median |error| over all figures, %').toBeLessThanOrEqual(doc.all);
    expect(pct(multi), 'median |error| of multi-device decode, %').toBeLessThanOrEqual(doc.multi);
  }, 120_000);
});
