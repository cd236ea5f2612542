/**
 * docs/writing-a-policy.md shows examples/my-policy.mjs verbatim, so the policy a reader copies
 * is the one test/scenarios/policy-module.test.ts loads and runs, and the one
 * `parasim run --policy-module examples/my-policy.mjs` runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('docs › writing a policy', () => {
  it('writing-a-policy.md › its complete policy › is examples/my-policy.mjs byte for byte', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/writing-a-policy.md'), 'utf8');
    const example = fs.readFileSync(path.join(ROOT, 'examples/my-policy.mjs'), 'utf8');
    const block = /## A complete small policy[\s\S]*?```js\n([\s\S]*?)```/.exec(doc);
    expect(block).not.toBeNull();
    expect(block![1]).toBe(example);
  });
});
