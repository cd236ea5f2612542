/**
 * The one YAML helper every loader uses (scenario, sweep, testbed): read a bounded file, parse it
 * with positions, turn it into plain data without letting an alias bomb expand, and turn zod
 * issues into located issues with did-you-mean. One locator (locate.ts), one path formatter
 * (issues.ts `pathToString`), one issue shape — so a typo in any file reads the same.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import type { z } from 'zod';
import type { ScenarioIssue } from './issues.js';
import { pathToString } from './issues.js';
import { yamlLocator, type Locator } from './locate.js';
import { maxYamlAliases, maxYamlBytes } from './limits.js';
import { fromZodIssue } from './zod-issues.js';

export type Located<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };

/** A parsed YAML document: its plain value and where each path of it sits in the text. */
export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
  readonly locate: Locator;
}

const fileIssue = (file: string, message: string): ScenarioIssue => ({ file, line: 0, col: 0, path: '', message });

/**
 * The file's text, refusing a directory, a missing file and anything over the size bound before
 * reading it (a 50 MB scenario would otherwise be parsed, expanded and simulated until memory ran out).
 */
export function readYamlText(file: string, what: string): Located<string> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT'
        ? 'no such file'
        : e.code === 'EISDIR'
          ? 'it is a directory'
          : e.code === 'EACCES'
            ? 'permission denied'
            : e.message;
    return { ok: false, issues: [fileIssue(file, `cannot read the ${what} file: ${why}`)] };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory())
      return { ok: false, issues: [fileIssue(file, `cannot read the ${what} file: it is a directory`)] };
    const limit = maxYamlBytes();
    // Read at most limit + 1 bytes: a FIFO or /proc file reports size 0 and must not be read forever.
    const buf = Buffer.alloc(Math.min(limit + 1, st.size > 0 ? st.size + 1 : limit + 1));
    let n = 0;
    for (;;) {
      if (n === buf.length) break;
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > limit) {
      return {
        ok: false,
        issues: [
          fileIssue(
            file,
            `the ${what} file is larger than the bound of ${limit} bytes (max YAML file size)` +
              '; raise it with PARASIM_MAX_YAML_BYTES (docs/limits.md)',
          ),
        ],
      };
    }
    return { ok: true, value: buf.subarray(0, n).toString('utf8') };
  } catch (err) {
    return { ok: false, issues: [fileIssue(file, `cannot read the ${what} file: ${(err as Error).message}`)] };
  } finally {
    closeSync(fd);
  }
}

/**
 * YAML text → plain value with a locator. Syntax errors, duplicate keys and an empty document
 * are located issues; so is an alias bomb (`yaml` throws a ReferenceError from `toJS` when the
 * aliases would expand past MAX_YAML_ALIAS_COUNT; it is reported at the first alias).
 */
export function parseYamlSource(text: string, file: string, what: string): Located<YamlSource> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues = [...doc.errors, ...doc.warnings].map((e): ScenarioIssue => {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    const firstLine = e.message.split('\n')[0] ?? e.message;
    return {
      file,
      line: pos.line,
      col: pos.col,
      path: '',
      message: `YAML syntax: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}`,
    };
  });
  if (issues.length > 0) return { ok: false, issues };
  if (doc.contents === null)
    return {
      ok: false,
      issues: [{ file, line: 1, col: 1, path: '', message: `the file is empty; a ${what} is a YAML mapping` }],
    };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: maxYamlAliases() });
  } catch (err) {
    const pos = firstAlias(doc, lines);
    const why =
      err instanceof ReferenceError
        ? `YAML aliases expand past the bound of ${maxYamlAliases()} (an alias bomb?)`
        : `YAML: ${(err as Error).message}`;
    return {
      ok: false,
      issues: [
        {
          file,
          ...pos,
          path: '',
          message: why,
          hint: 'use fewer nested aliases, or raise PARASIM_MAX_YAML_ALIASES (docs/limits.md)',
        },
      ],
    };
  }
  // An alias inside its own anchor (`&a { x: *a }`) makes a cyclic value that every later walk
  // (schema, hashing, cloning) would follow forever.
  if (isCyclic(value)) {
    return {
      ok: false,
      issues: [
        {
          file,
          ...firstAlias(doc, lines),
          path: '',
          message: 'a YAML alias refers to a node that contains it (a cycle)',
          hint: 'an alias may only repeat a complete, earlier node',
        },
      ],
    };
  }
  return { ok: true, value: { file, text, value, locate: yamlLocator(doc, lines) } };
}

/** True when an object or array contains itself (depth-first with the current ancestor set). */
function isCyclic(root: unknown): boolean {
  const onPath = new Set<object>();
  const done = new Set<object>();
  const visitNode = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object') return false;
    if (onPath.has(v)) return true;
    if (done.has(v)) return false;
    onPath.add(v);
    for (const c of Array.isArray(v) ? v : v instanceof Map ? [...v.values()] : Object.values(v))
      if (visitNode(c)) return true;
    onPath.delete(v);
    done.add(v);
    return false;
  };
  return visitNode(root);
}

/** Reads and parses in one step (what every loader starts with). */
export function loadYamlFile(file: string, what: string): Located<YamlSource> {
  const text = readYamlText(file, what);
  return text.ok ? parseYamlSource(text.value, file, what) : text;
}

function firstAlias(doc: Document, lines: LineCounter): { line: number; col: number } {
  let offset = -1;
  visit(doc, {
    Alias(_key, node) {
      offset = (node as Node).range?.[0] ?? -1;
      return visit.BREAK;
    },
  });
  return offset >= 0 ? lines.linePos(offset) : { line: 1, col: 1 };
}

/** Builds located issues against one source: `at(path, message, hint?, atKey?)`. */
export function issueBuilder(
  file: string,
  locate: Locator,
): (path: readonly PropertyKey[], message: string, hint?: string, atKey?: boolean) => ScenarioIssue {
  return (path, message, hint, atKey = false) => {
    const pos = locate(path, atKey);
    return {
      file,
      line: pos.line,
      col: pos.col,
      path: pathToString(path),
      message,
      ...(hint !== undefined ? { hint } : {}),
    };
  };
}

/** Every zod issue as located issues in the user's terms (units, did-you-mean over valid keys and values). */
export function zodIssuesAt(
  schema: z.core.$ZodType,
  raw: unknown,
  zodIssues: readonly z.core.$ZodIssue[],
  file: string,
  locate: Locator,
): ScenarioIssue[] {
  const at = issueBuilder(file, locate);
  return dedupeIssues(
    zodIssues.flatMap((zi) =>
      fromZodIssue(zi, schema, raw).map((l) => at(l.path, l.message, l.hint, l.atKey ?? false)),
    ),
  );
}

export function dedupeIssues(issues: readonly ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.line}:${i.col}:${i.path}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
