/**
 * `parasim report <results…> --out report.html` — one self-contained HTML page (plotly inlined)
 * from result JSON files and/or sweep JSONL. Unreadable lines and failed cells are listed in the
 * page and summarized on stderr; the command fails only when nothing at all can be plotted.
 */
import type { CommandModule } from 'yargs';
import type { ResultEntry, ValidationReport } from '../../reports/index.js';
import { buildReport, chooseX, groupEntries, readResultFiles, readValidationFile, writeReport } from '../../reports/index.js';
import { didYouMean } from '../../scenarios/index.js';
import { finiteNumber } from '../args.js';
import { CliError } from '../cli-error.js';

/**
 * `-x` must name a numeric coordinate the results have, and `--at` one of the x values with data:
 * otherwise the report silently fell back to the load axis and the highest x.
 */
function checkAxisArgs(entries: readonly ResultEntry[], x: string | undefined, at: number | undefined): void {
  const g = groupEntries(entries.filter((e) => e.result !== undefined), x);
  if (x !== undefined && g.xs.length === 0) {
    const names = [...new Set(entries.flatMap((e) => Object.keys(e.coords)))].sort();
    const hint = didYouMean(x, names);
    throw new CliError(`-x ${x}: no result has a numeric grid coordinate "${x}"${names.length > 0 ? ` (coordinates: ${names.join(', ')})` : ''}`
      + `${hint !== undefined && hint.startsWith('did') ? `; ${hint}` : ''}`, 2);
  }
  if (at !== undefined && chooseX(g, at) !== at) {
    throw new CliError(`--at ${at}: no results at ${g.xLabel} = ${at}; values with data: ${g.xs.join(', ')}`, 2);
  }
}

interface ReportArgs {
  inputs: string[];
  out: string;
  x?: string;
  at?: number;
  target: number;
  validation?: string;
  title?: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <inputs..>',
  describe: 'Write a self-contained HTML report from result JSON / sweep JSONL files',
  builder: (y) =>
    y
      .positional('inputs', { type: 'string', array: true, demandOption: true, describe: 'result.json or results.jsonl files' })
      .option('out', { type: 'string', demandOption: true, describe: 'HTML file to write' })
      .option('x', { type: 'string', describe: 'grid coordinate for the x axis instead of the load multiplier' })
      .option('at', { type: 'number', describe: 'x value for CDFs, heatmaps and placement (default: highest)' })
      .option('target', { type: 'number', default: 0.9, describe: 'SLO-attainment target for goodput capacity' })
      .option('validation', { type: 'string', describe: 'validation JSON from `parasim validate`' })
      .option('title', { type: 'string', describe: 'page title' }),
  handler: (args) => {
    if (!(args.target > 0 && args.target <= 1)) throw new CliError(`--target must be in (0, 1], got ${args.target}`, 2);
    finiteNumber(args.at, '--at');
    const { entries, issues } = readResultFiles(args.inputs);
    for (const i of issues) process.stderr.write(`report: ${i.source}${i.line ? `:${i.line}` : ''}: ${i.message}\n`);
    const ok = entries.filter((e) => e.result).length;
    if (ok === 0) throw new CliError(`no readable results in ${args.inputs.join(', ')}`);
    checkAxisArgs(entries, args.x, args.at);
    let validation: ValidationReport | undefined;
    if (args.validation) {
      const v = readValidationFile(args.validation);
      if (!v.ok) throw new CliError(v.issues.map((i) => `${i.source}: ${i.message}`).join('\n'));
      validation = v.value;
    }
    const failed = entries.length - ok;
    const html = buildReport({
      entries, issues, validation,
      options: { xField: args.x, atX: args.at, target: args.target, title: args.title },
    });
    writeReport(args.out, html);
    process.stderr.write(`report: ${ok} runs${failed ? `, ${failed} failed cells` : ''} → ${args.out} (${(html.length / 1e6).toFixed(1)} MB)\n`);
  },
};
