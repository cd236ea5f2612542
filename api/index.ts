/**
 * `parasim` — the public, typed API: load a scenario, simulate it, sweep it, build a report.
 * Everything here is also what the CLI uses; the CLI adds argument parsing and exit codes only.
 * A what-if study in a few lines (examples/simulate.mjs):
 *
 *   import { formatIssues, loadScenario, simulate } from 'parasim';
 *   const s = loadScenario('scenarios/default.yaml');
 *   if (!s.ok) throw new Error(formatIssues(s.issues));
 *   const r = simulate(s.value, { policy: { name: 'epara', params: {} }, seed: 7 });
 *   console.log(r.totals.goodputRps);
 *
 * Results are deterministic: the same scenario, policy and seed give the same bytes from
 * `resultToJson`. Policy authors import from `parasim/policy` instead.
 */

// Scenarios: YAML → a validated Scenario, or every issue with file:line:col.
export {
  /** Reads and validates a scenario YAML file: `{ ok: true, value: Scenario } | { ok: false, issues }`. */
  loadScenario,
  /** Validates scenario YAML text (with a file name for messages). */
  parseScenario,
  /** Reads a scenario YAML file as a plain object (to edit fields before validating it). */
  readScenarioObject,
  /** Validates a plain scenario object (e.g. one edited by a script). */
  validateScenarioObject,
  /** One line per issue: `file:line:col: path: message; hint`. */
  formatIssues,
  /** The policy a run uses when a name overrides the scenario's (its params kept only for the same policy). */
  policyChoiceFor,
  /** Imports a user's policy module and checks its factory export. */
  loadPolicyModule,
  /** The Policy object a choice names (registry or module), params checked; pass it as `policyImpl`. */
  createPolicy,
  /** The choice for a policy module file (as `--policy-module`). */
  moduleChoice,
  /** The JSON Schema of the scenario YAML. */
  scenarioJsonSchema,
  /** The device, link and model catalogs scenarios refer to by key. */
  DEVICE_CATALOG,
  LINK_CATALOG,
  MODEL_CATALOG,
} from '../scenarios/index.js';
export type {
  Scenario,
  ScenarioIssue,
  PolicyChoice,
  ServiceConfig,
  DeviceConfig,
  LinkConfig,
  FaultConfig,
  LoadResult,
} from '../scenarios/index.js';

// The simulator.
export {
  /** Simulates one scenario: a RunResult (per-service goodput, SLO attainment, latency, utilisation). */
  simulate,
  /** The canonical result JSON (sorted keys, 9 significant digits): what `parasim run --out` writes. */
  resultToJson,
  /** Canonical JSON of any value (same rules as resultToJson). */
  canonicalJson,
  /** The SLO verdict of one finished request (INV-5). */
  meetsSlo,
} from '../sim/index.js';
export type { SimulateOptions } from '../sim/index.js';

// Sweeps: many simulations over a grid, on a worker-thread pool, one JSONL line per cell.
export {
  /** Reads and validates a sweep YAML file. */
  loadSweepFile,
  /** Runs a sweep (grid or goodput-capacity search); writes its results file. */
  runSweep,
  /** The cells (scenario + coordinates) a grid sweep expands to. */
  expandGrid,
  /** Multiplies every service's offered load in a plain scenario object (the sweeps' `load` axis). */
  scaleLoad,
} from '../sweeps/index.js';
export type { SweepDefinition, SweepRunOptions, SweepRunSummary } from '../sweeps/index.js';

// Reports: results → one self-contained HTML page.
export {
  /** Builds the HTML report from result entries (and optionally a validation). */
  buildReport,
  /** Reads result JSON / JSONL files into report entries. */
  readResultFiles,
  /** Writes the report atomically. */
  writeReport,
} from '../reports/index.js';
export type { ReportInputs, ResultEntry } from '../reports/index.js';

// Result and policy types (the full policy contract is in `parasim/policy`).
export type {
  RunResult,
  ServiceResult,
  DeviceResult,
  RequestRecord,
  Outcome,
  Policy,
  PolicyFactory,
} from '../policies/index.js';
export {
  /** Names of the built-in policies. */
  POLICY_NAMES,
} from '../policies/index.js';
