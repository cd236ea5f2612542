/**
 * Resolving a policy's parameters: defaults from its ParamSpec record, given values on top.
 * The scenario schema validates values against the specs; this only fills in what is missing,
 * so a factory can be called with `{}` (tests, `parasim policies`) or with a scenario's params.
 */
import type { ParamSpec, ParamValue } from './contract.js';

export type ResolvedParams = Readonly<Record<string, ParamValue>>;

export function resolveParams(
  specs: Readonly<Record<string, ParamSpec>>,
  given: Readonly<Record<string, ParamValue>>,
): ResolvedParams {
  const out: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = given[name] ?? spec.default;
  return out;
}

/** A numeric parameter (number or integer spec); a throw here means the schema let a bad value through. */
export function numberParam(params: ResolvedParams, name: string): number {
  const v = params[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`parameter ${name} is not a number: ${String(v)}`);
  return v;
}

export function stringParam(params: ResolvedParams, name: string): string {
  const v = params[name];
  if (typeof v !== 'string') throw new Error(`parameter ${name} is not a string: ${String(v)}`);
  return v;
}
