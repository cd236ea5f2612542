/**
 * Checks a scenario's `policy.params` against the chosen factory's ParamSpec record: type, range,
 * choices; unknown names get a did-you-mean; missing ones are filled with their defaults.
 */
import type { ParamSpec, ParamValue } from '../policies/index.js';
import { isPolicyName, POLICIES, resolveParams } from '../policies/index.js';
import { didYouMean } from './issues.js';
import type { PolicyChoice, Scenario } from './types.js';

export type ParamReport = (path: readonly PropertyKey[], message: string, hint?: string) => void;

export function checkPolicyParams(
  name: string,
  given: Readonly<Record<string, ParamValue>>,
  report: ParamReport,
): Readonly<Record<string, ParamValue>> {
  if (!isPolicyName(name)) return given; // the schema enum already reported it
  return checkParamsAgainst(name, POLICIES[name].params, given, report);
}

/** The same checks against any factory's ParamSpec record (a user's policy module too). */
export function checkParamsAgainst(
  name: string,
  specs: Readonly<Record<string, ParamSpec>>,
  given: Readonly<Record<string, ParamValue>>,
  report: ParamReport,
): Readonly<Record<string, ParamValue>> {
  const names = Object.keys(specs);
  for (const [key, value] of Object.entries(given)) {
    const spec = specs[key];
    if (spec === undefined) {
      report(
        [key],
        `unknown parameter "${key}" for policy ${name}`,
        didYouMean(key, names) ?? (names.length === 0 ? 'this policy takes no parameters' : undefined),
      );
      continue;
    }
    switch (spec.kind) {
      case 'number':
      case 'integer':
        if (typeof value !== 'number' || (spec.kind === 'integer' && !Number.isInteger(value))) {
          report(
            [key],
            `expected ${spec.kind === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`,
          );
        } else if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
          const kind = spec.kind === 'integer' ? 'an integer' : 'a number';
          report([key], `expected ${kind} in ${spec.min ?? '-∞'}..${spec.max ?? '∞'}, got ${value}`, spec.description);
        }
        break;
      case 'boolean':
        if (typeof value !== 'boolean') report([key], `expected true or false, got ${JSON.stringify(value)}`);
        break;
      case 'choice':
        if (typeof value !== 'string' || !spec.choices.includes(value)) {
          report([key], `unknown choice ${JSON.stringify(value)}`, didYouMean(String(value), spec.choices));
        }
        break;
    }
  }
  return resolveParams(specs, given);
}

/**
 * The policy a run uses when a `--policy NAME` override replaces the scenario's: the scenario's
 * own parameters when it names the same policy, else that policy's defaults (the scenario's
 * parameters were checked against its own policy only).
 */
export function policyChoiceFor(scenario: Scenario, name: string): PolicyChoice {
  return { name, params: name === scenario.policy.name ? scenario.policy.params : {} };
}
