/**
 * `parasim start` (`npm start`) — the demo: runs the bundled sweep scenarios/sweeps/default.yaml
 * (every registered policy × loads × 3 seeds on the default scenario with the Azure LLM code
 * trace), writes out/results.jsonl, out/report.html and out/summary.csv and says where they are. Resumes an
 * interrupted run of the same sweep; `--fresh` starts over. Sized to finish in < 3 min on 2 cores.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { buildReport, readResultFiles, reportCsv, writeReport } from '../../reports/index.js';
import { codeVersion, packageRoot, readResultLines, runSweep } from '../../sweeps/index.js';
import { CliError } from '../cli-error.js';
import { checkOutputDir } from '../output-path.js';
import { loadSweepOrThrow, progressPrinter, reportSummary, workersFor } from './sweep.js';

interface StartArgs {
  fresh: boolean;
  workers?: number;
  dir: string;
  sweep?: string;
}

export const startCommand: CommandModule<object, StartArgs> = {
  command: 'start',
  describe: 'Run the bundled default sweep (all policies) and write out/results.jsonl + out/report.html.',
  builder: (y) =>
    y
      .option('fresh', { type: 'boolean', default: false, describe: 'discard earlier results instead of resuming' })
      .option('workers', { type: 'number', describe: 'worker threads (default: min(cells, cores))' })
      .option('dir', { type: 'string', default: 'out', describe: 'output directory' })
      .option('sweep', { type: 'string', describe: 'another sweep file instead of the bundled default' }),
  handler: async (args) => {
    const sweepFile = args.sweep ?? path.join(packageRoot(), 'scenarios', 'sweeps', 'default.yaml');
    if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 1)) {
      throw new CliError(`--workers must be a positive integer (got ${args.workers})`, 2);
    }
    checkOutputDir(args.dir, '--dir');
    const def = loadSweepOrThrow(sweepFile);
    fs.mkdirSync(args.dir, { recursive: true });
    const out = path.join(args.dir, 'results.jsonl');
    if (fs.existsSync(out) && !args.fresh) {
      const read = readResultLines(out, true);
      if (!read.ok || read.lines.some((l) => l.cell.sweep !== def.hash)) {
        process.stderr.write(`${out} holds results of another sweep or version; starting fresh\n`);
        fs.rmSync(out);
      } else if (read.lines.length > 0) {
        process.stderr.write(`resuming: ${read.lines.length} cells already in ${out} (--fresh to start over)\n`);
      }
    } else if (args.fresh) {
      fs.rmSync(out, { force: true });
    }
    const workers = workersFor(def, args.workers);
    process.stderr.write(
      `sweep ${path.relative(process.cwd(), sweepFile) || sweepFile} on ${workers} worker thread(s)\n`,
    );
    const t0 = performance.now();
    const r = await runSweep(def, { out, workers, resume: true, progress: progressPrinter('start') });
    if (!r.ok) throw new CliError(r.message, 1);
    reportSummary(r.summary, (performance.now() - t0) / 1000);
    const { entries, issues } = readResultFiles([out]);
    const inputs = {
      entries,
      issues,
      version: codeVersion(),
      options: { target: 0.9, title: 'ParaSim default sweep' },
    };
    const reportFile = path.join(args.dir, 'report.html');
    const csvFile = path.join(args.dir, 'summary.csv');
    writeReport(reportFile, buildReport(inputs));
    writeReport(csvFile, reportCsv(inputs));
    process.stdout.write(
      `results: ${path.resolve(out)}\nreport:  ${path.resolve(reportFile)}\nsummary: ${path.resolve(csvFile)}\n`,
    );
  },
};
