import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** The package's own entry points, from source: user policy modules import `parasim/policy`. */
const SELF = {
  'parasim/policy': path.resolve(import.meta.dirname, 'api/policy.ts'),
  parasim: path.resolve(import.meta.dirname, 'api/index.ts'),
};

/**
 * Two tiers (docs/testing.md). `unit`: every in-process test, run from the TypeScript sources —
 * no build, no spawned process or server. `e2e`: files named `*.e2e.test.ts` (agents, redis-server,
 * Chromium, socat, the spawned CLI, the worker pool), which run the built dist/; their global
 * setup only checks that dist/ is current (`npm test` builds once before both tiers).
 * `npx vitest run <file>` runs a file in whichever tier it belongs to.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        resolve: { alias: SELF },
        // isolate: false — each worker imports the sources once for all its files instead of once
        // per file (122 files: 63 s → 27 s on 2 cores; docs/decisions.md). Tests must not rely on
        // module state left by another file; a shuffled run (`--sequence.shuffle`) checks that.
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.e2e.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'], globalSetup: ['test/global-setup.ts'] },
      },
    ],
  },
});
