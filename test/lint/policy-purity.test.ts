/**
 * Lint closes the ways a policy could read the wall clock, the OS or Node (eslint.config.js,
 * `policyPurity` and the policies/ import rule): each snippet, linted as if it were a file in
 * policies/, must fail with the rule that names the problem; the same snippet outside policies/
 * (cli/) passes those rules, so the failure comes from the policies/ rules. ESLint's Node API,
 * in process.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

const FIXTURES: readonly { readonly name: string; readonly code: string; readonly rule: string }[] = [
  { name: 'new Date()', code: 'export const t = (): number => new Date().getTime();\n', rule: 'no-restricted-syntax' },
  {
    name: 'crypto.randomUUID()',
    code: 'export const id = (): string => crypto.randomUUID();\n',
    rule: 'no-restricted-properties',
  },
  {
    name: 'globalThis.crypto',
    code: 'export const id = (): string => globalThis.crypto.randomUUID();\n',
    rule: 'no-restricted-properties',
  },
  {
    name: 'destructured performance.now',
    code: 'const { now } = performance;\nexport const t = (): number => now();\n',
    rule: 'no-restricted-globals',
  },
  {
    name: 'aliased performance',
    code: 'const p = performance;\nexport const t = (): number => p.now();\n',
    rule: 'no-restricted-globals',
  },
  {
    name: 'import from node:crypto',
    code: "import { randomUUID } from 'node:crypto';\nexport const id = (): string => randomUUID();\n",
    rule: 'no-restricted-imports',
  },
  {
    name: 'import from node:perf_hooks',
    code: "import { performance as q } from 'node:perf_hooks';\nexport const t = (): number => q.now();\n",
    rule: 'no-restricted-imports',
  },
  {
    name: 'import of a bare built-in (fs)',
    code: "import fs from 'fs';\nexport const x = (): boolean => fs.existsSync('/');\n",
    rule: 'no-restricted-imports',
  },
  {
    name: 'dynamic import',
    code: "export const load = async (): Promise<unknown> => import('./x.js');\n",
    rule: 'no-restricted-syntax',
  },
];

async function ruleIds(code: string, file: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return r!.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('lint › policy purity', () => {
  it.each(FIXTURES)('lint › $name in policies/ › fails with $rule', async ({ code, rule }) => {
    expect(await ruleIds(code, 'policies/lint-fixture.ts')).toContain(rule);
  });

  it('lint › the same snippets in cli/ › none of the policies/-only rules fire', async () => {
    for (const f of FIXTURES) {
      const ids = await ruleIds(f.code, 'cli/lint-fixture.ts');
      expect(
        ids.filter((id) => ['no-restricted-globals', 'no-restricted-syntax', 'no-restricted-imports'].includes(id)),
        f.name,
      ).toEqual([]);
    }
  });

  it('lint › a pure policy helper in policies/ › no problems', async () => {
    const code =
      "import type { ClusterView } from './contract.js';\nexport const at = (v: ClusterView): number => v.now;\n";
    expect(await ruleIds(code, 'policies/lint-fixture.ts')).toEqual([]);
  });
});
