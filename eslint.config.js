// Lint rules that enforce the architecture of docs/DESIGN (folder import rules) and determinism
// (no wall clock or global randomness outside runtime clock code and the CLI).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const FOLDERS = ['sim', 'host', 'sweeps', 'policies', 'traces', 'scenarios', 'runtime', 'reports', 'cli', 'api'];
/** Which top-level folders each folder may import (DESIGN.md, "Layout and dependency rules"). */
const ALLOWED = {
  policies: [],
  traces: [],
  scenarios: ['policies', 'traces'],
  host: ['policies', 'scenarios'],
  sim: ['policies', 'traces', 'scenarios', 'host'],
  sweeps: ['sim', 'scenarios', 'traces', 'policies'],
  runtime: ['policies', 'traces', 'scenarios', 'host', 'sim'],
  reports: ['policies'],
  cli: FOLDERS,
  /** The public package entry points re-export the library; only cli/ (the binary) stays out. */
  api: ['sim', 'sweeps', 'host', 'policies', 'traces', 'scenarios', 'runtime', 'reports'],
};

const nondeterminism = [
  { object: 'Math', property: 'random', message: 'Use a named RNG stream (sim/rng) instead of Math.random.' },
  {
    object: 'Date',
    property: 'now',
    message: 'Read the host clock (view.now); wall clock only in runtime clock code and cli/.',
  },
  { object: 'performance', property: 'now', message: 'Wall clock only in runtime clock code and cli/.' },
];

/** A policy runs under both clocks: no Node built-in (clock, crypto, fs, process) may reach it. */
const NODE_BUILTINS = {
  group: ['node:*', ...builtinModules.filter((m) => !m.startsWith('_'))],
  message: 'policies/ is pure: no Node built-ins (the host passes a view and an RNG stream).',
};

function importRules(folder) {
  const banned = FOLDERS.filter((f) => f !== folder && !ALLOWED[folder].includes(f));
  const groups = [];
  if (banned.length > 0) {
    const patterns = banned.flatMap((f) => [`../${f}`, `../${f}/*`, `../../${f}`, `../../${f}/*`, `../../../${f}/*`]);
    groups.push({
      group: patterns,
      message: `${folder}/ may import only: ${ALLOWED[folder].join(', ') || 'itself'} (DESIGN.md)`,
    });
  }
  if (folder === 'policies') groups.push(NODE_BUILTINS);
  return groups.length === 0 ? {} : { 'no-restricted-imports': ['error', { patterns: groups }] };
}

/**
 * Inside policies/ the clock and randomness must come from the view and the RNG stream, so the
 * globals that read the wall clock or the OS are banned outright — which also catches aliases
 * (`const p = performance`, `const { now } = performance`) that a property rule misses.
 */
const policyPurity = {
  files: ['policies/**/*.ts', 'examples/my-policy.mjs'],
  rules: {
    'no-restricted-globals': [
      'error',
      { name: 'Date', message: 'No wall clock in a policy: read view.now.' },
      { name: 'performance', message: 'No wall clock in a policy: read view.now.' },
      { name: 'crypto', message: 'No OS randomness in a policy: use the RNG stream passed to it.' },
      { name: 'process', message: 'A policy sees only its view and RNG stream.' },
      { name: 'setTimeout', message: 'A policy is synchronous: the host owns time.' },
      { name: 'setInterval', message: 'A policy is synchronous: the host owns time.' },
    ],
    'no-restricted-properties': [
      'error',
      ...nondeterminism,
      { object: 'globalThis', property: 'performance', message: 'No wall clock in a policy: read view.now.' },
      { object: 'globalThis', property: 'Date', message: 'No wall clock in a policy: read view.now.' },
      {
        object: 'globalThis',
        property: 'crypto',
        message: 'No OS randomness in a policy: use the RNG stream passed to it.',
      },
      {
        object: 'crypto',
        property: 'randomUUID',
        message: 'No OS randomness in a policy: use the RNG stream passed to it.',
      },
    ],
    'no-restricted-syntax': [
      'error',
      { selector: "NewExpression[callee.name='Date']", message: 'No wall clock in a policy: read view.now.' },
      { selector: 'ImportExpression', message: 'A policy imports statically, from policies/ only.' },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '**/*.js',
      '!eslint.config.js',
      '.stryker-tmp*/**',
      'mutation-reports/**',
      '.tmp-*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': ['error', ...nondeterminism],
    },
  },
  ...FOLDERS.map((folder) => ({ files: [`${folder}/**/*.ts`], rules: importRules(folder) })),
  policyPurity,
  {
    // The wall clock and Math.random are allowed only where the real world is read (the Redis
    // queue's coordinator polls on wall-clock time).
    files: ['cli/**/*.ts', 'runtime/clock/**/*.ts', 'sweeps/queue/**/*.ts', 'test/**/*.ts', 'scripts/**/*.mjs'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
