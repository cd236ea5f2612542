/**
 * Utilisation invariant: a device is busy at most 100% of the time. Busy time is reserved ahead for
 * decode runs and handed back when a run is cut (World.releaseLanes; World.releaseDevice before per-GPU lanes); losing the hand-back made
 * scenarios/default.yaml report up to 795% (issue 14). Checked on every shipped scenario under
 * every registered policy, on the whole-run figure and on every timeline bucket.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY_NAMES, type RunResult } from '../../policies/index.js';
import { formatIssues, loadScenario, policyChoiceFor } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Past the first re-placement (60 s) with queues built up; long runs add nothing here. */
const HORIZON_S = 90;
const EPS = 1e-9;

function shipped(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      // Not scenarios: sweep files, testbeds, catalog files (scenarios/calibration/catalog.yaml is one), as in all-scenarios.test.ts.
      if (e.isDirectory()) return ['sweeps', 'testbed', 'catalog', 'calibration'].includes(e.name) ? [] : shipped(p);
      return /\.ya?ml$/.test(e.name) ? [path.relative(ROOT, p)] : [];
    })
    .sort();
}

/** Every device whose utilisation (whole run or one bucket) is above 1, as readable text. */
export function overUtilised(r: RunResult): string[] {
  const bad: string[] = [];
  for (const [id, d] of Object.entries(r.devices)) {
    if (!(d.utilization <= 1 + EPS) || d.utilization < -EPS) bad.push(`${id}: ${(d.utilization * 100).toFixed(1)}%`);
    d.utilizationTimeline.forEach((u, b) => {
      if (!(u <= 1 + EPS) || u < -EPS) bad.push(`${id} bucket ${b}: ${(u * 100).toFixed(1)}%`);
    });
  }
  return bad;
}

describe('utilisation', () => {
  it.each(shipped(path.join(ROOT, 'scenarios')))(
    'utilisation › %s under every policy › no device busy more than all the time, whole run and per bucket',
    (file) => {
      const loaded = loadScenario(path.join(ROOT, file));
      if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
      const sc = loaded.value;
      const horizonS = Math.min(HORIZON_S, sc.horizonS);
      const bad: string[] = [];
      let busiest = 0;
      for (const policy of POLICY_NAMES) {
        const r = simulate(
          { ...sc, horizonS, timelineBucketS: Math.min(sc.timelineBucketS, horizonS / 3) },
          { policy: policyChoiceFor(sc, policy) },
        );
        bad.push(...overUtilised(r).map((b) => `${policy} ${b}`));
        for (const d of Object.values(r.devices)) busiest = Math.max(busiest, d.utilization);
      }
      expect(bad).toEqual([]);
      // The check has teeth only if some device is really busy in this scenario.
      expect(busiest).toBeGreaterThan(0.2);
    },
  );
});
