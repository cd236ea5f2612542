/**
 * `parasim profile --agent URL --model M --kind llm|segmentation --device-type T --out profile.csv`:
 * measures latency vs batch / prompt length on a live agent into the profile-table CSV the
 * simulator reads, in the catalog row format (`device, model, batch, prompt_tokens,
 * prefill_tok_s, decode_tok_s, …`; runtime/profile/profiler.ts says what each row measures).
 * `--overhead-out` also writes the agent round trip per payload size (runtime/profile/round-trip.ts).
 */
import type { CommandModule } from 'yargs';
import { DEFAULT_PLAN, fitOverhead, profileDevice, writeOverheadCsv, writeProfileCsv } from '../../runtime/index.js';
import { CliError } from '../cli-error.js';
import { checkOutputPath } from '../output-path.js';

interface ProfileArgs {
  agent: string;
  token?: string;
  model: string;
  kind: 'llm' | 'segmentation';
  'device-type': string;
  'model-key'?: string;
  out: string;
  batches: string;
  prompts: string;
  'output-tokens': number;
  frame: string;
  repeats: number;
  'decode-prompts'?: string;
  'overhead-out'?: string;
}

function intList(flag: string, text: string): number[] {
  const xs = text.split(',').map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1))
    throw new CliError(`--${flag} ${text}: expected comma-separated integers ≥ 1, e.g. 1,2,4`, 2);
  return xs;
}

export const profileCommand: CommandModule<object, ProfileArgs> = {
  command: 'profile',
  describe: 'Measure a model on a live agent into a profile-table CSV for the simulator',
  builder: (y) =>
    y
      .option('agent', { type: 'string', demandOption: true, describe: 'agent base URL, e.g. http://127.0.0.1:7301' })
      .option('token', { type: 'string', describe: 'bearer token (default: env PARASIM_AGENT_TOKEN)' })
      .option('model', {
        type: 'string',
        demandOption: true,
        describe: 'model name on the agent (onnx: lm-tiny, seg-small, …)',
      })
      .option('kind', { choices: ['llm', 'segmentation'] as const, demandOption: true })
      .option('device-type', { type: 'string', demandOption: true, describe: 'catalog device type the rows describe' })
      .option('model-key', { type: 'string', describe: 'catalog model key the rows describe (default: --model)' })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'profile CSV to write (catalog profile rows: load with --catalog or catalog.profiles)',
      })
      .option('batches', { type: 'string', default: DEFAULT_PLAN.batches.join(','), describe: 'batch sizes' })
      .option('prompts', {
        type: 'string',
        default: DEFAULT_PLAN.promptTokens.join(','),
        describe: 'LLM prefill prompt lengths',
      })
      .option('output-tokens', {
        type: 'number',
        default: DEFAULT_PLAN.outputTokens,
        describe: 'LLM decode tokens per request',
      })
      .option('frame', {
        type: 'string',
        default: `${DEFAULT_PLAN.frameWidth}x${DEFAULT_PLAN.frameHeight}`,
        describe: 'segmentation frame WxH',
      })
      .option('repeats', { type: 'number', default: DEFAULT_PLAN.repeats, describe: 'measurements per point (median)' })
      .option('decode-prompts', {
        type: 'string',
        describe: 'LLM: also measure each decode batch at these prompt lengths (default: the first --prompts only)',
      })
      .option('overhead-out', {
        type: 'string',
        describe: 'also measure the agent round trip per payload size into this CSV',
      }),
  handler: async (args) => {
    const token = args.token ?? process.env['PARASIM_AGENT_TOKEN'];
    if (token === undefined || token === '')
      throw new CliError('profile: no token: pass --token or set PARASIM_AGENT_TOKEN', 2);
    checkOutputPath(args.out, '--out');
    const frame = /^(\d+)x(\d+)$/.exec(args.frame);
    if (frame === null) throw new CliError(`--frame ${args.frame}: expected WxH, e.g. 64x64`, 2);
    if (!Number.isInteger(args.repeats) || args.repeats < 1)
      throw new CliError(`--repeats ${args.repeats}: expected an integer ≥ 1`, 2);
    const url = args.agent.replace(/\/+$/, '');
    const run = await profileDevice(
      { url, token },
      {
        kind: args.kind,
        model: args.model,
        deviceType: args['device-type'],
        batches: intList('batches', args.batches),
        promptTokens: intList('prompts', args.prompts),
        outputTokens: args['output-tokens'],
        frameWidth: Number(frame[1]),
        frameHeight: Number(frame[2]),
        repeats: args.repeats,
        sourceLabel: `measured: parasim profile ${url} ${args.model} ${new Date().toISOString().slice(0, 10)}`,
        ...(args['decode-prompts'] !== undefined
          ? { decodePromptTokens: intList('decode-prompts', args['decode-prompts']) }
          : {}),
        roundTrip: args['overhead-out'] !== undefined,
      },
      (m) => process.stderr.write(`profile: ${m}\n`),
    ).catch((e: unknown) => {
      throw new CliError(`profile: ${e instanceof Error ? e.message : String(e)}`, 1);
    });
    writeProfileCsv(args.out, args['model-key'] ?? args.model, run.rows);
    process.stderr.write(`profile: wrote ${run.rows.length} rows to ${args.out}\n`);
    const overheadOut = args['overhead-out'];
    if (overheadOut !== undefined) {
      writeOverheadCsv(overheadOut, run.overhead);
      const fit = fitOverhead(run.overhead);
      const line =
        fit === null
          ? 'no points'
          : `${(fit.interceptS * 1000).toFixed(2)} ms + ${(fit.perByteS * 1e9).toFixed(3)} ns/B (max residual ${(fit.maxResidualS * 1000).toFixed(2)} ms over ${fit.points} sizes)`;
      process.stderr.write(`profile: round trip ${line}; wrote ${run.overhead.length} rows to ${overheadOut}\n`);
    }
  },
};
