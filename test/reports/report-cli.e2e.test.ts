/**
 * `parasim report` through the built CLI: the issue-11 "done when" sweep (a device-count axis, two
 * policies, two loads) gives a CSV with a service column, every service and `all`, the axis kept
 * apart; bad output paths fail before any work with the path named and nothing written; a file
 * mixing two sweeps names both hashes; `--validation` takes the file `validate --out` writes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validationJson, type ValidationReport } from '../../runtime/validate/index.js';
import { MAIN, ROOT } from '../cli-paths.js';
import { fakeResult, fakeSweep } from './fixtures.js';

let tmp = '';
const cli = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { cwd: tmp, encoding: 'utf8' });

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-report-cli-'));
  fs.writeFileSync(path.join(tmp, 'fake.jsonl'), fakeSweep(['epara', 'rr'], [1, 2], [1, 2]));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('report CLI', { timeout: 300_000 }, () => {
  it('report › device-count sweep, 2 policies × 2 loads › CSV rows per service and all, axis values apart', () => {
    const sweep = cli('sweep', path.join(ROOT, 'test/reports/fixtures/device-count.yaml'), '--out', 'dc.jsonl');
    expect(sweep.status, sweep.stderr).toBe(0);
    const r = cli('report', 'dc.jsonl', '--out', 'dc.html', '--csv', 'dc.csv');
    expect(r.status, r.stderr).toBe(0);
    const [head, ...rows] = fs
      .readFileSync(path.join(tmp, 'dc.csv'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(head!.slice(0, 6)).toEqual(['row', 'policy', 'service', 'devices[1].count', 'clock', 'load']);
    const points = rows.filter((x) => x[0] === 'point');
    const services = ['cameras', 'chat', 'fpga-sensor', 'tiny-chat', 'all'];
    for (const policy of ['epara', 'round-robin']) {
      for (const count of ['1', '2']) {
        for (const load of ['0.5', '1']) {
          const here = points.filter((x) => x[1] === policy && x[3] === count && x[5] === load);
          expect(here.map((x) => x[2]).sort(), `${policy} ${count} ${load}`).toEqual([...services].sort());
          for (const x of here) expect(x[6]).toBe('2');
        }
      }
    }
    expect(rows.filter((x) => x[0] === 'capacity')).toHaveLength(2 * 2 * services.length);
    const html = fs.readFileSync(path.join(tmp, 'dc.html'), 'utf8');
    expect(html).toContain('devices[1].count = 1');
    expect(html).toContain('devices[1].count = 2');
    // Notes say why on stderr.
    expect(r.stderr).toMatch(/note \(\d+ runs?\): /);
  });

  it('report › --out or --csv in a missing folder, a directory, below a regular file › error naming the path, nothing written', () => {
    fs.writeFileSync(path.join(tmp, 'plain-file'), 'x');
    fs.mkdirSync(path.join(tmp, 'a-dir'), { recursive: true });
    const cases: [string, string, RegExp][] = [
      ['--out', 'missing/r.html', /--out missing\/r\.html: folder .*missing does not exist/],
      ['--out', 'a-dir', /--out a-dir: is a directory/],
      [
        '--csv',
        'plain-file/s.csv',
        /--csv plain-file\/s\.csv: cannot write below .*plain-file, which is a regular file/,
      ],
      ['--csv', 'plain-file/deeper/s.csv', /cannot write below .*plain-file, which is a regular file/],
    ];
    for (const [flag, target, message] of cases) {
      const args = flag === '--out' ? ['--out', target] : ['--out', 'ok.html', '--csv', target];
      const r = cli('report', 'fake.jsonl', ...args);
      expect(r.status, target).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(fs.existsSync(path.join(tmp, 'ok.html'))).toBe(false);
    }
    expect(fs.readdirSync(path.join(tmp, 'a-dir'))).toEqual([]);
  });

  it('report › a results file mixing two sweeps › an error naming both hashes', () => {
    fs.writeFileSync(
      path.join(tmp, 'mixed.jsonl'),
      fakeSweep(['epara'], [1], [1], false, {}, 'hash-one') + fakeSweep(['rr'], [1], [1], false, {}, 'hash-two'),
    );
    const r = cli('report', 'mixed.jsonl', '--out', 'mixed.html');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('mixed.jsonl mixes results of different sweeps (hash-one and hash-two)');
    expect(fs.existsSync(path.join(tmp, 'mixed.html'))).toBe(false);
  });

  it('report › --validation with the file validate --out writes › accepted and shown', () => {
    const sim = fakeResult('epara', 1, 1);
    const report = {
      schema: 'parasim.validation/1',
      scenario: 's',
      testbed: 't.yaml',
      seed: 1,
      policies: ['epara'],
      loads: [1],
      profiles: [],
      notes: [],
      medianAbsGoodputError: 0.031,
      cells: [
        {
          policy: 'epara',
          load: 1,
          sim,
          measured: sim,
          goodputError: 0.031,
          rows: [{ scope: 'chat', metric: 'goodputRps', sim: 2, measured: 2.2, absError: -0.2, relError: 0.0909 }],
        },
      ],
    } as unknown as ValidationReport;
    fs.writeFileSync(path.join(tmp, 'validation.json'), validationJson(report));
    const r = cli('report', 'fake.jsonl', '--out', 'v.html', '--validation', 'validation.json');
    expect(r.status, r.stderr).toBe(0);
    const html = fs.readFileSync(path.join(tmp, 'v.html'), 'utf8');
    expect(html).toContain('Median absolute goodput error: <b>3.1%</b>');
    expect(html).toContain('<td>goodputRps</td>');
  });
});
