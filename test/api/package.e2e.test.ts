/**
 * The package as a user gets it: `npm pack` ships the built code, scenarios, examples and docs
 * but no tests or sources; `node examples/simulate.mjs` runs against the package's exports;
 * `parasim run --policy-module examples/my-policy.mjs` runs; a TypeScript file importing
 * `parasim` and `parasim/policy` type-checks against the shipped declarations.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli-paths.js';

const TMP = fs.mkdtempSync(path.join(ROOT, '.tmp-api-consumer-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

describe('package', () => {
  it('npm pack › file list › built code, declarations, scenarios, examples; no tests, no TypeScript sources', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const must of [
      'dist/api/index.js',
      'dist/api/index.d.ts',
      'dist/api/policy.d.ts',
      'dist/cli/main.js',
      'scenarios/default.yaml',
      'examples/my-policy.mjs',
      'examples/simulate.mjs',
    ]) {
      expect(files, must).toContain(must);
    }
    expect(
      files.filter(
        (f) => f.startsWith('test/') || f.startsWith('dist/test/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
      ),
    ).toEqual([]);
    // Built .js + .d.ts of every library folder (~590 files now); tests or sources slipping in would double it.
    expect(files.length).toBeLessThan(800);
  }, 60_000);

  it('examples/simulate.mjs › through the exports › prints a goodput row per policy', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'examples/simulate.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^epara\s+[\d.]+\/s, min \d+%/m);
    expect(r.stdout).toMatch(/^fastest-k \(examples\/my-policy\.mjs\)/m);
  }, 120_000);

  it('parasim run --policy-module › the example › runs; a module without a factory › exit 2 naming the file', () => {
    const ok = spawnSync(
      process.execPath,
      [MAIN, 'run', 'scenarios/default.yaml', '--policy-module', 'examples/my-policy.mjs'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/policy fastest-k/);
    const bad = path.join(ROOT, 'test/scenarios/fixtures/policy-modules/no-default.mjs');
    const r = spawnSync(process.execPath, [MAIN, 'run', 'scenarios/default.yaml', '--policy-module', bad], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`parasim: ${bad}: export default: missing`);
  }, 120_000);

  it('types › a TypeScript consumer of parasim and parasim/policy › type-checks against dist/*.d.ts', () => {
    const file = path.join(TMP, 'consumer.ts');
    fs.writeFileSync(
      file,
      [
        "import { loadScenario, simulate, type RunResult } from 'parasim';",
        "import type { PolicyFactory, ClusterView } from 'parasim/policy';",
        "const s = loadScenario('scenarios/default.yaml');",
        'export const r: RunResult | undefined = s.ok ? simulate(s.value) : undefined;',
        "export const f: PolicyFactory = { description: 'x', params: {}, create: () => ({ name: 'x', placementPeriodS: undefined, sync: undefined,",
        "  place: (v: ClusterView) => ({ instances: [], reason: String(v.now) }), route: () => ({ kind: 'drop', reason: 'no-instance' }) }) };",
        '// @ts-expect-error: simulate wants a Scenario, not a file name',
        "simulate('scenarios/default.yaml');",
        '',
      ].join('\n'),
    );
    const r = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'NodeNext',
        '--moduleResolution',
        'NodeNext',
        '--target',
        'ES2022',
        '--types',
        'node',
        '--skipLibCheck',
        file,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 120_000);
});
