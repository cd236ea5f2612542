/**
 * `parasim worker --queue redis://HOST:PORT` — run queued sweep cells on this machine until
 * SIGINT/SIGTERM (then finishes its running cells). Start one per machine, any number of
 * machines; `parasim sweep <file> --queue …` enqueues and collects. docs/sweeps.md, "Queue mode".
 */
import type { CommandModule } from 'yargs';
import { availableCores } from '../../sweeps/index.js';
import { CliError } from '../cli-error.js';

interface WorkerArgs {
  queue: string;
  concurrency?: number;
  'lock-ms': number;
  'stalled-ms': number;
  'max-stalled': number;
  'poll-ms': number;
  verbose: boolean;
}

/** A worker rides out a Redis restart of up to ~30 s, then exits non-zero. */
const WORKER_RETRY = { attempts: 30, delayMs: 1000 };

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1))
    throw new CliError(`--${name} must be a positive integer (got ${v})`, 2);
}

export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'Run cells of queued sweeps (parasim sweep --queue) on this machine until stopped.',
  builder: (y) =>
    y
      .option('queue', { type: 'string', demandOption: true, describe: 'redis://HOST:PORT[/DB] of the sweep queue' })
      .option('concurrency', { type: 'number', describe: 'cells at once, one worker thread each (default: cores)' })
      .option('lock-ms', {
        type: 'number',
        default: 30_000,
        describe: "job lock; a killed worker's cells are rerun elsewhere after about this long",
      })
      .option('stalled-ms', {
        type: 'number',
        default: 15_000,
        describe: 'how often to look for cells of dead workers',
      })
      .option('max-stalled', { type: 'number', default: 2, describe: 'stalls a cell survives before it is failed' })
      .option('poll-ms', { type: 'number', default: 1000, describe: 'how often to look for new sweeps' })
      .option('verbose', { type: 'boolean', default: false, describe: 'log every cell start and end' }),
  handler: async (args) => {
    for (const n of ['concurrency', 'lock-ms', 'stalled-ms', 'max-stalled', 'poll-ms'] as const)
      positiveInt(n, args[n]);
    const { reachableOrThrow, targetOrThrow } = await import('./sweep-queue.js');
    const { WorkerHost } = await import('../../sweeps/queue/worker-host.js');
    const { queueCodeVersion } = await import('../../sweeps/queue/code-version.js');
    const target = targetOrThrow(args.queue, WORKER_RETRY);
    await reachableOrThrow(target);
    const concurrency = args.concurrency ?? availableCores();
    const log = (msg: string) => process.stderr.write(`worker: ${msg}\n`);
    const host = new WorkerHost({
      target,
      concurrency,
      codeVersion: queueCodeVersion(),
      lockMs: args['lock-ms'],
      stalledMs: args['stalled-ms'],
      maxStalled: args['max-stalled'],
      pollMs: args['poll-ms'],
      verbose: args.verbose,
      log,
    });
    log(`${concurrency} threads, code ${queueCodeVersion()}, waiting for sweeps on ${target.shown}`);
    const stop = () => {
      log('stopping after the running cells…');
      void host.stop();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    host.start();
    const err = await host.done;
    log(`${host.summary.cells} cells run${host.summary.refused > 0 ? `, ${host.summary.refused} refused` : ''}`);
    if (err !== null) throw new CliError(err.message, 1);
  },
};
