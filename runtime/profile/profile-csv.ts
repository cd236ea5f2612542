/**
 * The profile-table CSV: one ProfileRow (scenarios/types.ts) per line, the columns named as the
 * type's fields so the two cannot drift. Empty cells are absent optional fields. Written by
 * `parasim profile`, read back with `readProfileCsv` and injected into a scenario's model spec
 * (`withProfiles`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ProfileRow, Scenario } from '../../scenarios/index.js';

export const PROFILE_COLUMNS = ['deviceType', 'batch', 'promptTokens', 'prefillTokPerS', 'decodeTokPerS', 'itemLatencyS', 'source'] as const;

const cell = (v: number | undefined): string => (v === undefined ? '' : String(Number(v.toPrecision(6))));
const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function profileCsv(rows: readonly ProfileRow[]): string {
  const lines = [PROFILE_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push([quote(r.deviceType), String(r.batch), cell(r.promptTokens), cell(r.prefillTokPerS), cell(r.decodeTokPerS), cell(r.itemLatencyS), quote(r.source)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function writeProfileCsv(file: string, rows: readonly ProfileRow[]): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, profileCsv(rows));
  fs.renameSync(tmp, file);
}

export type ProfileReadResult = { ok: true; value: ProfileRow[] } | { ok: false; issues: string[] };

export function parseProfileCsv(text: string, file: string): ProfileReadResult {
  let recs: Record<string, string>[];
  try {
    recs = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    return { ok: false, issues: [`${file}: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const issues: string[] = [];
  const rows: ProfileRow[] = [];
  recs.forEach((r, i) => {
    const line = i + 2;
    const num = (k: string): number | undefined => {
      const v = r[k];
      if (v === undefined || v === '') return undefined;
      const x = Number(v);
      if (!Number.isFinite(x) || x < 0) { issues.push(`${file}:${line}: ${k}: not a non-negative number: ${v}`); return undefined; }
      return x;
    };
    const deviceType = r['deviceType'] ?? '';
    const batch = num('batch');
    if (deviceType === '') issues.push(`${file}:${line}: deviceType: missing`);
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

export function readProfileCsv(file: string): ProfileReadResult {
  try {
    return parseProfileCsv(fs.readFileSync(file, 'utf8'), file);
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
