/**
 * The sweep file (`scenarios/sweeps/*.yaml`): a base scenario, seeds, fixed overrides (`set`),
 * grid axes and a mode. Loading checks the file with zod and every field path against the base
 * scenario, collecting all issues as file:line:col (the scenarios issue format) before any cell
 * runs. Format reference: docs/sweeps.md.
 */
import path from 'node:path';
import { z } from 'zod';
import { POLICY_NAMES } from '../policies/index.js';
import {
  isPlainObject,
  issueBuilder,
  loadYamlFile,
  readScenarioObject,
  zodIssuesAt,
  type ScenarioIssue,
} from '../scenarios/index.js';
import { codeVersion, shortHash, stableJson } from './canonical.js';
import { parseFieldPath, pathProblem, setAtPath, type PathSegment } from './field-path.js';

/** `load` is the offered-load multiplier axis; every other axis is a field path. */
export type Axis =
  | { readonly kind: 'load'; readonly name: 'load'; readonly values: readonly number[] }
  | {
      readonly kind: 'field';
      readonly name: string;
      readonly path: readonly PathSegment[];
      readonly values: readonly unknown[];
    };

export interface CapacityMode {
  readonly kind: 'goodput-capacity';
  /** Mean SLO attainment over seeds that a load must reach to count as sustained. */
  readonly target: number;
  readonly policies: readonly string[];
  readonly minLoad: number;
  readonly maxLoad: number;
  /** Bisection stops when the bracket is at most this wide (load-multiplier units). */
  readonly tolerance: number;
}

export interface SweepDefinition {
  readonly file: string;
  readonly baseFile: string;
  /** The base scenario object with `set` overrides applied. */
  readonly base: Readonly<Record<string, unknown>>;
  readonly seeds: readonly number[];
  readonly axes: readonly Axis[];
  readonly mode: { readonly kind: 'grid' } | CapacityMode;
  /** Hash of everything that defines the cells (base, set, grid, seeds, mode, code version). */
  readonly hash: string;
}

const positive = z.number().positive();
const capacitySchema = z.strictObject({
  target: z.number().gt(0).max(1).default(0.9),
  policies: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
  min_load: positive.default(0.25),
  max_load: positive.default(4),
  tolerance: positive.default(0.05),
});
const sweepSchema = z.strictObject({
  name: z.string().min(1).optional(),
  base: z.string().min(1),
  seeds: z.array(z.number().int().nonnegative()).min(1),
  set: z.record(z.string(), z.unknown()).optional(),
  grid: z.record(z.string(), z.union([z.array(z.unknown()).min(1), z.literal('all')])).optional(),
  mode: z.union([z.literal('grid'), z.strictObject({ 'goodput-capacity': capacitySchema })]).default('grid'),
});

type Issue = ScenarioIssue;
type Loaded = { ok: true; value: SweepDefinition } | { ok: false; issues: readonly Issue[] };

export function loadSweepFile(file: string): Loaded {
  const abs = path.resolve(file);
  const src = loadYamlFile(file, 'sweep');
  if (!src.ok) return src;
  const mk = issueBuilder(file, src.value.locate);
  const at = (p: readonly PathSegment[], message: string, atKey = false, hint?: string): Issue =>
    mk(p, message, hint, atKey);
  const doc = src.value.value;
  if (!isPlainObject(doc))
    return { ok: false, issues: [at([], 'a sweep file is a YAML mapping (base, seeds, set, grid, mode)')] };
  const parsed = sweepSchema.safeParse(doc, { reportInput: true });
  if (!parsed.success)
    return { ok: false, issues: zodIssuesAt(sweepSchema, doc, parsed.error.issues, file, src.value.locate) };
  const raw = parsed.data;
  const baseFile = path.resolve(path.dirname(abs), raw.base);
  const baseRead = readScenarioObject(baseFile);
  if (!baseRead.ok)
    return { ok: false, issues: [at(['base'], `base scenario ${raw.base} cannot be read`), ...baseRead.issues] };
  if (baseRead.value === null || typeof baseRead.value !== 'object' || Array.isArray(baseRead.value)) {
    return { ok: false, issues: [at(['base'], `base scenario ${raw.base} is not a mapping`)] };
  }
  const issues: Issue[] = [];
  const base = structuredClone(baseRead.value as Record<string, unknown>);
  for (const [name, value] of Object.entries(raw.set ?? {})) {
    const p = parseFieldPath(name);
    const problem = p === null ? 'not a field path (e.g. horizon_s, devices[2].count)' : pathProblem(base, p);
    if (problem !== null || p === null) issues.push(at(['set', name], `unknown set path "${name}": ${problem}`, true));
    else setAtPath(base, p, value);
  }
  const axes: Axis[] = [];
  for (const [name, values] of Object.entries(raw.grid ?? {})) {
    if (name === 'load') {
      if (values === 'all' || !values.every((v) => typeof v === 'number' && v > 0)) {
        issues.push(at(['grid', 'load'], 'load values must be positive numbers (multipliers of the offered load)'));
        continue;
      }
      axes.push({ kind: 'load', name, values: values as number[] });
      continue;
    }
    const p = parseFieldPath(name);
    const problem = p === null ? 'not a field path (e.g. policy.name, devices[2].count)' : pathProblem(base, p);
    if (problem !== null || p === null) {
      issues.push(at(['grid', name], `unknown grid path "${name}": ${problem}`, true));
      continue;
    }
    if (values === 'all' && name !== 'policy.name') {
      issues.push(at(['grid', name], '"all" is only meaningful for policy.name'));
      continue;
    }
    const list = values === 'all' ? [...POLICY_NAMES] : values;
    const seen = new Set(list.map((v) => stableJson(v)));
    if (seen.size !== list.length) issues.push(at(['grid', name], `grid axis "${name}" lists a value twice`));
    axes.push({ kind: 'field', name, path: p, values: list });
  }
  if (new Set(raw.seeds).size !== raw.seeds.length) issues.push(at(['seeds'], 'a seed is listed twice'));
  let mode: SweepDefinition['mode'] = { kind: 'grid' };
  if (raw.mode !== 'grid') {
    const c = raw.mode['goodput-capacity'];
    if (axes.some((a) => a.name === 'load' || a.name === 'policy.name')) {
      issues.push(
        at(['grid'], 'goodput-capacity mode searches load per policy itself: remove the load and policy.name axes'),
      );
    }
    if (c.min_load >= c.max_load)
      issues.push(at(['mode', 'goodput-capacity', 'min_load'], 'min_load must be below max_load'));
    const policies = c.policies === 'all' ? [...POLICY_NAMES] : c.policies;
    for (const [i, name] of policies.entries()) {
      if (!(POLICY_NAMES as readonly string[]).includes(name)) {
        issues.push(
          at(
            ['mode', 'goodput-capacity', 'policies', i],
            `unknown policy "${name}"`,
            false,
            `valid: ${POLICY_NAMES.join(', ')}`,
          ),
        );
      }
    }
    mode = {
      kind: 'goodput-capacity',
      target: c.target,
      policies,
      minLoad: c.min_load,
      maxLoad: c.max_load,
      tolerance: c.tolerance,
    };
  }
  if (issues.length > 0) return { ok: false, issues };
  const hash = shortHash(
    stableJson({
      version: codeVersion(),
      base,
      seeds: raw.seeds,
      mode,
      axes: axes.map((a) => ({ name: a.name, values: a.values })),
    }),
  );
  return { ok: true, value: { file: abs, baseFile, base, seeds: raw.seeds, axes, mode, hash } };
}
