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
    // STRYKER_NO_ISOLATE=1 (set by stryker.config.mjs for folders whose test set allows it): test
    // files share one module graph per run — about 4× faster on this machine (re-importing the
    // simulator per file was most of each mutant's run). A static mutant (active from module load)
    // may then look survived when its module was loaded before: conservative, never a false kill.
    isolate: process.env['STRYKER_NO_ISOLATE'] !== '1',
  },
});
