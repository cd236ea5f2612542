/**
 * `parasim calibrate` through the built CLI: a bad table exits 1 with located issues on stderr
 * and nothing on stdout; a good one prints the JSON report of issue #13's shape.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli-paths.js';

const run = promisify(execFile);
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-calibrate-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));
const HEAD =
  'device_key,model_key,nodes,parallelism,link_key,batch,prompt_tokens,output_tokens,prefill_tok_s,decode_tok_s';

describe('calibrate › CLI', () => {
  it('calibrate › CLI › bad row: exit 1, located issue on stderr, no stdout; good rows: JSON report', async () => {
    const bad = path.join(TMP, 'bad.csv');
    fs.writeFileSync(bad, `${HEAD}\nraspberry-pi-5-8gb,llama-2-7b-q4,4,,1gbe,1,,,,2\n`);
    const err = await run(process.execPath, [MAIN, 'calibrate', bad, '--json'], { cwd: ROOT }).then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(err).not.toBeNull();
    expect(err!.code).toBe(1);
    expect(err!.stdout).toBe('');
    expect(err!.stderr).toContain(`${bad}:2:4: parallelism: nodes is 4 but parallelism is empty`);

    const good = path.join(TMP, 'good.csv');
    fs.writeFileSync(
      good,
      `${HEAD}\nraspberry-pi-5-8gb,llama-2-7b-q4,4,tp,1gbe,1,16,32,,5\ngcp-c3d-highcpu-30,llama-2-7b-q4,2,tp,gcp-vpc,1,,,,14.349\n`,
    );
    const out = await run(
      process.execPath,
      [MAIN, 'calibrate', good, '--json', '--catalog', path.join(ROOT, 'scenarios/calibration/catalog.yaml')],
      { cwd: ROOT },
    );
    const rep = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(Object.keys(rep)).toEqual(['rows', 'medianAbsRelError', 'worstAbsRelError', 'unexpressible']);
    const rows = rep['rows'] as Record<string, unknown>[];
    expect(rows.map((r) => Object.keys(r))).toEqual(
      Array(2).fill([
        'line',
        'device_key',
        'model_key',
        'nodes',
        'parallelism',
        'batch',
        'metric',
        'published',
        'simulated',
        'relError',
      ]),
    );
    expect(rows.map((r) => [r['line'], r['nodes'], r['parallelism'], r['metric']])).toEqual([
      [2, 4, 'tp', 'decode_tok_s'],
      [3, 2, 'tp', 'decode_tok_s'],
    ]);
  }, 60_000);
});
