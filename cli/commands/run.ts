/**
 * `parasim run <scenario.yaml>` — simulate one scenario: summary table on stdout, canonical JSON
 * (`--out`), request records (`--records`, JSON lines) and a Perfetto trace of a window
 * (`--timeline FILE --window A:B`) written atomically; progress and wall
 * time on stderr only, so stdout and the files are identical across runs with the same seed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import type { RequestRecord, RunResult } from '../../policies/index.js';
import { POLICY_NAMES, isPolicyName } from '../../policies/index.js';
import {
  builtinCatalog,
  createPolicy,
  formatIssues,
  loadCatalogFile,
  loadScenario,
  moduleChoice,
  policyChoiceFor,
} from '../../scenarios/index.js';
import { Timeline, resultToJson, simulate } from '../../sim/index.js';
import { TraceFormatError } from '../../traces/index.js';
import { parseSeed } from '../args.js';
import { CliError } from '../cli-error.js';
import { checkOutputPath } from '../output-path.js';

interface RunArgs {
  scenario: string;
  seed?: number;
  policy?: string;
  'policy-module'?: string;
  out?: string;
  records?: string;
  catalog?: string;
  timeline?: string;
  window?: string;
}

/** `--window A:B` in seconds of simulated time (either end may be empty: `:60`, `30:`). */
export function parseWindow(w: string | undefined, horizonS: number): [number, number] {
  if (w === undefined) return [0, horizonS];
  const m = /^\s*([0-9.eE+-]*)\s*:\s*([0-9.eE+-]*)\s*$/.exec(w);
  const a = m !== null ? (m[1] === '' ? 0 : Number(m[1])) : NaN;
  const b = m !== null ? (m[2] === '' ? horizonS : Number(m[2])) : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(b > a) || a < 0) {
    throw new CliError(`--window must be A:B seconds with 0 ≤ A < B (got '${w}')`, 2);
  }
  return [a, b];
}

/** Writes to `<file>.tmp-<pid>` in the same directory and renames over `file`. */
class AtomicWriter {
  private readonly tmp: string;
  private readonly fd: number;
  private chunks: string[] = [];
  private size = 0;
  constructor(private readonly file: string) {
    this.tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
    this.fd = fs.openSync(this.tmp, 'w');
  }
  write(s: string): void {
    this.chunks.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  private flush(): void {
    if (this.chunks.length > 0) fs.writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }
  commit(): void {
    this.flush();
    fs.closeSync(this.fd);
    fs.renameSync(this.tmp, this.file);
  }
  abort(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    fs.rmSync(this.tmp, { force: true });
  }
}

/**
 * Commits the records and writes the result; an I/O failure (disk full, the folder removed
 * meanwhile) is a user-facing error and leaves no temp file behind.
 */
function writeOutputs(
  records: AtomicWriter | undefined,
  out: string | undefined,
  result: RunResult,
  trace?: { file: string; data: Timeline },
): void {
  let w: AtomicWriter | undefined;
  let t: AtomicWriter | undefined;
  try {
    records?.commit();
    if (out !== undefined) {
      w = new AtomicWriter(out);
      w.write(resultToJson(result));
      w.commit();
    }
    if (trace !== undefined) {
      t = new AtomicWriter(trace.file);
      t.write(JSON.stringify(trace.data));
      t.commit();
    }
  } catch (err) {
    records?.abort();
    w?.abort();
    t?.abort();
    throw new CliError(`cannot write the results: ${err instanceof Error ? err.message : String(err)}`, 1);
  }
}

const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const ms = (x: number): string => (x === Infinity ? '∞' : Number.isFinite(x) ? (x * 1000).toFixed(1) : '-');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '))
    .join('\n');
}

export function summaryText(r: RunResult): string {
  const head = [
    'service',
    'offered',
    'ok',
    'late',
    'dropped',
    'failed',
    'inflight',
    'goodput/s',
    'attain',
    'TTFT p50 ms',
    'TTFT p99 ms',
    'E2E p50 ms',
    'E2E p99 ms',
    'E2E p99 incl. drops ms',
  ];
  const rows = [
    head,
    ...Object.entries(r.services).map(([name, s]) => [
      name,
      String(s.offered),
      String(s.ok),
      String(s.late),
      String(s.dropped),
      String(s.failed),
      String(s.inflight),
      fmt(s.goodputRps),
      fmt(s.sloAttainment),
      ms(s.ttftS.p50),
      ms(s.ttftS.p99),
      ms(s.e2eS.p50),
      ms(s.e2eS.p99),
      ms(s.e2eInclDropsS.p99),
    ]),
  ];
  const t = r.totals;
  rows.push([
    'all (req-weighted)',
    String(t.offered),
    String(t.ok),
    String(t.late),
    String(t.dropped),
    String(t.failed),
    String(t.inflight),
    fmt(t.goodputRps),
    fmt(t.sloAttainment),
    '',
    '',
    '',
    '',
    '',
  ]);
  const dev = [
    ['device', 'type', 'util', 'energy kJ'],
    ...Object.entries(r.devices).map(([id, d]) => [
      id,
      d.type,
      fmt(d.utilization),
      d.energyJ === null ? '-' : fmt(d.energyJ / 1000, 1),
    ]),
  ];
  const lines = [
    `scenario ${r.scenario}  policy ${r.policy}  seed ${r.seed}  horizon ${r.horizonS} s`,
    '',
    table(rows),
    '',
    table(dev),
  ];
  const eng = r.engine;
  if (eng !== undefined && Object.keys(eng.services).length > 0) {
    lines.push(
      '',
      table([
        ['LLM engine', 'mean batch', 'KV util', 'preemptions'],
        ...Object.entries(eng.services).map(([name, e]) => [
          name,
          fmt(e.meanRunningBatch, 2),
          fmt(e.kvUtilization),
          String(e.preemptions),
        ]),
      ]),
    );
    const multi = Object.entries(eng.lanes).filter(([, l]) => l.length > 1);
    if (multi.length > 0)
      lines.push('', 'GPU lane busy:', ...multi.map(([id, l]) => `  ${id}: ${l.map((b) => fmt(b)).join(' ')}`));
  }
  return `${lines.join('\n')}\n`;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <scenario>',
  describe: 'Simulate one scenario and print a summary (JSON with --out).',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML' })
      .option('seed', {
        type: 'string',
        coerce: (s: string) => parseSeed(s),
        describe: "root seed (default: the scenario's)",
      })
      .option('policy', { type: 'string', describe: `policy override: ${POLICY_NAMES.join(', ')}` })
      .option('policy-module', {
        type: 'string',
        describe: 'policy override: an ES module exporting a policy factory (docs/writing-a-policy.md)',
      })
      .option('out', { type: 'string', describe: 'write the canonical result JSON here' })
      .option('records', { type: 'string', describe: 'write one JSON line per request here' })
      .option('catalog', {
        type: 'string',
        describe: 'catalog file (YAML devices/models/links/profiles, or a profile CSV) extending the built-in one',
      })
      .option('timeline', {
        type: 'string',
        describe: 'write a Perfetto / chrome://tracing trace (engine steps, requests, transfers) here',
      })
      .option('window', { type: 'string', describe: 'with --timeline: only this window of simulated seconds, A:B' }),
  handler: async (args) => {
    checkOutputPath(args.out, '--out');
    checkOutputPath(args.records, '--records');
    if (args.out !== undefined && args.records !== undefined && path.resolve(args.out) === path.resolve(args.records)) {
      throw new CliError('--out and --records name the same file', 2);
    }
    checkOutputPath(args.timeline, '--timeline');
    const extra = args.catalog !== undefined ? loadCatalogFile(args.catalog, builtinCatalog()) : undefined;
    if (extra !== undefined && !extra.ok) throw new CliError(formatIssues(extra.issues), 1);
    const loaded = loadScenario(args.scenario, extra?.ok === true ? { catalog: extra.value } : {});
    if (!loaded.ok) throw new CliError(formatIssues(loaded.issues), 1);
    const scenario = loaded.value;
    if (args.policy !== undefined && !isPolicyName(args.policy)) {
      throw new CliError(`unknown policy '${args.policy}'; valid: ${POLICY_NAMES.join(', ')}`, 2);
    }
    if (args.policy !== undefined && args['policy-module'] !== undefined)
      throw new CliError('give either --policy or --policy-module, not both', 2);
    const policy =
      args.policy !== undefined
        ? policyChoiceFor(scenario, args.policy)
        : args['policy-module'] !== undefined
          ? moduleChoice(args['policy-module'], scenario.policy)
          : undefined;
    const created = await createPolicy(policy ?? scenario.policy);
    if (!created.ok) throw new CliError(created.issues.join('\n'), args['policy-module'] !== undefined ? 2 : 1);
    if (args.window !== undefined && args.timeline === undefined)
      throw new CliError('--window needs --timeline FILE', 2);
    const timeline =
      args.timeline !== undefined ? new Timeline(scenario, ...parseWindow(args.window, scenario.horizonS)) : undefined;
    const recordsOut = args.records !== undefined ? new AtomicWriter(args.records) : undefined;
    const tty = process.stderr.isTTY === true;
    let lastShown = 0;
    const progress = (f: number): void => {
      const pct = Math.round(f * 100);
      if (tty) process.stderr.write(`\rsimulating ${pct}%`);
      else if (pct >= lastShown + 25) {
        process.stderr.write(`simulating ${pct}%\n`);
        lastShown = pct;
      }
    };
    const t0 = performance.now();
    let result: RunResult;
    try {
      result = simulate(scenario, {
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(policy !== undefined ? { policy } : {}),
        policyImpl: created.value,
        ...(recordsOut !== undefined
          ? { records: (r: RequestRecord) => recordsOut.write(`${JSON.stringify(r)}\n`) }
          : {}),
        ...(timeline !== undefined ? { timeline } : {}),
        progress,
      });
    } catch (err) {
      recordsOut?.abort();
      // A trace reader's error already reads `file:row:column: what`.
      if (err instanceof TraceFormatError) throw new CliError(`trace error: ${err.message}`, 1);
      throw err;
    }
    if (tty) process.stderr.write('\n');
    writeOutputs(
      recordsOut,
      args.out,
      result,
      timeline !== undefined ? { file: args.timeline!, data: timeline } : undefined,
    );
    process.stdout.write(summaryText(result));
    // Notes say why (starved service, no ready instance, busy link, overload): on stderr, beside progress.
    for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
    process.stderr.write(`wall time ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
  },
};
