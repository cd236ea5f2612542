#!/usr/bin/env node
/**
 * `parasim` — one binary, one yargs command module per file in cli/commands/. Thin glue: parse
 * arguments, call the library, print, and choose the exit code. Only cli/ exits the process.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { CommandModule } from 'yargs';
import { commandsFor } from './commands/index.js';
import { CliError } from './cli-error.js';

async function main(): Promise<void> {
  const argv = hideBin(process.argv);
  let cli = yargs(argv)
    .scriptName('parasim')
    .strict()
    .demandCommand(1, 'Name a command; `parasim --help` lists them.')
    .recommendCommands()
    .help()
    .fail((msg, err) => {
      // yargs wraps what an option's `coerce` throws (cli/args.ts checks) in a YError: a usage error.
      if (err?.name === 'YError') throw new CliError(err.message, 2);
      throw err ?? new CliError(msg, 2);
    });
  for (const command of await commandsFor(argv)) cli = cli.command(command as CommandModule);
  await cli.parseAsync();
}

main().catch((err: unknown) => {
  if (err instanceof CliError) {
    process.stderr.write(`parasim: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(
      `parasim: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 70;
  }
});
