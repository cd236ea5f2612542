/**
 * A user's policy as an ES module, loaded without rebuilding ParaSim (docs/writing-a-policy.md).
 * The module exports a PolicyFactory — `export default { description, params, create }` (or a
 * named `policy` export) — and is checked when it is loaded: the export's shape, its ParamSpec
 * record, the params given for it, and the Policy its `create` returns. Every problem names the
 * module file and the export or field, and comes back as a value (errors at the edges).
 */
import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ParamValue, Policy, PolicyFactory } from '../policies/index.js';
import { POLICIES, isPolicyName } from '../policies/index.js';
import { checkParamsAgainst } from './policy-params.js';
import type { PolicyChoice } from './types.js';

export type PolicyModuleResult =
  { readonly ok: true; readonly value: PolicyFactory } | { readonly ok: false; readonly issues: readonly string[] };

/** The name a module policy carries until it is created: the file's base name (`my-policy`). */
export function policyModuleName(file: string): string {
  return basename(file, extname(file));
}

const PARAM_KINDS = ['number', 'integer', 'boolean', 'choice'];
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Shape problems of a candidate factory export (empty when it is a PolicyFactory). */
function factoryProblems(where: string, f: unknown): string[] {
  if (!isRecord(f))
    return [
      `${where}: expected an object { description, params, create(params) }, got ${f === undefined ? 'nothing' : typeof f}`,
    ];
  const out: string[] = [];
  if (typeof f['description'] !== 'string') out.push(`${where}.description: expected a string`);
  if (typeof f['create'] !== 'function') out.push(`${where}.create: expected a function (params) => Policy`);
  if (!isRecord(f['params'])) out.push(`${where}.params: expected an object of parameter specs ({} for none)`);
  else {
    for (const [k, spec] of Object.entries(f['params'])) {
      if (
        !isRecord(spec) ||
        !PARAM_KINDS.includes(String(spec['kind'])) ||
        !('default' in spec) ||
        typeof spec['description'] !== 'string'
      ) {
        out.push(`${where}.params.${k}: expected { kind: ${PARAM_KINDS.join(' | ')}, default, description }`);
      }
    }
  }
  return out;
}

/** Shape problems of the Policy a factory created. */
function policyProblems(where: string, p: unknown): string[] {
  if (!isRecord(p)) return [`${where}: create() returned ${typeof p}, expected a Policy object`];
  const out: string[] = [];
  if (typeof p['name'] !== 'string' || p['name'] === '') out.push(`${where}.name: expected a non-empty string`);
  if (typeof p['place'] !== 'function') out.push(`${where}.place: expected a function (view, rng) => PlacementPlan`);
  if (typeof p['route'] !== 'function')
    out.push(`${where}.route: expected a function (request, view, rng) => RouteDecision`);
  const period = p['placementPeriodS'];
  if (period !== undefined && !(typeof period === 'number' && period > 0))
    out.push(`${where}.placementPeriodS: expected undefined or a number > 0`);
  const sync = p['sync'];
  if (
    sync !== undefined &&
    !(isRecord(sync) && typeof sync['periodS'] === 'number' && typeof sync['messageBytes'] === 'number')
  ) {
    out.push(`${where}.sync: expected undefined or { periodS, messageBytes }`);
  }
  return out;
}

/** Imports `file` and checks its factory export. */
export async function loadPolicyModule(file: string): Promise<PolicyModuleResult> {
  const abs = resolve(file);
  if (!existsSync(abs)) return { ok: false, issues: [`${abs}: policy module does not exist`] };
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    return {
      ok: false,
      issues: [`${abs}: cannot import the policy module: ${err instanceof Error ? err.message : String(err)}`],
    };
  }
  const exportName = mod['default'] !== undefined ? 'default' : mod['policy'] !== undefined ? 'policy' : null;
  if (exportName === null) {
    const has = Object.keys(mod);
    return {
      ok: false,
      issues: [
        `${abs}: export default: missing; a policy module exports its factory as \`export default { description, params, create }\` (or \`export const policy\`)${has.length > 0 ? `; found exports: ${has.join(', ')}` : ''}`,
      ],
    };
  }
  const problems = factoryProblems(`${abs}: export ${exportName}`, mod[exportName]);
  return problems.length > 0 ? { ok: false, issues: problems } : { ok: true, value: mod[exportName] as PolicyFactory };
}

/**
 * The Policy a choice names: from the registry, or created from its module with its params
 * checked against the module's specs (defaults filled in).
 */
export async function createPolicy(
  choice: PolicyChoice,
): Promise<{ readonly ok: true; readonly value: Policy } | { readonly ok: false; readonly issues: readonly string[] }> {
  if (choice.module === undefined) {
    if (!isPolicyName(choice.name)) return { ok: false, issues: [`unknown policy ${choice.name}`] };
    return { ok: true, value: POLICIES[choice.name].create(choice.params) };
  }
  const loaded = await loadPolicyModule(choice.module);
  if (!loaded.ok) return loaded;
  const issues: string[] = [];
  const params: Readonly<Record<string, ParamValue>> = checkParamsAgainst(
    choice.name,
    loaded.value.params,
    choice.params,
    (path, message, hint) => {
      issues.push(
        `${choice.module}: policy.params.${path.map(String).join('.')}: ${message}${hint !== undefined ? `; ${hint}` : ''}`,
      );
    },
  );
  if (issues.length > 0) return { ok: false, issues };
  let policy: unknown;
  try {
    policy = loaded.value.create(params);
  } catch (err) {
    return {
      ok: false,
      issues: [`${choice.module}: create() threw: ${err instanceof Error ? err.message : String(err)}`],
    };
  }
  const problems = policyProblems(`${choice.module}: the created policy`, policy);
  return problems.length > 0 ? { ok: false, issues: problems } : { ok: true, value: policy as Policy };
}

/** The choice for `--policy-module FILE` (params: the scenario's own when it names the same module). */
export function moduleChoice(file: string, scenarioChoice?: PolicyChoice): PolicyChoice {
  const abs = resolve(file);
  return {
    name: policyModuleName(abs),
    params: scenarioChoice?.module === abs ? scenarioChoice.params : {},
    module: abs,
  };
}
