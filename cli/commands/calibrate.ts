/**
 * `parasim calibrate ROWS.csv [--catalog FILE] [--json]`: simulates every row of a table of
 * published figures as a closed-loop benchmark and prints simulated vs published (sim/calibrate).
 * Bad input (table or catalog) → located issues on stderr, exit 1, nothing on stdout.
 */
import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { builtinCatalog, formatIssues, loadCatalogFile, type Catalog } from '../../scenarios/index.js';
import { calibrate, parseCalibrationRows, type CalibrationReport } from '../../sim/index.js';
import { CliError } from '../cli-error.js';

interface CalibrateArgs {
  rows: string;
  catalog?: string;
  json: boolean;
}

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

function table(r: CalibrationReport): string {
  const head = [
    'line',
    'device_key',
    'model_key',
    'nodes',
    'par',
    'batch',
    'metric',
    'published',
    'simulated',
    'error',
  ];
  const body = r.rows.map((x) => [
    String(x.line),
    x.device_key,
    x.model_key,
    String(x.nodes),
    x.parallelism,
    String(x.batch),
    x.metric,
    String(x.published),
    String(x.simulated),
    pct(x.relError),
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: readonly string[]): string =>
    cells.map((c, i) => (i < 7 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  const lines = [
    fmt(head),
    ...body.map(fmt),
    '',
    `median |error| ${pct(r.medianAbsRelError)}   worst |error| ${pct(r.worstAbsRelError)}   compared ${r.rows.length}   unexpressible ${r.unexpressible.length}`,
  ];
  if (r.unexpressible.length > 0)
    lines.push('', 'unexpressible:', ...r.unexpressible.map((u) => `  line ${u.line}: ${u.reason}`));
  return `${lines.join('\n')}\n`;
}

export const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: 'calibrate <rows>',
  describe: 'Simulate each row of a table of published figures (closed loop, concurrency = batch) and compare',
  builder: (y) =>
    y
      .positional('rows', {
        type: 'string',
        demandOption: true,
        describe:
          'CSV: device_key, model_key, nodes, parallelism, link_key, batch, prompt_tokens, output_tokens, prefill_tok_s, decode_tok_s (optional: closed_loop, framework = generic|llama.cpp|vllm|tensorrt-llm|mlc)',
      })
      .option('catalog', {
        type: 'string',
        describe: 'catalog file (YAML devices/models/links/profiles, or a profile CSV) extending the built-in one',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' }),
  handler: (args) => {
    let catalog: Catalog = builtinCatalog();
    if (args.catalog !== undefined) {
      const c = loadCatalogFile(args.catalog, catalog);
      if (!c.ok) throw new CliError(formatIssues(c.issues), 1);
      catalog = c.value;
    }
    let text: string;
    try {
      text = fs.readFileSync(args.rows, 'utf8');
    } catch (e) {
      throw new CliError(
        `${args.rows}: cannot read the table: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e)}`,
        1,
      );
    }
    const rows = parseCalibrationRows(text, args.rows, catalog);
    if (!rows.ok) throw new CliError(formatIssues(rows.issues), 1);
    const tty = process.stderr.isTTY === true;
    const report = calibrate(rows.value, catalog, args.rows, (done) => {
      if (tty) process.stderr.write(`\rcalibrate: ${done}/${rows.value.length} rows`);
    });
    if (tty) process.stderr.write('\n');
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : table(report));
  },
};
