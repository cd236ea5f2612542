/**
 * The public entry points (api/index.ts → `parasim`, api/policy.ts → `parasim/policy`) expose
 * what a script and a policy module need, and a what-if run through them matches the CLI's path:
 * the result through the API is the same bytes as through sim/ directly.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../api/index.js';
import * as policyApi from '../../api/policy.js';
import { simulate as simDirect, resultToJson as jsonDirect } from '../../sim/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('api › parasim', () => {
  it('parasim › entry point › loads a scenario, simulates, sweeps and builds reports', () => {
    for (const name of [
      'loadScenario',
      'readScenarioObject',
      'validateScenarioObject',
      'formatIssues',
      'simulate',
      'resultToJson',
      'runSweep',
      'loadSweepFile',
      'expandGrid',
      'scaleLoad',
      'buildReport',
      'readResultFiles',
      'writeReport',
      'createPolicy',
      'loadPolicyModule',
      'moduleChoice',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(api.POLICY_NAMES).toContain('epara');
  });

  it('parasim › a load-scaled what-if run › same bytes as the simulator called directly, and more offered load', () => {
    const file = path.join(ROOT, 'scenarios/default.yaml');
    const base = api.readScenarioObject(file);
    if (!base.ok) throw new Error(api.formatIssues(base.issues));
    const at = (load: number) => {
      const obj = structuredClone(base.value) as Record<string, unknown>;
      api.scaleLoad(obj, load);
      obj['horizon_s'] = 30;
      const v = api.validateScenarioObject(obj, file);
      if (!v.ok) throw new Error(api.formatIssues(v.issues));
      return v.value;
    };
    const policy = { name: 'least-loaded', params: {} };
    const one = api.simulate(at(1), { policy });
    expect(api.resultToJson(one)).toBe(jsonDirect(simDirect(at(1), { policy })));
    expect(api.simulate(at(2), { policy }).totals.offered).toBeGreaterThan(1.8 * one.totals.offered);
  });
});

describe('api › parasim/policy', () => {
  it('parasim/policy › entry point › the helpers a policy module may use', () => {
    for (const name of [
      'readyInstances',
      'wholeModelStage',
      'tensorDegreeToFit',
      'estimateChain',
      'sloRatio',
      'transferTimeS',
      'resolveParams',
      'assertNever',
    ]) {
      expect(typeof (policyApi as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(policyApi.WEIGHT_MEMORY_FRACTION).toBe(0.9);
    expect(Object.keys(policyApi.POLICIES)).toEqual(api.POLICY_NAMES);
  });
});
