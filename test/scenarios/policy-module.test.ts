/**
 * User policy modules (scenarios/policy-module.ts): examples/my-policy.mjs loads, runs in the
 * simulator and is deterministic; broken modules and params are refused with the module file and
 * the export or field named; `policy.module` in a scenario resolves from the scenario's folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createPolicy,
  formatIssues,
  loadPolicyModule,
  loadScenario,
  moduleChoice,
  parseScenario,
} from '../../scenarios/index.js';
import { resultToJson, simulate } from '../../sim/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/my-policy.mjs');
const FIX = path.join(import.meta.dirname, 'fixtures/policy-modules');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-policy-module-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

function defaultScenario(horizonS = 60) {
  const r = loadScenario(path.join(ROOT, 'scenarios/default.yaml'));
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return { ...r.value, horizonS };
}

describe('policy module › the shipped example', () => {
  it('example › loaded from its file › a factory with its params and defaults', async () => {
    const f = await loadPolicyModule(EXAMPLE);
    if (!f.ok) throw new Error(f.issues.join('\n'));
    expect(Object.keys(f.value.params)).toEqual(['replicas', 'period_s']);
    const p = await createPolicy(moduleChoice(EXAMPLE));
    if (!p.ok) throw new Error(p.issues.join('\n'));
    expect(p.value.name).toBe('fastest-k');
    expect(p.value.placementPeriodS).toBe(60);
  });

  it('example › on scenarios/default.yaml › serves most requests, same bytes twice, other params other bytes', async () => {
    const sc = defaultScenario();
    const run = async (params: Record<string, number>) => {
      const p = await createPolicy({ ...moduleChoice(EXAMPLE), params });
      if (!p.ok) throw new Error(p.issues.join('\n'));
      return simulate(sc, { policyImpl: p.value });
    };
    const a = await run({});
    expect(a.policy).toBe('fastest-k');
    expect(a.totals.ok / a.totals.offered).toBeGreaterThan(0.8);
    expect(resultToJson(await run({}))).toBe(resultToJson(a));
    expect(resultToJson(await run({ replicas: 1 }))).not.toBe(resultToJson(a));
  });
});

describe('policy module › refused with the file and the field', () => {
  it('module › no default export › names the file, the missing export and what it found', async () => {
    const f = path.join(FIX, 'no-default.mjs');
    expect(await loadPolicyModule(f)).toEqual({
      ok: false,
      issues: [
        `${f}: export default: missing; a policy module exports its factory as \`export default { description, params, create }\` (or \`export const policy\`); found exports: notAPolicy`,
      ],
    });
  });
  it('module › factory without create, param spec without description › one issue each', async () => {
    const f = path.join(FIX, 'no-create.mjs');
    expect(await loadPolicyModule(f)).toEqual({
      ok: false,
      issues: [
        `${f}: export default.create: expected a function (params) => Policy`,
        `${f}: export default.params.k: expected { kind: number | integer | boolean | choice, default, description }`,
      ],
    });
  });
  it('module › create returns a policy without route › refused when created', async () => {
    const f = path.join(FIX, 'bad-policy.mjs');
    expect(await createPolicy(moduleChoice(f))).toEqual({
      ok: false,
      issues: [`${f}: the created policy.route: expected a function (request, view, rng) => RouteDecision`],
    });
  });
  it("module › a param out of range and an unknown one › checked against the module's own specs", async () => {
    const r = await createPolicy({ ...moduleChoice(EXAMPLE), params: { replicas: 0, replica: 2 } });
    expect(r).toEqual({
      ok: false,
      issues: [
        `${EXAMPLE}: policy.params.replicas: expected an integer in 1..64, got 0; Replicas per service.`,
        `${EXAMPLE}: policy.params.replica: unknown parameter "replica" for policy my-policy; did you mean "replicas"?`,
      ],
    });
  });
  it('module › a file that does not exist › says so', async () => {
    const f = path.join(FIX, 'nope.mjs');
    expect(await loadPolicyModule(f)).toEqual({ ok: false, issues: [`${f}: policy module does not exist`] });
  });
});

describe('policy module › in a scenario', () => {
  const base = fs.readFileSync(path.join(ROOT, 'scenarios/default.yaml'), 'utf8');
  // Replaces default.yaml's `policy:` block (lines 8–9, whatever policy it names); throws if
  // it is not found, so a changed default cannot turn these cases into no-ops.
  const withPolicy = (block: string) => {
    const re = /policy:\n {2}name: [\w-]+[^\n]*\n/;
    if (!re.test(base)) throw new Error('scenarios/default.yaml: no `policy:\n  name:` block to replace');
    return base.replace(re, block);
  };

  it('scenario › policy.module relative to the scenario file › resolved to an absolute path, params kept for the module', () => {
    const file = path.join(ROOT, 'scenarios/with-module.yaml');
    const r = parseScenario(
      withPolicy('policy:\n  module: ../examples/my-policy.mjs\n  params: { replicas: 3 }\n'),
      file,
    );
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.value.policy).toEqual({ name: 'my-policy', module: EXAMPLE, params: { replicas: 3 } });
  });
  it('scenario › policy.module that does not exist › file:line:col of the key, and where it looked', () => {
    const file = path.join(TMP, 'missing-module.yaml');
    const r = parseScenario(withPolicy('policy:\n  module: ./nope.mjs\n'), file);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(formatIssues(r.issues)).toBe(
        `${file}:9:11: policy.module: policy module "./nope.mjs" does not exist (looked for ${path.join(TMP, 'nope.mjs')}); relative paths start at the scenario file's folder`,
      );
    }
  });
  it('scenario › both policy.name and policy.module › refused', () => {
    const r = parseScenario(withPolicy(`policy:\n  name: epara\n  module: ${EXAMPLE}\n`), path.join(TMP, 'both.yaml'));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(formatIssues(r.issues)).toMatch(
        /:9:9: policy\.name: give either policy\.name or policy\.module, not both$/,
      );
  });
});
