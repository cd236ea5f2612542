/**
 * The profile-row CSV: what `parasim profile` writes and what a catalog's `profiles: FILE.csv`
 * (or `--catalog FILE.csv`) reads, so measured rows load as they are. Columns are the catalog's
 * profile-row keys (issue #13): device, model, batch, prompt_tokens, prefill_tok_s, decode_tok_s,
 * latency_ms, source — header required, any order; empty cells are absent values. Each row is
 * validated with the same zod schema as an inline catalog row; issues name file:line:col.
 */
import { readCsvTable } from '../csv-table.js';
import type { ScenarioIssue } from '../issues.js';
import { fromZodIssue } from '../zod-issues.js';
import { profileEntrySchema, type RawProfile } from './schema.js';

export const PROFILE_CSV_COLUMNS = [
  'device',
  'model',
  'batch',
  'prompt_tokens',
  'prefill_tok_s',
  'decode_tok_s',
  'latency_ms',
  'source',
] as const;
const NUMERIC = new Set(['batch', 'prompt_tokens', 'prefill_tok_s', 'decode_tok_s', 'latency_ms', 'output_tokens']);
/** Optional columns a table may add (the engine's measurement conditions). */
const EXTRA = ['output_tokens', 'closed_loop'];

const cell = (v: number | undefined): string => (v === undefined ? '' : String(Number(v.toPrecision(6))));
const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Rows → CSV text (numbers to 6 significant digits). */
export function formatProfileCsv(rows: readonly RawProfile[]): string {
  const lines = [PROFILE_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        quote(r.device),
        quote(r.model),
        String(r.batch),
        cell(r.prompt_tokens),
        cell(r.prefill_tok_s),
        cell(r.decode_tok_s),
        cell(r.latency_ms),
        quote(r.source ?? ''),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export type ProfileCsvResult = { ok: true; value: RawProfile[] } | { ok: false; issues: ScenarioIssue[] };

export function parseProfileCsv(text: string, file: string): ProfileCsvResult {
  const table = readCsvTable(text, file, ['device', 'model', 'batch'], PROFILE_CSV_COLUMNS);
  if (!table.ok) return table;
  const { header } = table;
  const issues: ScenarioIssue[] = [];
  const colOf = (k: PropertyKey): number => Math.max(0, header.indexOf(String(k))) + 1;
  const rows: RawProfile[] = [];
  for (const { record, line } of table.records) {
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) {
      if ((!(PROFILE_CSV_COLUMNS as readonly string[]).includes(k) && !EXTRA.includes(k)) || v === '') continue; // other columns kept out
      obj[k] =
        NUMERIC.has(k) && v.trim() !== '' && Number.isFinite(Number(v))
          ? Number(v)
          : k === 'closed_loop' && /^(true|false)$/.test(v)
            ? v === 'true'
            : v;
    }
    const parsed = profileEntrySchema.safeParse(obj, { reportInput: true });
    if (parsed.success) {
      rows.push(parsed.data);
      continue;
    }
    for (const zi of parsed.error.issues) {
      for (const l of fromZodIssue(zi, profileEntrySchema, obj)) {
        const column = l.path[0] ?? '';
        issues.push({
          file,
          line,
          col: colOf(column),
          path: String(column),
          message: l.message,
          ...(l.hint !== undefined ? { hint: l.hint } : {}),
        });
      }
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: rows };
}
