// @ts-check
/**
 * Mutation testing (`npm run mutate`, not part of `npm test`: it is slow). One folder at a time,
 * with the unit tests that exercise it, so a run finishes on a shared 2-core machine:
 *   MUTATE=sim/host npm run mutate        (folders: sim/host, sim/models, sim/metrics, policies, ...)
 * MUTATE picks the sources to mutate and the test files from FOLDERS below (override with
 * STRYKER_TESTS='glob;glob'). The golden test is left out on purpose: it kills every
 * mutant that changes a result hash, which says nothing about whether a behaviour is pinned by a
 * test that explains it. Scores per folder: docs/testing.md.
 */
const FOLDERS = {
  // sim/host and host/ (the rules shared with the live controller): fast in-process tests that
  // simulate inside their `it`s, so few mutants are static (a describe body that simulates makes
  // every host mutant it reaches run the whole set: invariants.test.ts and llm.test.ts do, and
  // are left out; so is utilisation.test.ts, ~8 s — test/host/sim-host.test.ts pins busy time).
  'sim/host': [
    'test/host/**/*.test.ts',
    'test/sim/{models,placement,crash-queue,kv-admission,loading-queue,sync,network,smoke,slo-verdict,decode-roofline,plan-claims,closed-loop,timeline,sharing,framework,edge-network,segmentation-batch,metrics}.test.ts',
    'test/policies/split-70b-view.test.ts',
    'test/traces/first-window.test.ts',
  ],
  host: [
    'test/host/**/*.test.ts',
    'test/sim/{placement,crash-queue,plan-claims,sharing,kv-admission}.test.ts',
    'test/policies/split-70b-view.test.ts',
  ],
  'sim/models': [
    'test/sim/perf.test.ts',
    'test/sim/kv-admission.test.ts',
    'test/sim/segmentation-batch.test.ts',
    'test/sim/loading-queue.test.ts',
    'test/sim/llm.test.ts',
    'test/sim/models.test.ts',
    'test/sim/decode-roofline.test.ts',
    'test/sim/slo-verdict.test.ts',
    'test/sim/invariants.test.ts',
    'test/sim/smoke.test.ts',
  ],
  'sim/metrics': [
    'test/sim/summarizer.test.ts',
    'test/sim/slo-verdict.test.ts',
    'test/sim/llm.test.ts',
    'test/sim/invariants.test.ts',
    'test/sim/sort-float64.test.ts',
    'test/runtime/validate-*.test.ts',
    'test/reports/pure.test.ts',
  ],
  'sim/kernel': ['test/sim/kernel*.test.ts', 'test/sim/invariants.test.ts'],
  'sim/network': ['test/sim/network.test.ts', 'test/sim/models.test.ts', 'test/sim/sync.test.ts'],
  policies: ['test/policies/**/*.test.ts'],
  'runtime/validate': ['test/runtime/validate-*.test.ts'],
};
/**
 * A folder (`sim/host`), one file in it (`sim/host/world.ts`, tests of its folder) or several
 * files of one folder, comma-separated (`sim/host/world.ts,sim/host/placement.ts`).
 */
const target = process.env.MUTATE ?? 'sim/metrics';
const files = target.split(',');
const isFile = files.every((f) => f.endsWith('.ts'));
const folder = isFile ? files[0].slice(0, files[0].lastIndexOf('/')) : target;
/** The FOLDERS entry for a folder or any subfolder of it (`policies/epara` → `policies`). */
const owner = Object.keys(FOLDERS)
  .filter((f) => folder === f || folder.startsWith(`${f}/`))
  .sort((a, b) => b.length - a.length)[0];
const tests = process.env.STRYKER_TESTS?.split(';') ?? (owner ? FOLDERS[owner] : ['test/**/*.test.ts']);
process.env.STRYKER_TESTS = tests.join(';');
/** Folders whose test sets pass with shared modules across files (see vitest.stryker.config.ts). */
const NO_ISOLATE = new Set(['sim/host', 'host']);
if (owner !== undefined && NO_ISOLATE.has(owner)) process.env.STRYKER_NO_ISOLATE = '1';

/** Report and sandbox name of the run (a file list is named by its first file). */
const runName = files[0].replaceAll('/', '-') + (files.length > 1 ? `-and-${files.length - 1}` : '');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  mutate: isFile ? files : [`${folder}/**/*.ts`, `!${folder}/**/index.ts`],
  coverageAnalysis: 'perTest',
  // Most sim tests simulate once in a describe body and assert in several `it`s: that code runs
  // before Stryker's per-test activation, so every mutant it reaches is "static". Running those
  // with all the folder's tests (static activation) is what lets such tests kill anything.
  ignoreStatic: false,
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 5_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `mutation-reports/${runName}.json` },
  tempDirName: `.stryker-tmp-${runName}`,
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  cleanTempDir: 'always',
  ignorePatterns: ['dist', 'mutation-reports', '.stryker-tmp*', 'results', '*.log'],
};
