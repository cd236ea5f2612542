/**
 * Malformed scenarios in process (cases in malformed-cases.ts): `loadScenario` + `formatIssues`
 * print file:line:col, the field path, what is wrong or expected and a did-you-mean.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIssues, loadScenario } from '../../scenarios/index.js';
import { CASES, TMP, removeTmp, scenario, writeCase } from './malformed-cases.js';

afterAll(removeTmp);

describe('loadScenario › malformed scenarios', () => {
  it('loadScenario › the unmodified base scenario › loads (so each case fails for its one mistake)', () => {
    const file = path.join(TMP, 'base.yaml');
    fs.writeFileSync(file, scenario());
    const r = loadScenario(file);
    expect(r.ok, r.ok ? '' : formatIssues(r.issues)).toBe(true);
  });

  it.each(CASES)('loadScenario › $name › names file:line:col, path and what is expected', (c) => {
    const { file, expected } = writeCase(c);
    const r = loadScenario(file);
    if (r.ok) throw new Error(`expected issues for "${c.name}"`);
    expect(formatIssues(r.issues)).toBe(expected);
  });

  it('loadScenario › a file that does not exist › says so without a line number', () => {
    const file = path.join(TMP, 'nope.yaml');
    const r = loadScenario(file);
    if (r.ok) throw new Error('expected issues');
    expect(formatIssues(r.issues)).toBe(`${file}: cannot read the scenario file: no such file`);
  });
});
