// A small what-if study through ParaSim's public API (the `parasim` package's exports):
// how do three policies hold up on the default edge-cloud scenario as offered load grows?
//   node examples/simulate.mjs            (from a checkout after `npm run build`, or with parasim installed)
// Each cell is one deterministic simulation: same scenario, policy and seed → same result bytes.
import {
  createPolicy,
  formatIssues,
  moduleChoice,
  readScenarioObject,
  scaleLoad,
  simulate,
  validateScenarioObject,
} from 'parasim';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const file = here('../scenarios/default.yaml');
const base = readScenarioObject(file);
if (!base.ok) throw new Error(formatIssues(base.issues));

/** The scenario at `load` × its offered rates, cut to two simulated minutes. */
function scenarioAt(load) {
  const obj = structuredClone(base.value);
  scaleLoad(obj, load);
  obj.horizon_s = 120;
  const v = validateScenarioObject(obj, file);
  if (!v.ok) throw new Error(formatIssues(v.issues));
  return v.value;
}

// Two built-in policies and the user policy of examples/my-policy.mjs (loaded, not rebuilt).
const mine = await createPolicy(moduleChoice(here('./my-policy.mjs')));
if (!mine.ok) throw new Error(mine.issues.join('\n'));
const policies = [
  { label: 'round-robin', opts: { policy: { name: 'round-robin', params: {} } } },
  { label: 'epara', opts: { policy: { name: 'epara', params: {} } } },
  { label: 'fastest-k (examples/my-policy.mjs)', opts: { policyImpl: mine.value } },
];
const loads = [0.5, 1, 2];

console.log(`${'policy'.padEnd(36)}${loads.map((l) => `load ${l}`.padStart(22)).join('')}`);
for (const { label, opts } of policies) {
  const cells = loads.map((load) => {
    const r = simulate(scenarioAt(load), { ...opts, seed: 1 });
    // The weakest service decides: a sum over services would let the busy camera stream hide chat.
    const worst = Math.min(...Object.values(r.services).map((s) => s.sloAttainment));
    return `${r.totals.goodputRps.toFixed(1)}/s, min ${(worst * 100).toFixed(0)}%`.padStart(22);
  });
  console.log(`${label.padEnd(36)}${cells.join('')}`);
}
console.log('\ncells: total goodput (requests within SLO per second), and the lowest per-service SLO attainment');
