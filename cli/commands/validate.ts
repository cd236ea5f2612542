/**
 * `parasim validate <scenario.yaml> --testbed <testbed.yaml>`: profile each agent, then for each
 * policy × load simulate and replay live, and print the per-metric comparison (runtime/validate;
 * docs/validation.md). `--json` prints one JSON object instead of the table; exit code 1 when
 * `--max-goodput-error` is given and the median goodput error is above it (or undefined), or
 * `--max-p99-error` is given and the worst service's median E2E p99 error is.
 */
import type { CommandModule } from 'yargs';
import { isPolicyName, POLICY_NAMES } from '../../policies/index.js';
import { formatIssues, readScenarioObject } from '../../scenarios/index.js';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import type { RequestRecord } from '../../policies/index.js';
import {
  exceedsThreshold,
  readRecorded,
  resimulate,
  testbedFromSpec,
  validateOnTestbed,
  type CellRecordKey,
  type ValidationReport,
  validationJson,
  validationText,
  writeFileAtomic,
} from '../../runtime/index.js';
import { nonNegativeNumber, parseSeed, positiveNumber } from '../args.js';
import { withCatalogFile } from '../catalog-option.js';
import { CliError } from '../cli-error.js';
import { checkOutputPath } from '../output-path.js';
import { loadSpecOrThrow, withTestbed } from './testbed.js';

interface ValidateArgs {
  scenario: string;
  testbed: string;
  policies?: string;
  loads: string;
  seed?: number;
  'horizon-s'?: number;
  json: boolean;
  'max-goodput-error'?: number;
  'max-p99-error'?: number;
  'profile-batches': string;
  'profile-prompts': string;
  'profile-decode-prompts'?: string;
  'round-trip': boolean;
  'round-trip-idle-ms'?: string;
  'busy-calibration-s': number;
  colocation: boolean;
  'twin-replicas'?: number;
  'live-runs': number;
  'round-trip-other-cells': boolean;
  'profile-around': boolean;
  'profile-mean': string;
  out?: string;
  'drain-s': number;
  repeats: number;
  'start-testbed': boolean;
  'run-dir'?: string;
  catalog?: string;
  trace?: string;
  'trace-format'?: string;
  'trace-service'?: string;
  'trace-start-s'?: number;
  'trace-rate'?: number;
  resimulate?: string;
  records?: string;
}

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate <scenario>',
  describe: 'Compare simulated and live (testbed) results per policy × load; JSON with --json',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML' })
      .option('testbed', { type: 'string', demandOption: true, describe: 'testbed YAML (agents per scenario device)' })
      .option('policies', {
        type: 'string',
        describe: `comma-separated policies (default: the scenario's): ${POLICY_NAMES.join(', ')}`,
      })
      .option('loads', { type: 'string', default: '1', describe: 'comma-separated load multipliers, e.g. 0.5,1,1.5' })
      .option('seed', {
        type: 'string',
        coerce: (s: string) => parseSeed(s),
        describe: "root seed (default: the scenario's)",
      })
      .option('horizon-s', { type: 'number', describe: "override the scenario's horizon_s (shorter runs)" })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object instead of the table' })
      .option('max-goodput-error', {
        type: 'number',
        describe: 'exit 1 when medianAbsGoodputError is above this fraction (e.g. 0.1)',
      })
      .option('max-p99-error', {
        type: 'number',
        describe: 'exit 1 when medianAbsE2eP99Error (worst service) is above this fraction (e.g. 0.15)',
      })
      .option('profile-batches', { type: 'string', default: '1,2,4,8', describe: 'profile: batch sizes' })
      .option('profile-prompts', {
        type: 'string',
        default: '16,64,256',
        describe: 'profile: LLM prefill prompt lengths',
      })
      .option('profile-decode-prompts', {
        type: 'string',
        describe: 'profile: also measure each decode batch at these prompt lengths',
      })
      .option('round-trip', {
        type: 'boolean',
        default: true,
        describe: 'model the measured agent round trip as link latency/bandwidth (--no-round-trip: catalog links)',
      })
      .option('round-trip-idle-ms', {
        type: 'string',
        describe:
          'also measure the round trip after these idle gaps, ms (default 20,100,300; "none": off): a request reaching an idle agent in the twin draws from them',
      })
      .option('busy-calibration-s', {
        type: 'number',
        default: 60,
        describe:
          'seconds of a calibration replay (load 1, seed + 1) that measures the round trip of requests reaching busy agents; 0: none',
      })
      .option('colocation', {
        type: 'boolean',
        default: true,
        describe:
          'measure one agent alone once; agents on one host run faster in the twin while the others are idle (--no-colocation: profile speed always)',
      })
      .option('twin-replicas', {
        type: 'number',
        describe:
          'twin runs per cell differing only in their draws of the measured overheads; each figure is their median (default 9)',
      })
      .option('profile-mean', {
        type: 'string',
        choices: ['run', 'cell'],
        default: 'run',
        describe:
          "with --profile-around: simulate every cell with the mean of all the run's profiles (run) or of the two around it (cell: a host whose speed drifts within the run)",
      })
      .option('round-trip-other-cells', {
        type: 'boolean',
        default: true,
        describe:
          "each cell's twin also draws round trips measured in the other cells' live runs, by agent state (leave one cell out; --no-round-trip-other-cells: calibration replay and profile only)",
      })
      .option('live-runs', {
        type: 'number',
        default: 1,
        describe:
          'live replays per cell with the same arrivals; each live figure is their median (a p99 of one run is one draw of its slowest requests)',
      })
      .option('profile-around', {
        type: 'boolean',
        default: false,
        describe:
          'profile again after every live cell and simulate it with the mean of the profiles before and after (a drifting shared host)',
      })
      .option('out', { type: 'string', describe: 'also write the JSON here' })
      .option('drain-s', { type: 'number', default: 30, describe: 'live: wait this long after the last arrival' })
      .option('repeats', { type: 'number', default: 3, describe: 'profile: measurements per point (median)' })
      .option('start-testbed', {
        type: 'boolean',
        default: false,
        describe: 'start agents that are not up; stop them afterwards',
      })
      .option('run-dir', { type: 'string', describe: 'testbed run dir (default: next to the testbed YAML)' })
      .option('catalog', {
        type: 'string',
        describe:
          "catalog file (YAML devices/models/links/profiles, or a profile CSV) folded into the scenario's catalog: section",
      })
      .option('trace', {
        type: 'string',
        describe: "replay this trace file in the scenario's trace service instead of its own (docs/validation.md)",
      })
      .option('trace-format', { type: 'string', describe: "--trace: its format (default: the scenario's)" })
      .option('trace-service', { type: 'string', describe: '--trace: the service (default: the only trace service)' })
      .option('trace-start-s', { type: 'number', describe: '--trace: second of the trace to start at (default 0)' })
      .option('trace-rate', {
        type: 'number',
        describe: "--trace: mean req/s over the horizon (default: the scenario's own trace's)",
      })
      .option('records', {
        type: 'string',
        describe:
          'write every request of every cell here, one JSON line each: <policy>-x<load>-live<k>.jsonl per live run and <policy>-x<load>-sim.jsonl (twin replica 0)',
      })
      .option('resimulate', {
        type: 'string',
        describe:
          'no agents: re-simulate every cell recorded in this validate --out JSON (or .json.gz) with this build and compare with its live figures (policies, loads, seed, horizon and measurements: the recorded ones)',
      }),
  handler: async (args) => {
    checkOutputPath(args.out, '--out');
    positiveNumber(args['horizon-s'], '--horizon-s');
    nonNegativeNumber(args['drain-s'], '--drain-s');
    nonNegativeNumber(args['trace-start-s'], '--trace-start-s');
    positiveNumber(args['trace-rate'], '--trace-rate');
    const read = readScenarioObject(args.scenario);
    if (!read.ok) throw new CliError(formatIssues(read.issues), 1);
    const scenario =
      args.catalog !== undefined && read.value !== null && typeof read.value === 'object' && !Array.isArray(read.value)
        ? withCatalogFile(read.value as Record<string, unknown>, args.scenario, args.catalog)
        : read.value;
    const policies = args.policies !== undefined ? list(args.policies) : undefined;
    const badPolicy = policies?.find((p) => !isPolicyName(p));
    if (badPolicy !== undefined)
      throw new CliError(`unknown policy '${badPolicy}'; valid: ${POLICY_NAMES.join(', ')}`, 2);
    const loads = list(args.loads).map(Number);
    if (loads.length === 0 || loads.some((m) => !(m > 0) || !Number.isFinite(m)))
      throw new CliError(`--loads ${args.loads}: expected positive numbers, e.g. 0.5,1,1.5`, 2);
    const max = args['max-goodput-error'];
    if (max !== undefined && !(max >= 0))
      throw new CliError(`--max-goodput-error must be ≥ 0 (a fraction), got ${max}`, 2);
    const maxP99 = args['max-p99-error'];
    if (maxP99 !== undefined && !(maxP99 >= 0))
      throw new CliError(`--max-p99-error must be ≥ 0 (a fraction), got ${maxP99}`, 2);
    const ints = (flag: string, text: string): number[] => {
      const xs = list(text).map(Number);
      if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1))
        throw new CliError(`--${flag} ${text}: expected comma-separated integers ≥ 1`, 2);
      return xs;
    };
    const batches = ints('profile-batches', args['profile-batches']);
    const prompts = ints('profile-prompts', args['profile-prompts']);
    const decodePrompts =
      args['profile-decode-prompts'] !== undefined
        ? ints('profile-decode-prompts', args['profile-decode-prompts'])
        : undefined;
    const busyS = args['busy-calibration-s'];
    if (!(busyS >= 0)) throw new CliError(`--busy-calibration-s must be ≥ 0 (seconds), got ${busyS}`, 2);
    const reps = args['twin-replicas'];
    if (reps !== undefined && !(Number.isInteger(reps) && reps >= 1))
      throw new CliError(`--twin-replicas must be an integer ≥ 1, got ${reps}`, 2);
    const liveRuns = args['live-runs'];
    if (!(Number.isInteger(liveRuns) && liveRuns >= 1))
      throw new CliError(`--live-runs must be an integer ≥ 1, got ${liveRuns}`, 2);
    const idleArg = args['round-trip-idle-ms'];
    const idleGaps =
      idleArg === undefined ? undefined : idleArg.trim() === 'none' ? [] : ints('round-trip-idle-ms', idleArg);
    if (!Number.isInteger(args.repeats) || args.repeats < 1)
      throw new CliError(`--repeats must be an integer ≥ 1, got ${args.repeats}`, 2);
    const spec = loadSpecOrThrow(args.testbed, args['run-dir']);
    const log = (l: string): void => {
      process.stderr.write(`validate: ${l}\n`);
    };
    const report = (value: ValidationReport): void => {
      const json = validationJson(value, max, maxP99);
      if (args.out !== undefined) writeFileAtomic(args.out, json);
      process.stdout.write(args.json ? json : validationText(value, max, maxP99));
      if (max !== undefined && exceedsThreshold(value.medianAbsGoodputError, max)) {
        log(`medianAbsGoodputError ${value.medianAbsGoodputError} is above --max-goodput-error ${max}`);
        process.exitCode = 1;
      }
      if (maxP99 !== undefined && exceedsThreshold(value.medianAbsE2eP99Error, maxP99)) {
        log(`medianAbsE2eP99Error ${value.medianAbsE2eP99Error} is above --max-p99-error ${maxP99}`);
        process.exitCode = 1;
      }
    };
    if (args.resimulate !== undefined) {
      const file = args.resimulate;
      let json: unknown;
      try {
        // A report kept gzipped (docs/data/*.json.gz) is read as it is.
        const raw = fs.readFileSync(file);
        json = JSON.parse((file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8'));
      } catch (e) {
        throw new CliError(`--resimulate ${file}: ${e instanceof Error ? e.message : String(e)}`, 1);
      }
      const rec = readRecorded(json, file);
      if (!rec.ok) throw new CliError(rec.issues.join('\n'), 1);
      const r = resimulate(scenario, args.scenario, testbedFromSpec(spec), rec.value, {
        ...(reps !== undefined ? { twinReplicas: reps } : {}),
        log,
      });
      if (!r.ok) throw new CliError(r.issues.join('\n'), 1);
      report(r.value);
      return;
    }
    const recordsDir = args.records;
    if (recordsDir !== undefined) fs.mkdirSync(recordsDir, { recursive: true });
    const recordLines = new Map<string, string[]>();
    const recordFile = (k: CellRecordKey): string =>
      path.join(recordsDir ?? '.', `${k.policy}-x${k.load}-${k.side === 'live' ? `live${k.run}` : 'sim'}.jsonl`);
    await withTestbed(spec, args['start-testbed'], log, async () => {
      const r = await validateOnTestbed(scenario, args.scenario, testbedFromSpec(spec), {
        ...(policies !== undefined ? { policies } : {}),
        loads,
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(args['horizon-s'] !== undefined ? { horizonS: args['horizon-s'] } : {}),
        profileGrid: {
          batches,
          promptTokens: prompts,
          outputTokens: 16,
          repeats: args.repeats,
          ...(decodePrompts !== undefined ? { decodePromptTokens: decodePrompts } : {}),
          ...(idleGaps !== undefined ? { roundTripIdleGapsMs: idleGaps } : {}),
        },
        roundTrip: args['round-trip'],
        busyCalibrationS: args['busy-calibration-s'],
        liveRuns,
        roundTripFromOtherCells: args['round-trip-other-cells'],
        colocation: args.colocation,
        ...(args['twin-replicas'] !== undefined ? { twinReplicas: args['twin-replicas'] } : {}),
        profileAround: args['profile-around'],
        profileMean: args['profile-mean'] === 'cell' ? 'cell' : 'run',
        profileLabel: `measured: parasim validate ${new Date().toISOString().slice(0, 10)}`,
        replay: { drainS: args['drain-s'] },
        ...(args.trace !== undefined
          ? {
              trace: {
                path: args.trace,
                ...(args['trace-format'] !== undefined ? { format: args['trace-format'] } : {}),
                ...(args['trace-service'] !== undefined ? { service: args['trace-service'] } : {}),
                ...(args['trace-start-s'] !== undefined ? { startS: args['trace-start-s'] } : {}),
                ...(args['trace-rate'] !== undefined ? { ratePerS: args['trace-rate'] } : {}),
              },
            }
          : {}),
        ...(recordsDir !== undefined
          ? {
              records: (k: CellRecordKey, rec: RequestRecord) => {
                const f = recordFile(k);
                const lines = recordLines.get(f) ?? [];
                recordLines.set(f, lines);
                lines.push(JSON.stringify(rec));
              },
            }
          : {}),
        log,
      }).catch((e: unknown) => {
        throw new CliError(`validate: ${e instanceof Error ? e.message : String(e)}`, 1);
      });
      if (!r.ok) throw new CliError(r.issues.join('\n'), 1);
      for (const [f, lines] of recordLines) writeFileAtomic(f, `${lines.join('\n')}\n`);
      report(r.value);
    });
  },
};
