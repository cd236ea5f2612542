/**
 * `parasim testbed up|down|status <testbed.yaml>` — the loopback testbed (docs/testbed.md). Thin
 * glue over runtime/controller's launcher: agents run this same binary (`parasim agent`), as
 * detached processes that outlive this command until `down`.
 */
import type { CommandModule } from 'yargs';
import { formatIssues } from '../../scenarios/index.js';
import { loadTestbedSpec, testbedDown, testbedStatus, testbedUp, type TestbedSpec } from '../../runtime/index.js';
import { positiveNumber } from '../args.js';
import { CliError } from '../cli-error.js';
import { checkOutputDir } from '../output-path.js';

interface TestbedArgs {
  action: 'up' | 'down' | 'status';
  testbed: string;
  'run-dir'?: string;
  'timeout-s': number;
  json: boolean;
}

/** How to run this binary again (for the agents it launches): node, its flags, main.js. */
export function selfCommand(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]!];
}

export function loadSpecOrThrow(file: string, runDir?: string): TestbedSpec {
  const spec = loadTestbedSpec(file, runDir);
  if (!spec.ok) throw new CliError(formatIssues(spec.issues), 1);
  return spec.value;
}

/**
 * Runs `body` with the testbed's agents started first when `start` is set (`--start-testbed`),
 * and stops exactly the agents it started afterwards — also on Ctrl-C (exit 130), so a replay or
 * validation never leaves orphan agents behind. Agents that were already up are left alone.
 */
export async function withTestbed<T>(
  spec: TestbedSpec,
  start: boolean,
  log: (line: string) => void,
  body: () => Promise<T>,
): Promise<T> {
  let started: readonly string[] = [];
  const stopStarted = async (): Promise<void> => {
    if (started.length > 0) {
      await testbedDown(spec, started);
      log(`stopped the agents this run started: ${started.join(', ')}`);
    }
    started = [];
  };
  const onSigint = (): void => {
    void stopStarted().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  try {
    if (start) {
      const up = await testbedUp(spec, { command: selfCommand(), log });
      if (up.ok) started = up.started;
      else {
        await testbedDown(spec);
        throw new CliError(`cannot start testbed ${spec.name}: ${up.message}`, 1);
      }
    }
    return await body();
  } finally {
    process.removeListener('SIGINT', onSigint);
    await stopStarted();
  }
}

export const testbedCommand: CommandModule<object, TestbedArgs> = {
  command: 'testbed <action> <testbed>',
  describe: 'Start, stop or check the local agents of a testbed YAML',
  builder: (y) =>
    y
      .positional('action', { choices: ['up', 'down', 'status'] as const, demandOption: true })
      .positional('testbed', {
        type: 'string',
        demandOption: true,
        describe: 'testbed YAML (e.g. scenarios/testbed/loopback.yaml)',
      })
      .option('run-dir', {
        type: 'string',
        describe: 'state/token/log dir (default: .parasim/testbed-<name>/ next to the YAML)',
      })
      .option('timeout-s', {
        type: 'number',
        default: 60,
        describe: "up: seconds to wait for each agent's first heartbeat",
      })
      .option('json', { type: 'boolean', default: false, describe: 'status: print JSON' }),
  handler: async (args) => {
    positiveNumber(args['timeout-s'], '--timeout-s');
    const spec = loadSpecOrThrow(args.testbed, args['run-dir']);
    if (args.action === 'up') {
      checkOutputDir(spec.runDir, 'run dir');
      const r = await testbedUp(spec, {
        command: selfCommand(),
        readyTimeoutS: args['timeout-s'],
        log: (l) => process.stderr.write(`${l}\n`),
      });
      if (!r.ok)
        throw new CliError(
          `testbed ${spec.name}: ${r.message}\n(run \`parasim testbed down ${args.testbed}\` to stop the agents that did start)`,
          1,
        );
      for (const a of r.state.agents)
        process.stdout.write(
          `${a.id}\t${a.device}\t${a.url}\tpid ${a.pid}${r.started.includes(a.id) ? '' : '\t(already running)'}\n`,
        );
      process.stderr.write(`testbed ${spec.name} up: state ${spec.runDir}/state.json\n`);
      return;
    }
    if (args.action === 'down') {
      const r = await testbedDown(spec);
      process.stdout.write(
        `stopped ${r.stopped.length}${r.killed.length > 0 ? `, killed after grace: ${r.killed.join(', ')}` : ''}\n`,
      );
      return;
    }
    const rows = await testbedStatus(spec);
    if (args.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else
      for (const s of rows)
        process.stdout.write(
          `${s.id}\t${s.device}\t${s.url}\tpid ${s.pid ?? '-'}${s.processAlive ? '' : ' (no process)'}\t${s.healthy ? 'UP' : 'DOWN'}\t${s.detail}\n`,
        );
    if (!rows.every((s) => s.healthy)) process.exitCode = 1;
  },
};
