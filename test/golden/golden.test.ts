/**
 * Golden results (STYLE.md ladder step 4): every registered policy × the main and fault scenarios ×
 * two seeds, each run's canonical result JSON (the bytes `parasim run --out` writes) hashed with
 * sha256 and compared with test/golden/results.golden.json. Each scenario's horizon is cut (see
 * HORIZON_S) so the whole matrix runs in a few seconds while still crossing every fault event.
 *
 * A change that alters results on purpose re-records the file with an explicit flag:
 *   UPDATE_GOLDEN=1 npx vitest run test/golden
 * and says why in docs/decisions.md. Without the flag the file is never written.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY_NAMES } from '../../policies/index.js';
import { formatIssues, loadScenario, policyChoiceFor } from '../../scenarios/index.js';
import { resultToJson, simulate } from '../../sim/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GOLDEN = path.join(import.meta.dirname, 'results.golden.json');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const SEEDS = [1, 2] as const;
/**
 * Simulated seconds per scenario: past the first EPARA re-placement (60 s) and, for the fault
 * scenarios, past the last fault event; a new fault scenario gets DEFAULT_HORIZON_S.
 */
const HORIZON_S: Readonly<Record<string, number>> = {
  'scenarios/default.yaml': 120,
  'scenarios/epara-vs-baselines.yaml': 120,
  'scenarios/faults/bt-link-outage.yaml': 300, // outage 200–290 s, degraded from 290 s
  'scenarios/faults/device-crash.yaml': 420, // crash 200 s, recovery 320 s, second crash 400 s
  'scenarios/faults/sync-loss.yaml': 320, // loss from 150 s, delay from 300 s
};
const DEFAULT_HORIZON_S = 300;
const SCENARIOS = [
  'scenarios/default.yaml',
  'scenarios/epara-vs-baselines.yaml',
  ...fs
    .readdirSync(path.join(ROOT, 'scenarios/faults'))
    .filter((n) => n.endsWith('.yaml'))
    .sort()
    .map((n) => `scenarios/faults/${n}`),
];

/** One entry per run: the hash decides; the totals make a re-recorded diff readable. */
interface GoldenEntry {
  readonly sha256: string;
  readonly offered: number;
  readonly ok: number;
  readonly goodputRps: number;
}

function runCell(file: string, policy: string, seed: number): GoldenEntry {
  const loaded = loadScenario(path.join(ROOT, file));
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  const sc = loaded.value;
  const result = simulate(
    { ...sc, horizonS: Math.min(HORIZON_S[file] ?? DEFAULT_HORIZON_S, sc.horizonS) },
    { seed, policy: policyChoiceFor(sc, policy) },
  );
  const json = resultToJson(result);
  const t = result.totals;
  return {
    sha256: createHash('sha256').update(json).digest('hex'),
    offered: t.offered,
    ok: t.ok,
    goodputRps: Number(t.goodputRps.toPrecision(6)),
  };
}

const HOW =
  'If the change is intended, re-record with `UPDATE_GOLDEN=1 npx vitest run test/golden` and explain it in docs/decisions.md.';

describe('golden', () => {
  const actual: Record<string, GoldenEntry> = {};

  it('golden › every policy × main and fault scenarios × 2 seeds › result hashes match the recorded file', () => {
    for (const file of SCENARIOS) {
      for (const policy of POLICY_NAMES)
        for (const seed of SEEDS) actual[`${file} ${policy} seed=${seed}`] = runCell(file, policy, seed);
    }
    if (UPDATE) {
      fs.writeFileSync(`${GOLDEN}.tmp`, `${JSON.stringify(actual, null, 2)}\n`);
      fs.renameSync(`${GOLDEN}.tmp`, GOLDEN);
    }
    if (!fs.existsSync(GOLDEN)) throw new Error(`${path.relative(ROOT, GOLDEN)} is missing. ${HOW}`);
    const recorded = JSON.parse(fs.readFileSync(GOLDEN, 'utf8')) as Record<string, GoldenEntry>;
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(actual)])].sort();
    const diffs = keys
      .filter((k) => recorded[k]?.sha256 !== actual[k]?.sha256)
      .map((k) => {
        const was = recorded[k],
          now = actual[k];
        if (was === undefined) return `  + ${k} (new run, not recorded)`;
        if (now === undefined) return `  - ${k} (recorded, no longer run)`;
        return `  ~ ${k}: ok ${was.ok} → ${now.ok}, goodput ${was.goodputRps} → ${now.goodputRps}/s`;
      });
    expect(diffs, `${diffs.length} of ${keys.length} golden results differ:\n${diffs.join('\n')}\n${HOW}`).toEqual([]);
  });

  it('golden › the recorded file › covers every registered policy × at least 5 scenarios × 2 seeds', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(5);
    const recorded = Object.keys(JSON.parse(fs.readFileSync(GOLDEN, 'utf8')) as object);
    for (const policy of POLICY_NAMES)
      expect(recorded.filter((k) => k.includes(` ${policy} seed=`))).toHaveLength(SCENARIOS.length * SEEDS.length);
    expect(recorded).toHaveLength(SCENARIOS.length * POLICY_NAMES.length * SEEDS.length);
  });
});
