/**
 * The profile-table CSV in the catalog's row format: `device, model, batch, prompt_tokens,
 * prefill_tok_s, decode_tok_s`, then `item_latency_s` (segmentation) and `source`; one
 * ProfileRow (scenarios/types.ts) per line, empty cells are absent optional fields. Written by
 * `parasim profile`, read back with `readProfileCsv` (which also reads the earlier header named
 * after the ProfileRow fields: deviceType, batch, promptTokens, …) and injected into a
 * scenario's model spec (`withProfiles`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ProfileRow, Scenario } from '../../scenarios/index.js';

export const PROFILE_COLUMNS = ['device', 'model', 'batch', 'prompt_tokens', 'prefill_tok_s', 'decode_tok_s', 'item_latency_s', 'source'] as const;

/** Catalog column → ProfileRow field; the earlier header used the field names themselves. */
const FIELD_OF: Readonly<Record<string, string>> = {
  device: 'deviceType', prompt_tokens: 'promptTokens', prefill_tok_s: 'prefillTokPerS', decode_tok_s: 'decodeTokPerS', item_latency_s: 'itemLatencyS',
};

const cell = (v: number | undefined): string => (v === undefined ? '' : String(Number(v.toPrecision(6))));
const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** `model` fills the model column (the catalog key the rows belong to). */
export function profileCsv(rows: readonly ProfileRow[], model: string): string {
  const lines = [PROFILE_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push([quote(r.deviceType), quote(model), String(r.batch), cell(r.promptTokens), cell(r.prefillTokPerS), cell(r.decodeTokPerS), cell(r.itemLatencyS), quote(r.source)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function writeProfileCsv(file: string, rows: readonly ProfileRow[], model: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, profileCsv(rows, model));
  fs.renameSync(tmp, file);
}

export type ProfileReadResult = { ok: true; value: ProfileRow[] } | { ok: false; issues: string[] };

/** Rows of `text`; with `model`, only the rows of that model (rows without a model column always count). */
export function parseProfileCsv(text: string, file: string, model?: string): ProfileReadResult {
  let recs: Record<string, string>[];
  const columnOf = new Map<string, string>(); // field → the column name this file uses (messages)
  try {
    recs = parse(text, {
      columns: (h: string[]) => h.map((c) => { const f = FIELD_OF[c] ?? c; columnOf.set(f, c); return f; }), skip_empty_lines: true, trim: true,
    }) as Record<string, string>[];
  } catch (err) {
    return { ok: false, issues: [`${file}: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const issues: string[] = [];
  const rows: ProfileRow[] = [];
  recs.forEach((r, i) => {
    const line = i + 2;
    if (model !== undefined && r['model'] !== undefined && r['model'] !== '' && r['model'] !== model) return;
    const num = (k: string): number | undefined => {
      const v = r[k];
      if (v === undefined || v === '') return undefined;
      const x = Number(v);
      if (!Number.isFinite(x) || x < 0) { issues.push(`${file}:${line}: ${columnOf.get(k) ?? k}: not a non-negative number: ${v}`); return undefined; }
      return x;
    };
    const deviceType = r['deviceType'] ?? '';
    const batch = num('batch');
    if (deviceType === '') issues.push(`${file}:${line}: ${columnOf.get('deviceType') ?? 'device'}: missing`);
    if (batch === undefined || !Number.isInteger(batch) || batch < 1) issues.push(`${file}:${line}: batch: must be an integer ≥ 1`);
    const opt = (k: 'promptTokens' | 'prefillTokPerS' | 'decodeTokPerS' | 'itemLatencyS'): Partial<ProfileRow> => {
      const v = num(k);
      return v === undefined ? {} : { [k]: v };
    };
    rows.push({
      deviceType, batch: batch ?? 1, ...opt('promptTokens'), ...opt('prefillTokPerS'), ...opt('decodeTokPerS'), ...opt('itemLatencyS'),
      source: r['source'] !== undefined && r['source'] !== '' ? r['source'] : `measured: ${path.basename(file)}`,
    });
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: rows };
}

export function readProfileCsv(file: string, model?: string): ProfileReadResult {
  try {
    return parseProfileCsv(fs.readFileSync(file, 'utf8'), file, model);
  } catch (err) {
    return { ok: false, issues: [`${file}: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/**
 * A copy of `scenario` whose service `service` (or every service of model `modelKey`) uses
 * `rows` as its profile table for the device types the rows name; other rows are kept.
 */
export function withProfiles(scenario: Scenario, service: string, rows: readonly ProfileRow[]): Scenario {
  const types = new Set(rows.map((r) => r.deviceType));
  return {
    ...scenario,
    services: scenario.services.map((s) => (s.name !== service ? s : {
      ...s, model: { ...s.model, profiles: [...s.model.profiles.filter((p) => !types.has(p.deviceType)), ...rows] },
    })),
  };
}
