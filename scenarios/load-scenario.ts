/**
 * Entry points: YAML file or text → validated Scenario, or every issue with file:line:col.
 * Stages: YAML syntax (yaml's own errors) → zod schema (shape, types, units) → resolve.ts
 * (cross-references and whole-document checks). A stage's issues stop later stages, since those
 * would only repeat them; within a stage every issue is collected.
 */
import type { LoadResult as Result, ScenarioIssue } from './issues.js';
import { checkScenarioLimits } from './limits.js';
import type { Locator } from './locate.js';
import { NO_POSITION } from './locate.js';
import { resolveScenario } from './resolve.js';
import { builtinCatalog } from './catalog/builtin.js';
import { extendWithSection } from './catalog/load-catalog.js';
import { scenarioSchema, scenarioSchemaFor } from './schema.js';
import type { Catalog, Scenario } from './types.js';
import { dedupeIssues, issueBuilder, loadYamlFile, parseYamlSource, zodIssuesAt } from './yaml-source.js';

export type LoadResult = Result<Scenario>;

export interface LoadOptions {
  /** The catalog the scenario's own `catalog:` section extends (default: the built-in one). */
  readonly catalog?: Catalog;
}

export type ReadResult =
  | { readonly ok: true; readonly value: unknown; readonly text: string }
  | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };

/** YAML → plain object (for sweeps that override fields before `validateScenarioObject`). */
export function readScenarioObject(path: string): ReadResult {
  const src = loadYamlFile(path, 'scenario');
  return src.ok ? { ok: true, value: src.value.value, text: src.value.text } : src;
}

export function loadScenario(path: string, opts: LoadOptions = {}): LoadResult {
  const src = loadYamlFile(path, 'scenario');
  return src.ok ? validate(src.value.value, path, src.value.locate, opts) : src;
}

/** `file` names the source in messages and anchors relative trace paths. */
export function parseScenario(text: string, file: string, opts: LoadOptions = {}): LoadResult {
  const src = parseYamlSource(text, file, 'scenario');
  return src.ok ? validate(src.value.value, file, src.value.locate, opts) : src;
}

/** Validates an object that has no source text (positions are 0:0, formatted as "set by sweep"). */
export function validateScenarioObject(raw: unknown, file: string, opts: LoadOptions = {}): LoadResult {
  return validate(raw, file, NO_POSITION, opts);
}

function validate(raw: unknown, file: string, locate: Locator, opts: LoadOptions): LoadResult {
  const at = issueBuilder(file, locate);
  const issues: ScenarioIssue[] = [];
  const add = (path: readonly PropertyKey[], message: string, hint?: string): void => {
    issues.push(at(path, message, hint));
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    add([], 'a scenario is a YAML mapping (name, horizon_s, devices, links, services, …)');
    return { ok: false, issues };
  }
  // The `catalog:` section first: the rest of the document may name what it declares.
  const base = opts.catalog ?? builtinCatalog();
  const section = (raw as { catalog?: unknown }).catalog;
  const catalog = section === undefined ? base : extendWithSection(base, section, file, locate, ['catalog'], issues);
  if (catalog === null) return { ok: false, issues: dedupeIssues(issues) };
  const schema = catalog === builtinCatalog() ? scenarioSchema : scenarioSchemaFor(catalog);
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: zodIssuesAt(schema, raw, parsed.error.issues, file, locate) };
  // Bounds before the resolver expands groups or links: a huge `count` must not allocate.
  if (!checkScenarioLimits(parsed.data, add)) return { ok: false, issues: dedupeIssues(issues) };
  const scenario = resolveScenario(parsed.data, file, add, catalog);
  return issues.length > 0 ? { ok: false, issues: dedupeIssues(issues) } : { ok: true, value: scenario };
}
