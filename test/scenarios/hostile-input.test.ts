/**
 * The loader cases of the hostile-input probe (issue 17): each would hang, run out of memory,
 * crash with exit 70 or silently merge results before the fix; each must now be one located
 * issue. All in process (loadScenario / loadSweepFile / parseTestbedSpec are what the CLI calls).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIssues, loadScenario, parseScenario } from '../../scenarios/index.js';
import { loadSweepFile } from '../../sweeps/index.js';
import { parseTestbedSpec } from '../../runtime/controller/index.js';
import { TimestampClock } from '../../traces/field-values.js';
import { TraceFormatError } from '../../traces/index.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-hostile-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

const BASE = [
  'name: t',
  'horizon_s: 10',
  'switches: [lan]',
  'devices:',
  '  - { id: gpu, type: rtx-4090 }',
  'links:',
  '  - { a: gpu, b: lan, type: 10gbe }',
  'services:',
  '  - { name: chat, kind: llm, model: llama-3.1-8b-q4, ingress: lan, slo: { e2e_s: 5 }, arrivals: { process: poisson, rate_per_s: 2 } }',
].join('\n');

/** The formatted issues of a scenario text ('' when it loads). */
function issuesOf(text: string): string {
  const r = parseScenario(text, 'F');
  return r.ok ? '' : formatIssues(r.issues);
}

/** Nine levels of nine aliases each: 9^9 nodes when expanded. */
const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...'bcdefghi'.split('').map((c, i) => {
    const p = 'abcdefghi'[i]!;
    return `${c}: &${c} [*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p}]`;
  }),
].join('\n');

describe('scenario loader › hostile input', () => {
  it('a valid base loads (the cases below differ by one thing)', () => {
    expect(issuesOf(BASE)).toBe('');
  });

  it('an alias bomb is a located issue, not an exception', () => {
    expect(issuesOf(`${BASE}\n${ALIAS_BOMB}\n`)).toMatch(
      /^F:\d+:\d+: YAML aliases expand past the bound of 1000 \(an alias bomb\?\)/,
    );
  });

  it('duplicate service names are refused (results are keyed by name)', () => {
    const dup = `${BASE}\n  - { name: chat, kind: llm, model: llama-3.1-8b-q4, ingress: lan, slo: { e2e_s: 5 }, arrivals: { process: poisson, rate_per_s: 1 } }`;
    expect(issuesOf(dup)).toBe(
      'F:10:13: services[1].name: duplicate service name "chat"; already used at services[0].name',
    );
  });

  it('format csv without columns is refused at load time (it crashed `run` before)', () => {
    fs.writeFileSync(path.join(TMP, 'tr.csv'), 't\n0\n1\n');
    const f = path.join(TMP, 'csv.yaml');
    fs.writeFileSync(
      f,
      BASE.replace(
        'arrivals: { process: poisson, rate_per_s: 2 }',
        'arrivals: { process: trace, format: csv, path: tr.csv }',
      ),
    );
    const r = loadScenario(f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatIssues(r.issues)).toContain('services[0].arrivals.format: format csv needs `columns`');
  });

  it('count: 100000000 stops at once, naming the bound (no expansion: the old loader allocated every member)', () => {
    expect(
      issuesOf(BASE.replace('{ id: gpu, type: rtx-4090 }', '{ id: gpu, type: rtx-4090, count: 100000000 }')),
    ).toContain(
      'F:5:3: devices: the device count (groups expanded) is 100000000, above the bound max_devices = 10000; ' +
        'raise it with `limits: { max_devices: N }` in the scenario if you mean it (docs/limits.md)',
    );
  });

  it('links to device groups count per member against max_links', () => {
    const many = BASE.replace('{ id: gpu, type: rtx-4090 }', '{ id: gpu, type: rtx-4090, count: 10000 }').replace(
      '  - { a: gpu, b: lan, type: 10gbe }',
      Array.from({ length: 11 }, () => '  - { a: gpu, b: lan, type: 10gbe }').join('\n'),
    );
    expect(issuesOf(many)).toContain(
      'links: the link count (group endpoints expanded) is 110000, above the bound max_links = 100000',
    );
  });

  it('horizon_s: 1e300 and rate_per_s: 1e12 are refused before any work', () => {
    expect(issuesOf(BASE.replace('horizon_s: 10', 'horizon_s: 1e300'))).toContain(
      'horizon_s: horizon_s is 1.00e+300, above the bound max_horizon_s',
    );
    expect(issuesOf(BASE.replace('rate_per_s: 2', 'rate_per_s: 1e12'))).toContain(
      'services: expected requests (Σ mean rate × horizon_s) is 10000000000000, above the bound max_expected_requests = 20000000',
    );
  });

  it("a bound is raised by the scenario's limits key", () => {
    const big = BASE.replace('rate_per_s: 2', 'rate_per_s: 3e6');
    expect(issuesOf(big)).toContain('max_expected_requests');
    expect(issuesOf(`${big}\nlimits: { max_expected_requests: 1e8 }\n`)).toBe('');
    expect(issuesOf(`${BASE}\nlimits: { max_device: 5 }\n`)).toBe(
      'F:10:11: limits.max_device: unknown key "max_device"; did you mean "max_devices"?',
    );
  });

  it('a scenario file over the size bound is refused before parsing', () => {
    const f = path.join(TMP, 'big.yaml');
    fs.writeFileSync(f, `${BASE}\n# ${'x'.repeat(9 * 1024 * 1024)}\n`);
    const r = loadScenario(f);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(formatIssues(r.issues)).toMatch(
        /^.*big\.yaml: the scenario file is larger than the bound of 8388608 bytes.*PARASIM_MAX_YAML_BYTES/,
      );
  });

  it('a 3 MB value is clipped in the message and gets no did-you-mean search', () => {
    const blob = 'r'.repeat(3_000_000);
    const text = issuesOf(BASE.replace('type: rtx-4090', `type: ${blob}`));
    expect(text.length).toBeLessThan(400);
    expect(text).not.toContain('did you mean');
    expect(text).toContain('… (3000000 chars)');
  });
});

describe('sweep loader › same helper as scenarios', () => {
  const base = path.join(TMP, 'base.yaml');
  fs.writeFileSync(base, BASE);
  const sweep = (text: string): string => {
    const f = path.join(TMP, `s${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(f, text);
    const r = loadSweepFile(f);
    return r.ok ? '' : formatIssues(r.issues).replaceAll(f, 'S');
  };

  it('a typo gets a located did-you-mean, not raw zod text', () => {
    expect(sweep('base: base.yaml\nseeds: [1]\ngrdi: { load: [1, 2] }\n')).toBe(
      'S:3:1: grdi: unknown key "grdi"; did you mean "grid"?',
    );
  });

  it("a wrong type reads like the scenario loader's", () => {
    expect(sweep('base: base.yaml\nseeds: one\n')).toBe('S:2:8: seeds: expected a list, got the string "one"');
  });

  it('an alias bomb is a located issue', () => {
    expect(sweep(`base: base.yaml\nseeds: [1]\n${ALIAS_BOMB}\n`)).toMatch(
      /^S:\d+:\d+: YAML aliases expand past the bound/,
    );
  });

  it('a missing base file is located at `base`', () => {
    const text = sweep('base: nope.yaml\nseeds: [1]\n');
    expect(text).toContain('S:1:7: base: base scenario nope.yaml cannot be read');
    expect(text).toContain('nope.yaml: cannot read the scenario file: no such file');
  });
});

describe('testbed loader › same helper as scenarios', () => {
  const tb = (text: string): string => {
    const r = parseTestbedSpec(text, 'T');
    return r.ok ? '' : formatIssues(r.issues);
  };
  it('a typo gets a located did-you-mean', () => {
    expect(tb('name: x\nagents:\n  - { id: a, device: d, prot: 7000 }\n')).toContain(
      'T:3:25: agents[0].prot: unknown key "prot"; did you mean "port"?',
    );
  });
  it('an alias bomb is a located issue', () => {
    expect(tb(`name: x\nagents: []\n${ALIAS_BOMB}\n`)).toMatch(/^T:\d+:\d+: YAML aliases expand past the bound/);
  });
});

describe('trace fields › dates and long values', () => {
  it('2023-02-30 is not a date (fast and regex paths); 2024-02-29 is', () => {
    const c = new TimestampClock();
    expect(c.secondsSinceFirst('2023-02-28 00:00:00')).toBe(0);
    expect(c.secondsSinceFirst('2023-02-30 00:00:00')).toBeNaN();
    expect(c.secondsSinceFirst('2023-02-30T00:00:00Z')).toBeNaN();
    expect(c.secondsSinceFirst('2023-04-31 00:00:00')).toBeNaN();
    expect(c.secondsSinceFirst('2024-02-29 00:00:00')).toBe(366 * 86400);
  });
  it('a 3 MB field is not echoed whole into a trace error', () => {
    const e = new TraceFormatError('f.csv', 2, 1, `expected a number, got "${'9'.repeat(3_000_000)}"`);
    expect(e.message.length).toBeLessThan(400);
  });
});
