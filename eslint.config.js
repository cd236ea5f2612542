// Lint rules that enforce the architecture of docs/DESIGN (folder import rules) and determinism
// (no wall clock or global randomness outside runtime clock code and the CLI).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const FOLDERS = ['sim', 'host', 'sweeps', 'policies', 'traces', 'scenarios', 'runtime', 'reports', 'cli'];
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
};

const nondeterminism = [
  { object: 'Math', property: 'random', message: 'Use a named RNG stream (sim/rng) instead of Math.random.' },
  { object: 'Date', property: 'now', message: 'Read the host clock (view.now); wall clock only in runtime clock code and cli/.' },
  { object: 'performance', property: 'now', message: 'Wall clock only in runtime clock code and cli/.' },
];

function importRules(folder) {
  const banned = FOLDERS.filter((f) => f !== folder && !ALLOWED[folder].includes(f));
  if (banned.length === 0) return {};
  const patterns = banned.flatMap((f) => [`../${f}`, `../${f}/*`, `../../${f}`, `../../${f}/*`, `../../../${f}/*`]);
  return {
    'no-restricted-imports': ['error', {
      patterns: [{ group: patterns, message: `${folder}/ may import only: ${ALLOWED[folder].join(', ') || 'itself'} (DESIGN.md)` }],
    }],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/*.js', '!eslint.config.js'] },
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
  {
    // The wall clock and Math.random are allowed only where the real world is read (the Redis
    // queue's coordinator polls on wall-clock time).
    files: ['cli/**/*.ts', 'runtime/clock/**/*.ts', 'sweeps/queue/**/*.ts', 'test/**/*.ts', 'scripts/**/*.mjs'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
