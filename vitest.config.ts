import { defineConfig } from 'vitest/config';

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
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.e2e.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'], globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
