/** Every `parasim` command, one module each. Add a command = one file + one line here. */
import type { CommandModule } from 'yargs';
import { benchCommand } from './bench.js';
import { runCommand } from './run.js';
import { policiesCommand } from './policies.js';
import { reportCommand } from './report.js';
import { traceInfoCommand } from './trace-info.js';
import { sweepCommand } from './sweep.js';
import { mergeCommand } from './merge.js';
import { startCommand } from './start.js';
import { agentCommand } from './agent.js';
import { replayCommand } from './replay.js';
import { testbedCommand } from './testbed.js';
import { serialEmulatorCommand } from './serial-emulator.js';
import { workerCommand } from './worker.js';
import { profileCommand } from './profile.js';
import { checkCommand, schemaCommand } from './schema.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: ReadonlyArray<CommandModule<any, any>> = [
  benchCommand,
  runCommand,
  policiesCommand,
  reportCommand,
  traceInfoCommand,
  sweepCommand,
  mergeCommand,
  startCommand,
  agentCommand, serialEmulatorCommand,
  workerCommand,
  profileCommand,
  testbedCommand, replayCommand,
  schemaCommand, checkCommand,
];
