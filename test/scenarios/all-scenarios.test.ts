/**
 * Every scenario shipped under scenarios/ loads without issues and serves requests in a short run
 * (STYLE.md ladder step 5). The horizon is cut to a few simulated seconds on the parsed object, so
 * the test stays fast whatever the file's own horizon. Sweep files (scenarios/sweeps/) are checked
 * with the sweep loader, and every cell they expand to must validate as a scenario. testbed/
 * descriptions (live runtime) are not scenarios and are skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssues, loadScenario, validateScenarioObject } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';
import { expandGrid, loadSweepFile } from '../../sweeps/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'scenarios');
/** Long enough for a cold start (weights loaded from storage) plus a few requests. */
const SHORT_HORIZON_S = 5;
/** Examples whose first request cannot finish in 5 s: a cold 7B over four Pis, a 70B over two GPUs. */
const SLOW_START_S: Readonly<Record<string, number>> = {
  'scenarios/pi-cluster-tp.yaml': 120,
  'scenarios/two-gpu-70b.yaml': 120,
  'scenarios/edge/pi5-thermal.yaml': 120,
};

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return ['sweeps', 'testbed', 'catalog', 'calibration'].includes(e.name) ? [] : yamlFiles(p);
      return /\.ya?ml$/.test(e.name) ? [p] : [];
    })
    .sort();
}

const rel = (p: string): string => path.relative(ROOT, p);
const SCENARIOS = yamlFiles(DIR);
const SWEEPS = fs.existsSync(path.join(DIR, 'sweeps'))
  ? fs
      .readdirSync(path.join(DIR, 'sweeps'))
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => path.join(DIR, 'sweeps', n))
  : [];

describe('scenario files', () => {
  it('scenario files › the scenarios folder › has scenarios and sweeps to check', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(4);
    expect(SWEEPS.length).toBeGreaterThanOrEqual(1);
  });

  it.each(SCENARIOS.map(rel))('scenario files › %s › loads and completes requests in a short run', (file) => {
    const r = loadScenario(path.join(ROOT, file));
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const horizonS = Math.min(SLOW_START_S[file] ?? SHORT_HORIZON_S, r.value.horizonS);
    const result = simulate({ ...r.value, horizonS, timelineBucketS: horizonS / 4 });
    const t = result.totals;
    expect(t.ok + t.late, `${file}: ${JSON.stringify(t)}`).toBeGreaterThanOrEqual(1);
    expect(t.ok + t.late + t.dropped + t.failed + t.inflight).toBe(t.offered);
  });

  it.each(SWEEPS.map(rel))('scenario files › sweep %s › loads and every cell validates', (file) => {
    const r = loadSweepFile(path.join(ROOT, file));
    if (!r.ok) throw new Error(formatIssues(r.issues));
    // Seeds change only `seed`, so one seed per grid point covers every distinct scenario.
    const cells = expandGrid({ ...r.value, seeds: r.value.seeds.slice(0, 1) });
    expect(cells.length).toBeGreaterThanOrEqual(1);
    for (const cell of cells) {
      const v = validateScenarioObject(cell.scenario, r.value.baseFile);
      if (!v.ok) throw new Error(`${file} cell ${cell.info.index}: ${formatIssues(v.issues)}`);
    }
  });
});
