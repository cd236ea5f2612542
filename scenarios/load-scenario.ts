/**
 * Entry points: YAML file or text → validated Scenario, or every issue with file:line:col.
 * Stages: YAML syntax (yaml's own errors) → zod schema (shape, types, units) → resolve.ts
 * (cross-references and whole-document checks). A stage's issues stop later stages, since those
 * would only repeat them; within a stage every issue is collected.
 */
import { readFileSync } from 'node:fs';
import type { LoadResult as Result, ScenarioIssue } from './issues.js';
import { pathToString } from './issues.js';
import type { Locator } from './locate.js';
import { NO_POSITION, yamlLocator } from './locate.js';
import { resolveScenario } from './resolve.js';
import { builtinCatalog } from './catalog/builtin.js';
import { extendWithSection } from './catalog/load-catalog.js';
import { scenarioSchema, scenarioSchemaFor } from './schema.js';
import type { Catalog, Scenario } from './types.js';
import { fromZodIssue } from './zod-issues.js';
import { parseYaml } from './yaml-document.js';

export type LoadResult = Result<Scenario>;

export interface LoadOptions {
  /** The catalog the scenario's own `catalog:` section extends (default: the built-in one). */
  readonly catalog?: Catalog;
}

export type ReadResult =
  | { readonly ok: true; readonly value: unknown; readonly text: string }
  | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };

function readText(path: string): { ok: true; text: string } | { ok: false; issues: ScenarioIssue[] } {
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
    return { ok: false, issues: [{ file: path, line: 0, col: 0, path: '', message: `cannot read the scenario file: ${why}` }] };
  }
}

/** YAML → plain object (for sweeps that override fields before `validateScenarioObject`). */
export function readScenarioObject(path: string): ReadResult {
  const read = readText(path);
  if (!read.ok) return read;
  const parsed = parseYaml(read.text, path);
  if (parsed.issues.length > 0) return { ok: false, issues: parsed.issues };
  return { ok: true, value: parsed.doc.toJS({ maxAliasCount: 1000 }) as unknown, text: read.text };
}

export function loadScenario(path: string, opts: LoadOptions = {}): LoadResult {
  const read = readText(path);
  if (!read.ok) return read;
  return parseScenario(read.text, path, opts);
}

/** `file` names the source in messages and anchors relative trace paths. */
export function parseScenario(text: string, file: string, opts: LoadOptions = {}): LoadResult {
  const parsed = parseYaml(text, file);
  if (parsed.issues.length > 0) return { ok: false, issues: parsed.issues };
  const raw = parsed.doc.toJS({ maxAliasCount: 1000 }) as unknown;
  return validate(raw, file, yamlLocator(parsed.doc, parsed.lines), opts);
}

/** Validates an object that has no source text (positions are 0:0, formatted as "set by sweep"). */
export function validateScenarioObject(raw: unknown, file: string, opts: LoadOptions = {}): LoadResult {
  return validate(raw, file, NO_POSITION, opts);
}

function validate(raw: unknown, file: string, locate: Locator, opts: LoadOptions): LoadResult {
  const issues: ScenarioIssue[] = [];
  const add = (path: readonly PropertyKey[], message: string, hint?: string, atKey = false): void => {
    const pos = locate(path, atKey);
    issues.push({ file, line: pos.line, col: pos.col, path: pathToString(path), message, ...(hint !== undefined ? { hint } : {}) });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    add([], 'a scenario is a YAML mapping (name, horizon_s, devices, links, services, …)');
    return { ok: false, issues };
  }
  // The `catalog:` section first: the rest of the document may name what it declares.
  const base = opts.catalog ?? builtinCatalog();
  const section = (raw as { catalog?: unknown }).catalog;
  const catalog = section === undefined ? base : extendWithSection(base, section, file, locate, ['catalog'], issues);
  if (catalog === null) return { ok: false, issues: dedupe(issues) };
  const schema = catalog === builtinCatalog() ? scenarioSchema : scenarioSchemaFor(catalog);
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const zi of parsed.error.issues) {
      for (const l of fromZodIssue(zi, schema, raw)) add(l.path, l.message, l.hint, l.atKey ?? false);
    }
    return { ok: false, issues: dedupe(issues) };
  }
  const scenario = resolveScenario(parsed.data, file, (p, m, h) => add(p, m, h), catalog);
  return issues.length > 0 ? { ok: false, issues: dedupe(issues) } : { ok: true, value: scenario };
}

function dedupe(issues: readonly ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.line}:${i.col}:${i.path}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
