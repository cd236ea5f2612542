/**
 * `parasim replay <scenario.yaml> --testbed <testbed.yaml>` — run the scenario's policy live on
 * the testbed's agents (runtime/controller `replay`): same summary on stdout and the same result
 * JSON / request records as `parasim run`. Wall-clock figures (wall time, routing decision
 * p50/p99) go to stderr and, with `--timing`, to a side JSON file — never into the result, which
 * keeps the canonical schema. `--start-testbed` launches the agents that are not up and stops
 * exactly those afterwards (also on Ctrl-C).
 */
import type { CommandModule } from 'yargs';
import type { RequestRecord } from '../../policies/index.js';
import { POLICY_NAMES, isPolicyName } from '../../policies/index.js';
import { formatIssues, loadScenario, policyChoiceFor } from '../../scenarios/index.js';
import { resultToJson } from '../../sim/index.js';
import { decisionStats, replay, testbedFromSpec, writeFileAtomic } from '../../runtime/index.js';
import { nonNegativeNumber, parseSeed, positiveNumber } from '../args.js';
import { CliError } from '../cli-error.js';
import { checkOutputPath } from '../output-path.js';
import { summaryText } from './run.js';
import { loadSpecOrThrow, withTestbed } from './testbed.js';

interface ReplayArgs {
  scenario: string;
  testbed: string;
  policy?: string;
  seed?: number;
  'time-scale': number;
  'heartbeat-s'?: number;
  'drain-s': number;
  out?: string;
  records?: string;
  timing?: string;
  'start-testbed': boolean;
  'run-dir'?: string;
}

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <scenario>',
  describe: 'Run a scenario live on a testbed of agents (same policy, wall clock); JSON with --out',
  builder: (y) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML' })
      .option('testbed', { type: 'string', demandOption: true, describe: 'testbed YAML (agents per scenario device)' })
      .option('policy', { type: 'string', describe: `policy override: ${POLICY_NAMES.join(', ')}` })
      .option('seed', {
        type: 'string',
        coerce: (s: string) => parseSeed(s),
        describe: "root seed (default: the scenario's)",
      })
      .option('time-scale', { type: 'number', default: 1, describe: 'scenario seconds per wall second' })
      .option('heartbeat-s', {
        type: 'number',
        describe: "heartbeat period (default: the policy's sync period, else 1 s)",
      })
      .option('drain-s', {
        type: 'number',
        default: 30,
        describe: 'after the last arrival, wait this long for running requests',
      })
      .option('out', { type: 'string', describe: 'write the result JSON here (same schema as `parasim run`)' })
      .option('records', { type: 'string', describe: 'write one JSON line per request here' })
      .option('timing', { type: 'string', describe: 'write wall-clock figures (routing decision p99, …) here as JSON' })
      .option('start-testbed', {
        type: 'boolean',
        default: false,
        describe: 'start agents that are not up; stop them afterwards',
      })
      .option('run-dir', { type: 'string', describe: 'testbed run dir (default: next to the testbed YAML)' }),
  handler: async (args) => {
    checkOutputPath(args.out, '--out');
    checkOutputPath(args.records, '--records');
    checkOutputPath(args.timing, '--timing');
    const loaded = loadScenario(args.scenario);
    if (!loaded.ok) throw new CliError(formatIssues(loaded.issues), 1);
    const scenario = loaded.value;
    if (args.policy !== undefined && !isPolicyName(args.policy))
      throw new CliError(`unknown policy '${args.policy}'; valid: ${POLICY_NAMES.join(', ')}`, 2);
    positiveNumber(args['time-scale'], '--time-scale');
    positiveNumber(args['heartbeat-s'], '--heartbeat-s');
    nonNegativeNumber(args['drain-s'], '--drain-s');
    const spec = loadSpecOrThrow(args.testbed, args['run-dir']);
    const log = (l: string): void => {
      process.stderr.write(`${l}\n`);
    };
    await withTestbed(spec, args['start-testbed'], log, async () => {
      const testbed = testbedFromSpec(spec);
      const records: string[] = [];
      const policy = args.policy !== undefined ? policyChoiceFor(scenario, args.policy) : undefined;
      const t0 = performance.now();
      const out = await replay(scenario, testbed, {
        ...(policy !== undefined ? { policy } : {}),
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(args['heartbeat-s'] !== undefined ? { heartbeatPeriodS: args['heartbeat-s'] } : {}),
        timeScale: args['time-scale'],
        drainS: args['drain-s'],
        log,
        ...(args.records !== undefined
          ? {
              records: (r: RequestRecord) => {
                records.push(JSON.stringify(r));
              },
            }
          : {}),
      });
      const wallS = (performance.now() - t0) / 1000;
      if (args.records !== undefined)
        writeFileAtomic(args.records, records.length > 0 ? `${records.join('\n')}\n` : '');
      if (args.out !== undefined) writeFileAtomic(args.out, resultToJson(out.result));
      process.stdout.write(summaryText(out.result));
      const d = decisionStats(out.routeDecisionS);
      const timing = {
        schema: 'parasim.replay-timing/1',
        scenario: scenario.name,
        policy: out.result.policy,
        wallTimeS: wallS,
        routingDecisions: d.count,
        routingDecisionP50Ms: d.p50Ms,
        routingDecisionP99Ms: d.p99Ms,
        routingDecisionMaxMs: d.maxMs,
        deviceEvents: out.deviceEvents,
      };
      if (args.timing !== undefined) writeFileAtomic(args.timing, `${JSON.stringify(timing, null, 2)}\n`);
      log(
        `wall time ${wallS.toFixed(2)} s; routing decision p50 ${d.p50Ms.toFixed(3)} ms, p99 ${d.p99Ms.toFixed(3)} ms, max ${d.maxMs.toFixed(3)} ms over ${d.count} requests (routingDecisionP99Ms=${d.p99Ms.toFixed(4)})`,
      );
    });
  },
};
