/**
 * Catalogs from text: the built-in data files, a `--catalog FILE` (YAML with `devices`, `models`,
 * `links`, `profiles`, or a profile CSV) and a scenario's `catalog:` section all pass through
 * `extendWithSection`, so they accept the same content and report the same located issues.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LoadResult, ScenarioIssue } from '../issues.js';
import { pathToString } from '../issues.js';
import type { Locator } from '../locate.js';
import { parseYamlSource, readYamlText } from '../yaml-source.js';
import type { Catalog } from '../types.js';
import { fromZodIssue } from '../zod-issues.js';
import { extendCatalog } from './build.js';
import { parseProfileCsv } from './profile-csv.js';
import { catalogSectionSchema, type RawProfile } from './schema.js';

/**
 * `base` extended by the catalog object `raw` found at `prefix` in `file` (positions through
 * `locate`); issues are appended to `issues`. Returns null when any was found.
 */
export function extendWithSection(
  base: Catalog,
  raw: unknown,
  file: string,
  locate: Locator,
  prefix: readonly PropertyKey[],
  issues: ScenarioIssue[],
): Catalog | null {
  const before = issues.length;
  const add = (path: readonly PropertyKey[], message: string, hint?: string, atKey = false): void => {
    const full = [...prefix, ...path];
    const pos = locate(full, atKey);
    issues.push({
      file,
      line: pos.line,
      col: pos.col,
      path: pathToString(full),
      message,
      ...(hint !== undefined ? { hint } : {}),
    });
  };
  const parsed = catalogSectionSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const zi of parsed.error.issues) {
      for (const l of fromZodIssue(zi, catalogSectionSchema, raw)) add(l.path, l.message, l.hint, l.atKey ?? false);
    }
    return null;
  }
  let rows: readonly RawProfile[] = [];
  const profiles = parsed.data.profiles;
  if (typeof profiles === 'string') {
    const csvPath = resolve(dirname(file), profiles);
    const read = readCsv(csvPath);
    if (!read.ok) {
      for (const i of read.issues) issues.push(i);
      if (read.unreadable) add(['profiles'], `cannot read profile CSV ${csvPath}`);
      return null;
    }
    rows = read.value;
  } else if (profiles !== undefined) {
    rows = profiles;
  }
  const catalog = extendCatalog(base, parsed.data, rows, file, add);
  return issues.length > before ? null : catalog;
}

function readCsv(
  path: string,
): { ok: true; value: RawProfile[] } | { ok: false; issues: ScenarioIssue[]; unreadable: boolean } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { ok: false, issues: [], unreadable: true };
  }
  const r = parseProfileCsv(text, path);
  return r.ok ? r : { ...r, unreadable: false };
}

/** A catalog file (YAML, or a profile CSV when it ends in .csv) on top of `base`. */
export function parseCatalogText(text: string, file: string, base: Catalog): LoadResult<Catalog> {
  const issues: ScenarioIssue[] = [];
  if (file.toLowerCase().endsWith('.csv')) {
    const r = parseProfileCsv(text, file);
    if (!r.ok) return r;
    const add = (path: readonly PropertyKey[], message: string, hint?: string): void => {
      const row = typeof path[1] === 'number' ? path[1] : 0;
      issues.push({
        file,
        line: row + 2,
        col: 1,
        path: pathToString(path.slice(2)),
        message,
        ...(hint !== undefined ? { hint } : {}),
      });
    };
    const catalog = extendCatalog(base, { profiles: r.value }, r.value, file, add);
    return issues.length > 0 ? { ok: false, issues } : { ok: true, value: catalog };
  }
  const src = parseYamlSource(text, file, 'catalog');
  if (!src.ok) return src;
  const catalog = extendWithSection(base, src.value.value, file, src.value.locate, [], issues);
  return catalog === null ? { ok: false, issues } : { ok: true, value: catalog };
}

export function loadCatalogFile(path: string, base: Catalog): LoadResult<Catalog> {
  const text = readYamlText(path, 'catalog');
  return text.ok ? parseCatalogText(text.value, path, base) : text;
}
