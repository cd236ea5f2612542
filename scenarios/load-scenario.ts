/**
 * Entry points: YAML file or text → validated Scenario, or every issue with file:line:col.
 * Stages: YAML syntax (yaml's own errors) → zod schema (shape, types, units) → resolve.ts
 * (cross-references and whole-document checks). A stage's issues stop later stages, since those
 * would only repeat them; within a stage every issue is collected.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { LoadResult as Result, ScenarioIssue } from './issues.js';
import { pathToString } from './issues.js';
import type { Locator } from './locate.js';
import { NO_POSITION, yamlLocator } from './locate.js';
import { resolveScenario } from './resolve.js';
import { scenarioSchema } from './schema.js';
import type { Scenario } from './types.js';
import { fromZodIssue } from './zod-issues.js';

export type LoadResult = Result<Scenario>;

export type ReadResult =
  | { readonly ok: true; readonly value: unknown; readonly text: string }
  | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };

interface Parsed { readonly doc: Document; readonly lines: LineCounter; readonly issues: ScenarioIssue[] }

function parseYaml(text: string, file: string): Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues = [...doc.errors, ...doc.warnings].map((e): ScenarioIssue => {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    const firstLine = e.message.split('\n')[0] ?? e.message;
    return { file, line: pos.line, col: pos.col, path: '', message: `YAML syntax: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}` };
  });
  if (issues.length === 0 && (doc.contents === null)) {
    issues.push({ file, line: 1, col: 1, path: '', message: 'the file is empty; a scenario is a YAML mapping' });
  }
  return { doc, lines, issues };
}

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

export function loadScenario(path: string): LoadResult {
  const read = readText(path);
  if (!read.ok) return read;
  return parseScenario(read.text, path);
}

/** `file` names the source in messages and anchors relative trace paths. */
export function parseScenario(text: string, file: string): LoadResult {
  const parsed = parseYaml(text, file);
  if (parsed.issues.length > 0) return { ok: false, issues: parsed.issues };
  const raw = parsed.doc.toJS({ maxAliasCount: 1000 }) as unknown;
  return validate(raw, file, yamlLocator(parsed.doc, parsed.lines));
}

/** Validates an object that has no source text (positions are 0:0, formatted as "set by sweep"). */
export function validateScenarioObject(raw: unknown, file: string): LoadResult {
  return validate(raw, file, NO_POSITION);
}

function validate(raw: unknown, file: string, locate: Locator): LoadResult {
  const issues: ScenarioIssue[] = [];
  const add = (path: readonly PropertyKey[], message: string, hint?: string, atKey = false): void => {
    const pos = locate(path, atKey);
    issues.push({ file, line: pos.line, col: pos.col, path: pathToString(path), message, ...(hint !== undefined ? { hint } : {}) });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    add([], 'a scenario is a YAML mapping (name, horizon_s, devices, links, services, …)');
    return { ok: false, issues };
  }
  const parsed = scenarioSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const zi of parsed.error.issues) {
      for (const l of fromZodIssue(zi, scenarioSchema, raw)) add(l.path, l.message, l.hint, l.atKey ?? false);
    }
    return { ok: false, issues: dedupe(issues) };
  }
  const scenario = resolveScenario(parsed.data, file, (p, m, h) => add(p, m, h));
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
