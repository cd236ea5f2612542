/**
 * `parasim report <results…> --out report.html [--csv summary.csv]` — one self-contained HTML
 * page (plotly inlined) and optionally a summary CSV, from result JSON files, sweep JSONL and
 * capacity-mode summaries. Output paths are checked before any work; unreadable lines and failed
 * cells are listed in the page and summarized on stderr, with the runs' notes (why a service did
 * badly); the command fails when nothing can be plotted or a file mixes two sweeps.
 */
import type { CommandModule } from 'yargs';
import type { ReportInputs, ResultEntry, ValidationReport } from '../../reports/index.js';
import {
  buildReport,
  chooseX,
  groupEntries,
  mixedSweeps,
  outputPathProblem,
  plural,
  readResultFiles,
  readValidationFile,
  reportCsv,
  writeAtomically,
} from '../../reports/index.js';
import { didYouMean } from '../../scenarios/index.js';
import { codeVersion } from '../../sweeps/index.js';
import { finiteNumber } from '../args.js';
import { CliError } from '../cli-error.js';

/**
 * `-x` must name a numeric coordinate the results have, and `--at` one of the x values with data:
 * otherwise the report silently fell back to the load axis and the highest x.
 */
function checkAxisArgs(entries: readonly ResultEntry[], x: string | undefined, at: number | undefined): void {
  const g = groupEntries(
    entries.filter((e) => e.result !== undefined),
    x,
  );
  if (x !== undefined && g.xs.length === 0) {
    const names = [...new Set(entries.flatMap((e) => Object.keys(e.coords)))].sort();
    const hint = didYouMean(x, names);
    throw new CliError(
      `-x ${x}: no result has a numeric grid coordinate "${x}"${names.length > 0 ? ` (coordinates: ${names.join(', ')})` : ''}` +
        `${hint !== undefined && hint.startsWith('did') ? `; ${hint}` : ''}`,
      2,
    );
  }
  if (at !== undefined && chooseX(g, at) !== at) {
    throw new CliError(`--at ${at}: no results at ${g.xLabel} = ${at}; values with data: ${g.xs.join(', ')}`, 2);
  }
}

interface ReportArgs {
  inputs: string[];
  out: string;
  csv?: string;
  x?: string;
  at?: number;
  target: number;
  validation?: string;
  title?: string;
}

/** Notes of every run, counted: the "why" digest on stderr (perf-source notes left out). */
function notesDigest(inputs: ReportInputs): string[] {
  const count = new Map<string, number>();
  for (const e of inputs.entries) {
    for (const n of new Set(e.result?.notes ?? []))
      if (!n.startsWith('perf: ')) count.set(`${e.policy}: ${n}`, (count.get(`${e.policy}: ${n}`) ?? 0) + 1);
  }
  return [...count]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([n, k]) => `note (${k} run${k === 1 ? '' : 's'}): ${n}`);
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <inputs..>',
  describe: 'Write a self-contained HTML report (and a CSV) from result JSON / sweep JSONL / capacity summary files',
  builder: (y) =>
    y
      .positional('inputs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'result.json, results.jsonl or results.capacity.json files',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'HTML file to write' })
      .option('csv', {
        type: 'string',
        describe: 'also write one summary row per (policy, service and all, axes, load), plus capacity rows',
      })
      .option('x', { type: 'string', describe: 'grid coordinate for the x axis instead of the load multiplier' })
      .option('at', { type: 'number', describe: 'x value for CDFs, losses, devices and placement (default: highest)' })
      .option('target', {
        type: 'number',
        default: 0.9,
        describe: 'SLO-attainment target for goodput capacity (every service)',
      })
      .option('validation', { type: 'string', describe: 'the JSON `parasim validate --out` writes' })
      .option('title', { type: 'string', describe: 'page title' }),
  handler: (args) => {
    if (!(args.target > 0 && args.target <= 1)) throw new CliError(`--target must be in (0, 1], got ${args.target}`, 2);
    for (const [flag, file] of [
      ['--out', args.out],
      ['--csv', args.csv],
    ] as const) {
      if (file === undefined) continue;
      const problem = outputPathProblem(file);
      if (problem !== null) throw new CliError(`${flag} ${problem}`, 2);
    }
    finiteNumber(args.at, '--at');
    const { entries, issues, capacity } = readResultFiles(args.inputs);
    const mixed = mixedSweeps(entries);
    if (mixed.length > 0) throw new CliError(mixed.join('\n'));
    for (const i of issues) process.stderr.write(`report: ${i.source}${i.line ? `:${i.line}` : ''}: ${i.message}\n`);
    const ok = entries.filter((e) => e.result).length;
    if (ok === 0 && capacity.length === 0) throw new CliError(`no readable results in ${args.inputs.join(', ')}`);
    checkAxisArgs(entries, args.x, args.at);
    let validation: ValidationReport | undefined;
    if (args.validation) {
      const v = readValidationFile(args.validation);
      if (!v.ok) throw new CliError(v.issues.map((i) => `${i.source}: ${i.message}`).join('\n'));
      validation = v.value;
    }
    const inputs: ReportInputs = {
      entries,
      issues,
      capacity,
      version: codeVersion(),
      ...(validation !== undefined ? { validation } : {}),
      options: { xField: args.x, atX: args.at, target: args.target, title: args.title },
    };
    const html = buildReport(inputs);
    const csv = args.csv !== undefined ? reportCsv(inputs) : undefined;
    writeAtomically(args.out, html);
    if (args.csv !== undefined && csv !== undefined) writeAtomically(args.csv, csv);
    const failed = entries.length - ok;
    const digest = notesDigest(inputs);
    for (const line of digest.slice(0, 20)) process.stderr.write(`${line}\n`);
    if (digest.length > 20) process.stderr.write(`… ${digest.length - 20} more notes in the page\n`);
    process.stderr.write(
      `report: ${plural(ok, 'run')}${failed ? `, ${plural(failed, 'failed cell')}` : ''}${capacity.length ? `, ${plural(capacity.length, 'capacity summary', 'capacity summaries')}` : ''} → ${args.out} (${(html.length / 1e6).toFixed(1)} MB)${args.csv ? ` and ${args.csv}` : ''}\n`,
    );
  },
};
