/**
 * The CLI cases of the hostile-input probe (issue 17): each spawns the built binary (all at once,
 * so the Node start-ups overlap) and checks the exit code, the message on stderr, that no stack
 * trace is printed and that nothing is left behind. Before the fix these exited 70, hung, printed
 * NaN, or failed only after the whole simulation.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli-paths.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-args-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));
const SCENARIO = path.join(ROOT, 'test/sweep/fixtures/tiny-scenario.yaml');
const SWEEP = path.join(ROOT, 'test/sweep/fixtures/tiny.yaml');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: TMP, timeout: timeoutMs, env: { ...process.env, PARASIM_AGENT_TOKEN: '' } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface Case {
  readonly name: string;
  readonly args: () => string[];
  readonly code: number;
  readonly stderr: RegExp;
}

const t = (name: string): string => path.join(TMP, name);

const CASES: readonly Case[] = [
  {
    name: '--seed -1',
    args: () => ['run', SCENARIO, '--seed', '-1'],
    code: 2,
    stderr: /--seed must be a non-negative integer, got "-1"/,
  },
  {
    name: '--seed abc (printed NaN)',
    args: () => ['run', SCENARIO, '--seed', 'abc'],
    code: 2,
    stderr: /--seed must be a non-negative integer, got "abc"/,
  },
  {
    name: '--seed 99999999999999999999 (lost precision)',
    args: () => ['run', SCENARIO, '--seed', '99999999999999999999'],
    code: 2,
    stderr: /would lose precision/,
  },
  {
    name: '--out at a directory',
    args: () => ['run', SCENARIO, '--out', TMP],
    code: 2,
    stderr: /--out .*: is a directory; name a file/,
  },
  {
    name: '--out below a regular file',
    args: () => ['run', SCENARIO, '--out', path.join(SCENARIO, 'r.json')],
    code: 2,
    stderr: /tiny-scenario\.yaml is not a directory/,
  },
  {
    name: '--out in a missing directory',
    args: () => ['run', SCENARIO, '--out', t('nope/r.json')],
    code: 2,
    stderr: /directory .*nope does not exist/,
  },
  {
    name: '--records under /proc (mkdir -p hangs there)',
    args: () => ['run', SCENARIO, '--records', '/proc/parasim/x/r.jsonl'],
    code: 2,
    stderr: /\/proc is a kernel pseudo-filesystem/,
  },
  {
    name: 'sweep --out under /proc',
    args: () => ['sweep', SWEEP, '--out', '/proc/parasim/x/r.jsonl'],
    code: 2,
    stderr: /\/proc is a kernel pseudo-filesystem/,
  },
  {
    name: 'merge --out at a directory',
    args: () => ['merge', SCENARIO, '--out', TMP],
    code: 2,
    stderr: /--out .*: is a directory/,
  },
  {
    name: 'agent --token a',
    args: () => ['agent', '--port', '0', '--backend', 'onnx', '--token', 'a'],
    code: 2,
    stderr: /--token must be at least 8 characters/,
  },
  {
    name: 'agent --memory-mb -5',
    args: () => ['agent', '--port', '0', '--backend', 'onnx', '--token', 'long-enough', '--memory-mb', '-5'],
    code: 2,
    stderr: /--memory-mb must be a positive number, got -5/,
  },
  {
    name: 'sweep --shard -1/2 ("Unknown argument: 1" before)',
    args: () => ['sweep', SWEEP, '--shard', '-1/2', '--out', t('s.jsonl')],
    code: 2,
    stderr: /--shard must be I\/N with 0 <= I < N \(got -1\/2\)/,
  },
  {
    name: 'report --at abc',
    args: () => ['report', t('r.json'), '--out', t('r.html'), '--at', 'abc'],
    code: 2,
    stderr: /--at must be a number, got NaN/,
  },
  {
    name: 'report -x nosuchaxis',
    args: () => ['report', t('r.json'), '--out', t('r2.html'), '-x', 'nosuchaxis'],
    code: 2,
    stderr: /-x nosuchaxis: no result has a numeric grid coordinate "nosuchaxis"/,
  },
  {
    name: 'report --at a value with no data',
    args: () => ['report', t('r.json'), '--out', t('r3.html'), '--at', '7'],
    code: 2,
    stderr: /--at 7: no results at .* = 7; values with data: 1/,
  },
  {
    name: 'replay --drain-s abc',
    args: () => ['replay', SCENARIO, '--testbed', t('none.yaml'), '--drain-s', 'abc'],
    code: 2,
    stderr: /--drain-s must be a number ≥ 0, got NaN/,
  },
  {
    name: 'replay --time-scale Infinity',
    args: () => ['replay', SCENARIO, '--testbed', t('none.yaml'), '--time-scale', 'Infinity'],
    code: 2,
    stderr: /--time-scale must be a positive number, got Infinity/,
  },
  {
    name: 'testbed up --timeout-s -1',
    args: () => ['testbed', 'up', t('none.yaml'), '--timeout-s', '-1'],
    code: 2,
    stderr: /--timeout-s must be a positive number, got -1/,
  },
  {
    name: 'run an alias bomb',
    args: () => ['run', t('bomb.yaml')],
    code: 1,
    stderr: /bomb\.yaml:\d+:\d+: YAML aliases expand past the bound/,
  },
  {
    name: 'sweep an alias bomb',
    args: () => ['sweep', t('bomb.yaml'), '--out', t('b.jsonl')],
    code: 1,
    stderr: /bomb\.yaml:\d+:\d+: YAML aliases expand past the bound/,
  },
  {
    name: 'check an unsorted trace',
    args: () => ['check', t('trace.yaml')],
    code: 1,
    stderr: /unsorted\.csv:3:1: .*earlier than the previous row/,
  },
  {
    name: 'check an empty trace',
    args: () => ['check', t('trace-empty.yaml')],
    code: 1,
    stderr: /empty\.csv: (empty file|service chat: the trace has no arrivals)/,
  },
];

beforeAll(async () => {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    ...'bcdefghi'.split('').map((c, i) => {
      const p = 'abcdefghi'[i]!;
      return `${c}: &${c} [*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p}]`;
    }),
  ];
  fs.writeFileSync(t('bomb.yaml'), `${bomb.join('\n')}\n`);
  const base = fs.readFileSync(SCENARIO, 'utf8');
  const withTrace = (csv: string): string =>
    base.replace(
      /arrivals: \{[^}]*\}/,
      `arrivals: { process: trace, format: csv, path: ${csv}, columns: { time: t, time_unit: s } }`,
    );
  fs.writeFileSync(t('unsorted.csv'), 't\n5\n1\n');
  fs.writeFileSync(t('empty.csv'), 't\n');
  fs.writeFileSync(t('trace.yaml'), withTrace('unsorted.csv'));
  fs.writeFileSync(t('trace-empty.yaml'), withTrace('empty.csv'));
  const r = await cli(['run', SCENARIO, '--out', t('r.json')]);
  expect(r.code, r.stderr).toBe(0);
});

describe('cli › hostile and careless arguments', () => {
  it('each case: its exit code, a located message, no stack trace, no file or temp file left', async () => {
    const before = new Set(fs.readdirSync(TMP));
    const runs = await Promise.all(CASES.map((c) => cli(c.args())));
    CASES.forEach((c, i) => {
      const r = runs[i]!;
      expect({ name: c.name, code: r.code }).toEqual({ name: c.name, code: c.code });
      expect(r.stderr, c.name).toMatch(c.stderr);
      expect(r.stderr, c.name).not.toMatch(/internal error|\n\s+at /);
    });
    expect(fs.readdirSync(TMP).filter((f) => !before.has(f))).toEqual([]);
  });
});
