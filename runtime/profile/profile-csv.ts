/**
 * The profile-row CSV `parasim profile` writes: the catalog's profile-row format (issue #13:
 * device, model, batch, prompt_tokens, prefill_tok_s, decode_tok_s, latency_ms, source; defined
 * once in scenarios/catalog/profile-csv.ts), so a scenario loads the file as it is
 * (`catalog: { profiles: measured.csv }` or `--catalog measured.csv`). `readProfileCsv` reads
 * it back as the simulator's ProfileRows; `withProfiles` injects rows into one service.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  PROFILE_CSV_COLUMNS,
  formatIssues,
  formatProfileCsv,
  parseProfileCsv as parseRows,
  profileRowOf,
  type CatalogProfileRow,
  type ProfileRow,
  type Scenario,
} from '../../scenarios/index.js';

export const PROFILE_COLUMNS = PROFILE_CSV_COLUMNS;

/** The simulator's rows of catalog model `model` → catalog profile rows. */
function toCatalogRows(model: string, rows: readonly ProfileRow[]): CatalogProfileRow[] {
  return rows.map((r) => ({
    device: r.deviceType,
    model,
    batch: r.batch,
    ...(r.promptTokens !== undefined ? { prompt_tokens: r.promptTokens } : {}),
    ...(r.prefillTokPerS !== undefined ? { prefill_tok_s: r.prefillTokPerS } : {}),
    ...(r.decodeTokPerS !== undefined ? { decode_tok_s: r.decodeTokPerS } : {}),
    ...(r.outputTokens !== undefined ? { output_tokens: r.outputTokens } : {}),
    ...(r.itemLatencyS !== undefined ? { latency_ms: r.itemLatencyS * 1000 } : {}),
    source: r.source,
  }));
}

export function profileCsv(model: string, rows: readonly ProfileRow[]): string {
  return formatProfileCsv(toCatalogRows(model, rows));
}

/** Writes through a temp file and a rename, so a reader never sees half a table. */
export function writeProfileCsv(file: string, model: string, rows: readonly ProfileRow[]): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, profileCsv(model, rows));
  fs.renameSync(tmp, file);
}

export type ProfileReadResult =
  { ok: true; value: (ProfileRow & { readonly model: string })[] } | { ok: false; issues: string[] };

/** Rows of `text`; with `model`, only that model's rows. */
export function parseProfileCsv(text: string, file: string, model?: string): ProfileReadResult {
  const r = parseRows(text, file);
  if (!r.ok) return { ok: false, issues: formatIssues(r.issues).split('\n') };
  return {
    ok: true,
    value: r.value
      .filter((p) => model === undefined || p.model === model)
      .map((p) => ({ model: p.model, ...profileRowOf(p, `measured: ${path.basename(file)}`) })),
  };
}

export function readProfileCsv(file: string, model?: string): ProfileReadResult {
  try {
    return parseProfileCsv(fs.readFileSync(file, 'utf8'), file, model);
  } catch (err) {
    return { ok: false, issues: [`${file}: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/**
 * A copy of `scenario` whose service `service` uses `rows` as its profile table for the device
 * types the rows name; other rows are kept.
 */
export function withProfiles(scenario: Scenario, service: string, rows: readonly ProfileRow[]): Scenario {
  const types = new Set(rows.map((r) => r.deviceType));
  return {
    ...scenario,
    services: scenario.services.map((s) =>
      s.name !== service
        ? s
        : {
            ...s,
            model: { ...s.model, profiles: [...s.model.profiles.filter((p) => !types.has(p.deviceType)), ...rows] },
          },
    ),
  };
}
