/**
 * Every `parasim` command, one module each, loaded on demand: the live runtime (onnxruntime,
 * serialport), the Redis queue (bullmq) and the simulator cost seconds of start-up to import, and
 * `parasim run` should not pay for `parasim agent`. Add a command = one file + one line here.
 */
import type { CommandModule } from 'yargs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;

/** First word of each command → its module. */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<readonly AnyCommand[]>>> = {
  bench: async () => [(await import('./bench.js')).benchCommand],
  run: async () => [(await import('./run.js')).runCommand],
  policies: async () => [(await import('./policies.js')).policiesCommand],
  report: async () => [(await import('./report.js')).reportCommand],
  'trace-info': async () => [(await import('./trace-info.js')).traceInfoCommand],
  sweep: async () => [(await import('./sweep.js')).sweepCommand],
  merge: async () => [(await import('./merge.js')).mergeCommand],
  start: async () => [(await import('./start.js')).startCommand],
  agent: async () => [(await import('./agent.js')).agentCommand],
  'serial-emulator': async () => [(await import('./serial-emulator.js')).serialEmulatorCommand],
  worker: async () => [(await import('./worker.js')).workerCommand],
  profile: async () => [(await import('./profile.js')).profileCommand],
  testbed: async () => [(await import('./testbed.js')).testbedCommand],
  replay: async () => [(await import('./replay.js')).replayCommand],
  validate: async () => [(await import('./validate.js')).validateCommand],
  schema: async () => [(await import('./schema.js')).schemaCommand],
  check: async () => [(await import('./schema.js')).checkCommand],
  calibrate: async () => [(await import('./calibrate.js')).calibrateCommand],
  plan: async () => [(await import('./plan.js')).planCommand],
};

/**
 * The command modules needed to parse `argv` (arguments after the script): only the named
 * command's when it is a known one, else all of them (for `--help`, and "did you mean").
 */
export async function commandsFor(argv: readonly string[]): Promise<readonly AnyCommand[]> {
  const name = argv[0];
  const one = name !== undefined ? COMMAND_LOADERS[name] : undefined;
  if (one !== undefined) return one();
  const all = await Promise.all(Object.values(COMMAND_LOADERS).map((load) => load()));
  return all.flat();
}
