import { defineConfig } from 'vitest/config';

/** The unit tests Stryker runs against each mutant (stryker.config.mjs sets STRYKER_TESTS). */
export default defineConfig({
  test: {
    include: (process.env['STRYKER_TESTS'] ?? 'test/**/*.test.ts').split(','),
    exclude: ['test/**/*.e2e.test.ts', 'test/golden/**'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
