import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** The unit tests Stryker runs against each mutant (stryker.config.mjs sets STRYKER_TESTS). */
export default defineConfig({
  resolve: {
    alias: {
      'parasim/policy': path.resolve(import.meta.dirname, 'api/policy.ts'),
      parasim: path.resolve(import.meta.dirname, 'api/index.ts'),
    },
  },
  test: {
    include: (process.env['STRYKER_TESTS'] ?? 'test/**/*.test.ts').split(';'),
    exclude: ['test/**/*.e2e.test.ts', 'test/golden/**'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
