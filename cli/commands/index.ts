/** Every `parasim` command, one module each. Add a command = one file + one line here. */
import type { CommandModule } from 'yargs';
import { benchCommand } from './bench.js';
import { policiesCommand } from './policies.js';
import { reportCommand } from './report.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: ReadonlyArray<CommandModule<any, any>> = [
  benchCommand,
  policiesCommand,
  reportCommand,
];
