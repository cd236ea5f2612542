/**
 * A CSV table with a header row, read for a loader that reports located issues: csv-parse's own
 * errors and missing required columns become `file:line:col` issues, and each record keeps the
 * line it came from. Shared by the catalog's profile rows and `parasim calibrate`'s tables.
 */
import { parse } from 'csv-parse/sync';
import type { ScenarioIssue } from './issues.js';

export interface CsvRecord {
  readonly record: Record<string, string>;
  /** 1-based line of the record in the file. */
  readonly line: number;
}

export type CsvTable =
  | { readonly ok: true; readonly header: readonly string[]; readonly records: readonly CsvRecord[] }
  | { readonly ok: false; readonly issues: ScenarioIssue[] };

/**
 * `required` columns must be in the header; `known` lists every column for the hint. Lines that
 * start with `comment` (when given) are skipped, also before the header.
 */
export function readCsvTable(
  text: string,
  file: string,
  required: readonly string[],
  known: readonly string[],
  comment?: string,
): CsvTable {
  let recs: { record: Record<string, string>; info: { lines: number } }[];
  try {
    recs = parse(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      ...(comment !== undefined ? { comment } : {}),
    }) as typeof recs;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    return {
      ok: false,
      issues: [{ file, line: e.lines ?? 1, col: 1, path: '', message: `CSV: ${e.message ?? String(err)}` }],
    };
  }
  const headerLine =
    text.split(/\r?\n/).find((l) => l.trim() !== '' && (comment === undefined || !l.startsWith(comment))) ?? '';
  const header = headerLine.split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const issues: ScenarioIssue[] = required
    .filter((c) => !header.includes(c))
    .map((c) => ({
      file,
      line: 1,
      col: 1,
      path: '',
      message: `missing column "${c}"`,
      hint: `columns: ${known.join(', ')}`,
    }));
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, header, records: recs.map((r) => ({ record: r.record, line: r.info.lines })) };
}
