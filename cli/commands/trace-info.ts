/**
 * `parasim trace-info <file> --format F`: streams a trace through the same reader the simulator
 * uses and prints rows, duration, mean rate and token statistics (or one JSON object).
 */
import type { CommandModule } from 'yargs';
import {
  TraceFormatError,
  traceSummary,
  type CsvColumns,
  type TraceFormat,
  type TraceSummary,
} from '../../traces/index.js';
import { CliError } from '../cli-error.js';

const FORMATS = [
  'azure-llm-2023',
  'azure-llm-2024',
  'burstgpt',
  'mooncake',
  'azure-functions-2021',
  'csv',
] as const satisfies readonly TraceFormat[];

interface TraceInfoArgs {
  file: string;
  format: TraceFormat;
  json: boolean;
  'skip-bad-rows': boolean;
  model?: string;
  'log-type'?: string;
  'time-column'?: string;
  'time-unit': CsvColumns['timeUnit'];
  'prompt-column'?: string;
  'output-column'?: string;
}

export const traceInfoCommand: CommandModule<object, TraceInfoArgs> = {
  command: 'trace-info <file>',
  describe: 'Print rows, duration, mean rate and token statistics of a trace file',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'trace file' })
      .option('format', { choices: FORMATS, demandOption: true, describe: 'trace format' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .option('skip-bad-rows', { type: 'boolean', default: false, describe: 'skip and count malformed rows' })
      .option('model', { type: 'string', describe: 'BurstGPT: keep only this Model' })
      .option('log-type', { type: 'string', describe: 'BurstGPT: keep only this Log Type' })
      .option('time-column', { type: 'string', describe: 'csv: time column name' })
      .option('time-unit', {
        choices: ['s', 'ms', 'us', 'iso'] as const,
        default: 's' as const,
        describe: 'csv: unit of the time column',
      })
      .option('prompt-column', { type: 'string', describe: 'csv: prompt token column' })
      .option('output-column', { type: 'string', describe: 'csv: output token column' }),
  handler: (args) => {
    let columns: CsvColumns | undefined;
    if (args.format === 'csv') {
      if (args['time-column'] === undefined)
        throw new CliError('--format csv needs --time-column (and optionally --prompt-column, --output-column)', 2);
      columns = {
        time: args['time-column'],
        timeUnit: args['time-unit'],
        promptTokens: args['prompt-column'],
        outputTokens: args['output-column'],
      };
    }
    const filter =
      args.model !== undefined || args['log-type'] !== undefined
        ? { model: args.model, logType: args['log-type'] }
        : undefined;
    let s: TraceSummary;
    try {
      s = traceSummary(args.file, args.format, { columns, filter, skipBadRows: args['skip-bad-rows'] });
    } catch (e) {
      if (e instanceof TraceFormatError) throw new CliError(e.message, 1);
      throw e;
    }
    const durationS = s.rows > 0 ? s.lastS - s.firstS : 0;
    const info = {
      file: args.file,
      format: args.format,
      rows: s.rows,
      firstS: s.rows > 0 ? s.firstS : null,
      lastS: s.rows > 0 ? s.lastS : null,
      durationS,
      meanRatePerS: durationS > 0 ? s.rows / durationS : null,
      tokens: s.hasTokens && s.rows > 0 ? { prompt: stats(s.prompt, s.rows), output: stats(s.output, s.rows) } : null,
      skippedRows: s.skippedRows,
      clampedRows: s.clampedRows,
      filteredRows: s.filteredRows,
    };
    if (args.json) {
      process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      return;
    }
    const lines = [
      `file          ${info.file} (${info.format})`,
      `rows          ${info.rows}`,
      `duration      ${durationS.toFixed(3)} s`,
      `mean rate     ${info.meanRatePerS === null ? 'n/a' : `${info.meanRatePerS.toFixed(3)} req/s`}`,
      info.tokens === null
        ? 'tokens        not recorded by this format (sampled from the service TokenSpec)'
        : [
            `prompt tokens mean ${info.tokens.prompt.mean.toFixed(1)}  min ${info.tokens.prompt.min}  max ${info.tokens.prompt.max}  sum ${info.tokens.prompt.sum}`,
            `output tokens mean ${info.tokens.output.mean.toFixed(1)}  min ${info.tokens.output.min}  max ${info.tokens.output.max}  sum ${info.tokens.output.sum}`,
          ].join('\n'),
      `skipped rows  ${info.skippedRows}   clamped ${info.clampedRows}   filtered out ${info.filteredRows}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};

function stats(t: { sum: number; min: number; max: number }, rows: number) {
  return { mean: t.sum / rows, min: t.min, max: t.max, sum: t.sum };
}
