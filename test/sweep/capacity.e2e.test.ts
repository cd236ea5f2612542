/**
 * Goodput-capacity mode end to end on a one-GPU scenario: the search runs its probes on the worker
 * pool, and the capacity it reports is checked against simulations run here, independently of
 * the pool: the mean attainment at the found load meets the target, the next probed load above
 * it misses the target, and the two are at most one tolerance apart. Run twice (1 and 2
 * workers), the summary and the results are the same bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScenarioObject } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';
import {
  capacityFileFor,
  loadSweepFile,
  runSweep,
  scaleLoad,
  type CapacityMode,
  type SweepDefinition,
} from '../../sweeps/index.js';
import { readResultsText } from '../../reports/index.js';
import { ROOT } from '../cli-paths.js';

const SWEEP = path.join(ROOT, 'test/sweep/fixtures/capacity-bracket.yaml');
let tmp = '';

interface Summary {
  target: number;
  tolerance: number;
  searches: Array<{
    policy: string;
    load: number | null;
    bound: string;
    probes: Array<{ load: number; attainment: number }>;
  }>;
}

/** Lowest over services of the mean SLO attainment over the sweep's seeds at `load`, simulated in this process. */
function attainmentAt(def: SweepDefinition, policy: string, load: number): number {
  const sums = new Map<string, number>();
  for (const seed of def.seeds) {
    const obj = { ...structuredClone(def.base), policy: { name: policy }, seed } as Record<string, unknown>;
    scaleLoad(obj, load);
    const checked = validateScenarioObject(obj, def.baseFile);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    for (const [name, s] of Object.entries(simulate(checked.value).services))
      sums.set(name, (sums.get(name) ?? 0) + s.sloAttainment);
  }
  return Math.min(...[...sums.values()].map((x) => x / def.seeds.length));
}

async function run(name: string, workers: number): Promise<{ summary: string; results: string }> {
  const loaded = loadSweepFile(SWEEP);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  const out = path.join(tmp, `${name}.jsonl`);
  const r = await runSweep(loaded.value, { out, workers, resume: false });
  if (!r.ok) throw new Error(r.message);
  expect(r.summary.failures).toEqual([]);
  return { summary: fs.readFileSync(capacityFileFor(out), 'utf8'), results: fs.readFileSync(out, 'utf8') };
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-capacity-'));
}, 600_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('goodput-capacity sweep', () => {
  it('capacity › one-GPU scenario › found load meets the target, the next probed load misses it, deterministic for any worker count', async () => {
    const loaded = loadSweepFile(SWEEP);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const def = loaded.value;
    const mode = def.mode as CapacityMode;

    const one = await run('w1', 1);
    const two = await run('w2', 2);
    expect(two.summary).toBe(one.summary);
    expect(two.results).toBe(one.results);

    const summary = JSON.parse(one.summary) as Summary;
    expect(summary.searches).toHaveLength(1);
    const s = summary.searches[0]!;
    expect(s.bound).toBe('bracketed');
    const found = s.load!;
    const above = s.probes.filter((p) => p.load > found).map((p) => p.load);
    const next = Math.min(...above);
    expect(next - found).toBeGreaterThan(0);
    expect(next - found).toBeLessThanOrEqual(mode.tolerance);
    // What the search recorded …
    expect(s.probes.find((p) => p.load === found)!.attainment).toBeGreaterThanOrEqual(mode.target);
    expect(s.probes.find((p) => p.load === next)!.attainment).toBeLessThan(mode.target);
    // … agrees with simulations run here, outside the pool.
    expect(attainmentAt(def, s.policy, found)).toBeGreaterThanOrEqual(mode.target);
    expect(attainmentAt(def, s.policy, next)).toBeLessThan(mode.target);
    // The report reads the summary file as a capacity table (all services and per service).
    const read = readResultsText(one.summary, 'results.capacity.json');
    expect(read.issues).toEqual([]);
    expect(read.capacity[0]!.searches[0]).toMatchObject({
      policy: s.policy,
      load: found,
      services: { chat: { bound: expect.any(String) } },
    });
    // One result line per probe cell (probes × seeds), in probe order.
    const lines = one.results
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { cell: { index: number; load: number } });
    expect(lines).toHaveLength(s.probes.length * def.seeds.length);
    expect(lines.map((l) => l.cell.index)).toEqual([...lines.keys()]);
  }, 300_000);
});
