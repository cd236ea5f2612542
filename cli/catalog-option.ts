/**
 * `--catalog FILE` for the commands that simulate scenario *objects* in other places (sweep cells
 * on worker threads, validate's simulated side): the file is checked on its own first (located
 * issues naming the catalog file, exit 1, nothing written), then its entries are folded into the
 * scenario object's `catalog:` section — the same content a scenario may carry itself (issue #13
 * item 4). Folding into the object, rather than passing a Catalog beside it, keeps a sweep cell's
 * key (a hash of the object) a function of everything it simulates, so `--resume` never reuses a
 * cell simulated with another catalog. Precedence is `run`'s: built-in, then the file, then the
 * scenario's own section (an entry the scenario redefines replaces the file's).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { builtinCatalog, formatIssues, loadCatalogFile, parseProfileCsv } from '../scenarios/index.js';
import { CliError } from './cli-error.js';

type Obj = Record<string, unknown>;
const SECTIONS = ['devices', 'models', 'links'] as const;

const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);

/** Profile rows of a section: inline, or read from its CSV (relative to `dir`). */
function profileRows(section: Obj, dir: string): unknown[] {
  const p = section['profiles'];
  if (p === undefined) return [];
  if (Array.isArray(p)) return p;
  if (typeof p !== 'string') return [];
  const file = path.resolve(dir, p);
  const r = parseProfileCsv(fs.readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new CliError(formatIssues(r.issues), 1);
  return r.value;
}

/** The catalog file as a raw `catalog:` section (profile rows inlined). Throws CliError on any issue. */
export function catalogSectionOf(file: string): Obj {
  const checked = loadCatalogFile(file, builtinCatalog());
  if (!checked.ok) throw new CliError(formatIssues(checked.issues), 1);
  const text = fs.readFileSync(file, 'utf8');
  if (file.toLowerCase().endsWith('.csv')) {
    const r = parseProfileCsv(text, file);
    if (!r.ok) throw new CliError(formatIssues(r.issues), 1);
    return { profiles: r.value };
  }
  const raw = parseYaml(text) as unknown;
  const section: Obj = isObj(raw) ? { ...raw } : {};
  const rows = profileRows(section, path.dirname(path.resolve(file)));
  if (rows.length > 0) section['profiles'] = rows;
  else delete section['profiles'];
  return section;
}

/**
 * `scenario` (a plain object read from `scenarioFile`) with the catalog file's entries folded into
 * its `catalog:` section; the input is not changed.
 */
export function withCatalogFile(scenario: Readonly<Obj>, scenarioFile: string, catalogFile: string): Obj {
  const extra = catalogSectionOf(catalogFile);
  const own: Obj = isObj(scenario['catalog']) ? scenario['catalog'] : {};
  const merged: Obj = {};
  for (const s of SECTIONS) {
    const mine = Array.isArray(own[s]) ? (own[s] as unknown[]) : [];
    const redefined = new Set(mine.map((e) => (isObj(e) ? e['key'] : undefined)));
    const theirs = Array.isArray(extra[s]) ? (extra[s] as unknown[]) : [];
    const all = [...theirs.filter((e) => !(isObj(e) && redefined.has(e['key']))), ...mine];
    if (all.length > 0) merged[s] = all;
  }
  // The scenario's rows for a (device, model) pair replace the file's rows of that pair, as a
  // later catalog's do (docs/catalog.md).
  const ownRows = profileRows(own, path.dirname(path.resolve(scenarioFile)));
  const pair = (r: unknown): string => (isObj(r) ? `${String(r['device'])}\u0000${String(r['model'])}` : '');
  const ownPairs = new Set(ownRows.map(pair));
  const fileRows = Array.isArray(extra['profiles']) ? (extra['profiles'] as unknown[]) : [];
  const rows = [...fileRows.filter((r) => !ownPairs.has(pair(r))), ...ownRows];
  if (rows.length > 0) merged['profiles'] = rows;
  for (const [k, v] of Object.entries(own)) if (!(k in merged) && k !== 'profiles') merged[k] = v;
  return { ...scenario, catalog: merged };
}
