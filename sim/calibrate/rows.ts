/**
 * The calibrate input table (issue #13): one published figure per row, columns by header name in
 * any order, extra columns kept out of the way. Every problem is collected with file:line:col
 * and the column, and the table is refused as a whole, so no half-compared output is written.
 */
import {
  type Catalog,
  DEFAULT_FRAMEWORK,
  SERVING_FRAMEWORKS,
  type ScenarioIssue,
  type ServingFramework,
  didYouMean,
  isServingFramework,
  readCsvTable,
} from '../../scenarios/index.js';

export type Parallelism = 'none' | 'tp' | 'pp';

export interface CalibrationRow {
  /** 1-based line of the row in the table. */
  readonly line: number;
  /** As written (keys joined by `+` for heterogeneous groups). */
  readonly deviceKey: string;
  /** One catalog device key per node. */
  readonly devices: readonly string[];
  readonly modelKey: string;
  readonly nodes: number;
  readonly parallelism: Parallelism;
  readonly linkKey: string | null;
  readonly batch: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly prefillTokPerS: number | null;
  readonly decodeTokPerS: number | null;
  /**
   * Optional column `closed_loop` (true/false, default false): decode_tok_s is a closed-loop
   * output throughput with TTFT included (vLLM `bench serve` "output token throughput", TRT-LLM
   * offline throughput) rather than a decode rate (llama-bench tg, llama-batched-bench S_TG).
   */
  readonly closedLoop: boolean;
  /** Optional column `framework` (scenarios/frameworks.ts; default generic): the serving framework measured. */
  readonly framework: ServingFramework;
  /**
   * Optional column `ubatch` (a positive integer; empty = no cap): most prompt tokens one step
   * (graph evaluation) took in the benchmark — llama.cpp's `n_ubatch`, which the DGX Spark rows
   * state (2048). The round's prompts then prefill in ⌈batch × prompt / ubatch⌉ steps.
   */
  readonly ubatch: number | null;
}

export type RowsResult = { ok: true; value: CalibrationRow[] } | { ok: false; issues: ScenarioIssue[] };

export const CALIBRATE_COLUMNS = [
  'device_key',
  'model_key',
  'nodes',
  'parallelism',
  'link_key',
  'batch',
  'prompt_tokens',
  'output_tokens',
  'prefill_tok_s',
  'decode_tok_s',
] as const;
const DEFAULT_TOKENS = 128;

export function parseCalibrationRows(text: string, file: string, catalog: Catalog): RowsResult {
  const table = readCsvTable(text, file, ['device_key', 'model_key'], CALIBRATE_COLUMNS, '#');
  if (!table.ok) return table;
  const { header } = table;
  const issues: ScenarioIssue[] = [];
  if (!header.includes('prefill_tok_s') && !header.includes('decode_tok_s')) {
    issues.push({ file, line: 1, col: 1, path: '', message: 'needs a prefill_tok_s or decode_tok_s column' });
  }
  if (issues.length > 0) return { ok: false, issues };
  const rows: CalibrationRow[] = [];
  for (const { record: r, line } of table.records) {
    const bad = (column: string, message: string, hint?: string): void => {
      issues.push({
        file,
        line,
        col: Math.max(0, header.indexOf(column)) + 1,
        path: column,
        message,
        ...(hint !== undefined ? { hint } : {}),
      });
    };
    const int = (column: string, dflt: number): number => {
      const v = r[column] ?? '';
      if (v === '') return dflt;
      const x = Number(v);
      if (!Number.isInteger(x) || x < 1) {
        bad(column, `expected an integer ≥ 1, got "${v}"`);
        return dflt;
      }
      return x;
    };
    const rate = (column: string): number | null => {
      const v = r[column] ?? '';
      if (v === '') return null;
      const x = Number(v);
      if (!Number.isFinite(x) || x <= 0) {
        bad(column, `expected a positive tok/s figure, got "${v}"`);
        return null;
      }
      return x;
    };
    const known = (column: string, key: string, table: Readonly<Record<string, unknown>>, noun: string): void => {
      if (table[key] === undefined) bad(column, `unknown ${noun} "${key}"`, didYouMean(key, Object.keys(table)));
    };
    const nodes = int('nodes', 1);
    const deviceKey = r['device_key'] ?? '';
    const devices = deviceKey.split('+').map((d) => d.trim());
    if (deviceKey === '') bad('device_key', 'missing device_key');
    else devices.forEach((d) => known('device_key', d, catalog.devices, 'device'));
    if (devices.length > 1 && devices.length !== nodes)
      bad('device_key', `${devices.length} device keys for ${nodes} nodes; give one key, or one per node joined by +`);
    const modelKey = r['model_key'] ?? '';
    if (modelKey === '') bad('model_key', 'missing model_key');
    else known('model_key', modelKey, catalog.models, 'model');
    const par = (r['parallelism'] ?? '') === '' ? null : r['parallelism']!;
    if (par !== null && par !== 'none' && par !== 'tp' && par !== 'pp')
      bad('parallelism', `unknown parallelism "${par}"`, 'one of none, tp, pp');
    if (nodes > 1 && (par === null || par === 'none'))
      bad('parallelism', `nodes is ${nodes} but parallelism is ${par === null ? 'empty' : 'none'}`, 'set tp or pp');
    const linkKey = (r['link_key'] ?? '') === '' ? null : r['link_key']!;
    if (nodes > 1 && linkKey === null)
      bad('link_key', `nodes is ${nodes} but link_key is empty`, 'the link joining each node to the switch');
    if (linkKey !== null) known('link_key', linkKey, catalog.links, 'link');
    const closed = (r['closed_loop'] ?? '').toLowerCase();
    if (closed !== '' && closed !== 'true' && closed !== 'false')
      bad('closed_loop', `expected true or false, got "${r['closed_loop']}"`);
    const fw = (r['framework'] ?? '') === '' ? DEFAULT_FRAMEWORK : r['framework']!;
    if (!isServingFramework(fw))
      bad(
        'framework',
        `unknown framework "${fw}"`,
        didYouMean(fw, SERVING_FRAMEWORKS) ?? `one of ${SERVING_FRAMEWORKS.join(', ')}`,
      );
    const prefill = rate('prefill_tok_s');
    const decode = rate('decode_tok_s');
    if (prefill === null && decode === null && (r['prefill_tok_s'] ?? '') === '' && (r['decode_tok_s'] ?? '') === '') {
      bad('decode_tok_s', 'neither prefill_tok_s nor decode_tok_s is given');
    }
    rows.push({
      line,
      deviceKey,
      devices: devices.length === 1 ? Array.from({ length: nodes }, () => devices[0]!) : devices,
      modelKey,
      nodes,
      parallelism: nodes === 1 ? 'none' : (par as Parallelism),
      linkKey,
      batch: int('batch', 1),
      promptTokens: int('prompt_tokens', DEFAULT_TOKENS),
      outputTokens: int('output_tokens', DEFAULT_TOKENS),
      prefillTokPerS: prefill,
      decodeTokPerS: decode,
      closedLoop: closed === 'true',
      framework: isServingFramework(fw) ? fw : DEFAULT_FRAMEWORK,
      ubatch: (r['ubatch'] ?? '') === '' ? null : int('ubatch', 1),
    });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: rows };
}
