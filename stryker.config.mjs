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
    // Fast focused tests only: most of them simulate in a describe body, so every mutant of the
    // engine is static and runs against the whole set. Left out for time (they pass on the
    // unmutated code, see docs/testing.md): engine, framework, calibrate, closed-loop, invariants,
    // smoke, batched-rows (fidelity against the catalog; 1–25 s each instrumented).
    'test/sim/{perf,calibrate-fit,closed-loop-bench,llm,kv-admission,preemption,pipeline-stages,time-slice,step-budget,tp-peers,thermal-engines,sharing,decode-roofline,loading-queue,segmentation-batch,models,timeline}.test.ts',
  ],
  'sim/metrics': [
    // Pure code: its own unit tests, no simulations (a describe-level simulation makes every
    // mutant static — run against the whole set — which on a loaded 2-core machine is too slow).
    'test/sim/{summarizer,metrics,notes,ready-time,energy,slo-verdict}.test.ts',
    'test/runtime/validate-*.test.ts',
    'test/reports/pure.test.ts',
  ],
  'sim/kernel': ['test/sim/kernel*.test.ts', 'test/sim/invariants.test.ts'],
  'sim/network': ['test/sim/network.test.ts', 'test/sim/models.test.ts', 'test/sim/sync.test.ts'],
  policies: ['test/policies/**/*.test.ts'],
  'runtime/validate': ['test/runtime/validate-*.test.ts'],
};
/** Files run on their own with their own tests (MUTATE=<file>; MUTATE_SKIP=<file> on the folder). */
const FILES = {
  // sim/models per file, for the static mutants (code run while a describe body simulates, so
  // run against every test of the set): each file with the focused tests that pin it.
  'sim/models/llm/llm-engine.ts': [
    'test/sim/{llm,kv-admission,preemption,step-budget,time-slice,pipeline-stages,tp-peers,decode-roofline,thermal-engines,timeline}.test.ts',
  ],
  'sim/models/llm/calibrate.ts': ['test/sim/{calibrate-fit,perf}.test.ts'],
  'sim/models/llm/step-cost.ts': ['test/sim/{perf,decode-roofline,preemption}.test.ts'],
  'sim/models/perf.ts': ['test/sim/{perf,segmentation-batch,thermal-engines,timeline}.test.ts'],
  'sim/models/segmentation/segmentation-engine.ts': [
    'test/sim/{perf,segmentation-batch,thermal-engines,timeline}.test.ts',
  ],
  // Its loop mutants mostly time out (endless loops): its own fast test plus the Samples users.
  'sim/metrics/sort-float64.ts': ['test/sim/{sort-float64,metrics,summarizer}.test.ts'],
};
/**
 * A folder (`sim/host`) or one file in it (`sim/host/world.ts`, tests of its folder), or several
 * files of one folder separated by commas. MUTATE_SKIP: files of the folder left out (commas),
 * e.g. one whose mutants mostly time out (sort-float64.ts: endless loops), run on its own.
 */
const target = process.env.MUTATE ?? 'sim/metrics';
/** Files, each optionally with a line range (`sim/metrics/energy.ts:20-40`, Stryker's syntax). */
const files = target.split(',');
const isFile = files.every((f) => /\.ts(:|$)/.test(f));
const folder = isFile ? files[0].slice(0, files[0].lastIndexOf('/')) : target;
const skip = (process.env.MUTATE_SKIP ?? '')
  .split(',')
  .filter((f) => f !== '')
  .map((f) => `!${f}`);
/** Report, event and sandbox names of this run. */
const runName = `${target}${skip.length > 0 ? '-partial' : ''}`
  .replaceAll('/', '-')
  .replaceAll(',', '+')
  .replaceAll(':', '@');
/** The FOLDERS entry for a folder or any subfolder of it (`policies/epara` → `policies`). */
const owner = Object.keys(FOLDERS)
  .filter((f) => folder === f || folder.startsWith(`${f}/`))
  .sort((a, b) => b.length - a.length)[0];
const tests =
  process.env.STRYKER_TESTS?.split(';') ??
  FILES[target.split(':')[0]] ??
  (owner ? FOLDERS[owner] : ['test/**/*.test.ts']);
process.env.STRYKER_TESTS = tests.join(';');
/** Folders whose test sets pass with shared modules across files (see vitest.stryker.config.ts). */
const NO_ISOLATE = new Set(['sim/host', 'host']);
if (owner !== undefined && NO_ISOLATE.has(owner)) process.env.STRYKER_NO_ISOLATE = '1';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  mutate: isFile ? files : [`${folder}/**/*.ts`, `!${folder}/**/index.ts`, ...skip],
  coverageAnalysis: 'perTest',
  // Most sim tests simulate once in a describe body and assert in several `it`s: that code runs
  // before Stryker's per-test activation, so every mutant it reaches is "static". Running those
  // with all the folder's tests (static activation) is what lets such tests kill anything.
  ignoreStatic: false,
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 5_000,
  // event-recorder: one JSON file per tested mutant as it finishes, so survivors can be read (and
  // tests written) while a long run goes on: mutation-reports/events-<target>/*-onMutantTested.json.
  reporters: ['clear-text', 'progress', 'json', 'event-recorder'],
  eventReporter: { baseDir: `mutation-reports/events-${runName}` },
  jsonReporter: { fileName: `mutation-reports/${runName}.json` },
  tempDirName: `.stryker-tmp-${runName}`,
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  cleanTempDir: 'always',
  ignorePatterns: [
    'dist',
    'mutation-reports',
    'reports/stryker-incremental-*.json',
    '.stryker-tmp*',
    'results',
    '*.log',
  ],
};
