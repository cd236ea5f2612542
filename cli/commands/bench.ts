/**
 * `parasim bench`: performance figures as one JSON object (`--json`) or a readable list.
 * Figures are rates measured in this run, with the reference (SimPy) measured on the same
 * machine in the same run, because absolute speeds vary several-fold between machines.
 */
import type { CommandModule } from 'yargs';
import { kernelBench } from '../bench/kernel-bench.js';
import { simpyReference } from '../bench/simpy-reference.js';
import { BENCH_LARGE, modelBench, modelBenchInProcess } from '../bench/model-bench.js';
import { extraBenches } from '../bench/extra-benches.js';

interface BenchArgs {
  json: boolean;
  part: 'all' | 'kernel' | 'model' | 'sweep' | 'queue' | 'scale' | 'scale-one';
  sites?: number;
  policy?: string;
  horizon?: number;
  repeat?: number;
  scenario: string;
  simpy: boolean;
}

function kernelFigures(withSimpy: boolean, log: (msg: string) => void): Record<string, unknown> {
  log('kernel: M/M/1 (1,000,000 customers) and hold model (100,000 pending)…');
  const kernel = kernelBench();
  if (!withSimpy) return { ...kernel };
  log('reference: SimPy M/M/1 on this machine…');
  const simpy = simpyReference();
  const ratio = simpy.simpyCustomersPerSec ? kernel.mm1CustomersPerSec / simpy.simpyCustomersPerSec : null;
  return { ...kernel, ...simpy, mm1SpeedupVsSimpy: ratio === null ? null : Number(ratio.toFixed(1)) };
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: 'Measure kernel, model and sweep performance (prints JSON with --json)',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .option('part', {
        choices: ['all', 'kernel', 'model', 'sweep', 'queue', 'scale', 'scale-one'] as const,
        default: 'all' as const,
        describe:
          'run only one part (model runs in-process; sweep = pool + trace replay; queue = BullMQ overhead; scale = generated fleets of 128, 1,024 and 10,000 devices, not part of all)',
      })
      .option('sites', { type: 'number', describe: 'scale-one: sites of 8 devices; scale: only this fleet size' })
      .option('policy', { type: 'string', describe: 'scale-one: policy' })
      .option('horizon', { type: 'number', describe: 'scale-one / scale: simulated seconds' })
      .option('repeat', { type: 'number', describe: 'scale: runs per case (best and spread reported)' })
      .option('scenario', { type: 'string', default: BENCH_LARGE, describe: 'scenario for the model figure' })
      .option('simpy', { type: 'boolean', default: true, describe: 'measure the SimPy reference (python3-simpy)' }),
  handler: async (args) => {
    if (args.part === 'model') {
      process.stdout.write(`${JSON.stringify(modelBenchInProcess(args.scenario))}\n`);
      return;
    }
    const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
    if (args.part === 'scale-one') {
      const { scaleRunInProcess } = await import('../bench/scale-bench.js');
      process.stdout.write(
        `${JSON.stringify(scaleRunInProcess(args.sites ?? 16, args.policy ?? 'least-loaded', args.horizon ?? 300))}\n`,
      );
      return;
    }
    if (args.part === 'scale') {
      const { SCALE_CASES, scaleBench, scaleTable } = await import('../bench/scale-bench.js');
      const cases = SCALE_CASES.filter((c) => args.sites === undefined || c.sites === args.sites).map((c) => ({
        sites: c.sites,
        horizonS: args.horizon ?? c.horizonS,
        repeats: args.repeat ?? c.repeats,
      }));
      const out = scaleBench(
        process.argv[1]!,
        log,
        cases.length > 0 ? cases : [{ sites: args.sites!, horizonS: args.horizon ?? 300, repeats: args.repeat ?? 1 }],
      );
      if (args.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      else
        process.stdout.write(
          `${scaleTable(out.rows)}\n\ncost ratio 1,024 vs 128 devices (CPU µs per request): ${JSON.stringify(out.costRatio1024v128)}\n`,
        );
      return;
    }
    const figures: Record<string, unknown> = {};
    if (args.part === 'all' || args.part === 'kernel') Object.assign(figures, kernelFigures(args.simpy, log));
    const queue = async (): Promise<void> => {
      Object.assign(figures, await (await import('../bench/queue-bench.js')).queueBench(log)); // BullMQ loads only here
    };
    if (args.part === 'all') {
      log('model: scenarios/bench-large.yaml in a child process…');
      Object.assign(figures, modelBench(process.argv[1]!, args.scenario));
    }
    if (args.part === 'all' || args.part === 'sweep') Object.assign(figures, await extraBenches(log));
    if (args.part === 'all' || args.part === 'queue') await queue();
    if (args.json) {
      process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    } else {
      for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(28)} ${String(v)}\n`);
    }
  },
};
