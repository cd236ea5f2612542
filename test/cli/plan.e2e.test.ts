/**
 * `parasim plan` through the built CLI (issue 18 done-when): the default scenario's cameras on
 * Pi 5 vs Orin Nano answer with integer counts and energy in the documented JSON shape; a wrong
 * candidate exits 2 with a did-you-mean and prints nothing on stdout.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli-paths.js';

const run = promisify(execFile);

describe('plan › CLI', () => {
  it('plan › done-when command › integer counts per candidate, JSON { service, target, answers }', async () => {
    const out = await run(
      process.execPath,
      [
        MAIN,
        'plan',
        'scenarios/default.yaml',
        '--service',
        'cameras',
        '--candidates',
        'raspberry-pi-5-8gb,jetson-orin-nano-8gb',
        '--target',
        '0.99',
        '--json',
      ],
      { cwd: ROOT },
    );
    const j = JSON.parse(out.stdout) as {
      service: string;
      target: number;
      answers: { deviceType: string; count: number; energyPerRequestJ: number }[];
    };
    expect(j.service).toBe('cameras');
    expect(j.target).toBe(0.99);
    expect(j.answers.map((a) => a.deviceType)).toEqual(['raspberry-pi-5-8gb', 'jetson-orin-nano-8gb']);
    for (const a of j.answers) {
      expect(Number.isInteger(a.count)).toBe(true);
      expect(a.energyPerRequestJ).toBeGreaterThan(0);
    }
    // 40 frames/s at 94 ms per frame on a Pi 5 (profile row) needs at least 4 of them.
    expect(j.answers[0]!.count).toBeGreaterThanOrEqual(4);
    expect(j.answers[1]!.count).toBeLessThan(j.answers[0]!.count);
  }, 120_000);
  it('plan › unknown candidate › exit 2, did-you-mean, empty stdout', async () => {
    const err = await run(
      process.execPath,
      [MAIN, 'plan', 'scenarios/default.yaml', '--service', 'cameras', '--candidates', 'raspberry-pi-5-8g'],
      { cwd: ROOT },
    ).then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(err!.code).toBe(2);
    expect(err!.stdout).toBe('');
    expect(err!.stderr).toContain(
      '--candidates: unknown device type "raspberry-pi-5-8g"; did you mean "raspberry-pi-5-8gb"?',
    );
  }, 60_000);
});
