/**
 * `parasim agent`: run a device agent (docs/agent-protocol.md) until SIGINT/SIGTERM. Thin glue:
 * options → backend + Agent. The token comes from --token or PARASIM_AGENT_TOKEN; without one
 * the agent refuses to start unless --insecure-no-token.
 */
import type { CommandModule } from 'yargs';
import { Agent, createBackend } from '../../runtime/index.js';
import { checkToken, positiveNumber } from '../args.js';
import { CliError } from '../cli-error.js';

export interface AgentArgs {
  port: number;
  backend: 'onnx' | 'openai' | 'serial' | 'llama';
  sequences: number;
  'context-tokens': number;
  token?: string;
  host: string;
  threads: number;
  slowdown: number;
  name?: string;
  'memory-mb'?: number;
  'insecure-no-token': boolean;
  alias?: string[];
  upstream?: string;
  'upstream-model'?: string;
  'upstream-api': 'completions' | 'chat';
  device?: string;
  baud: number;
  'serial-timeout-ms'?: number;
  'serial-retries': number;
  'max-body-bytes'?: number;
  'headers-timeout-ms'?: number;
  'request-timeout-ms'?: number;
  'serial-max-result-bytes'?: number;
}

function parseAliases(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(a);
    if (m === null) throw new CliError(`--alias ${a}: expected NAME=BUILTIN`, 2);
    out[m[1]!] = m[2]!;
  }
  return out;
}

export const agentCommand: CommandModule<object, AgentArgs> = {
  command: 'agent',
  describe: 'Run a device agent (HTTP, bearer token) on an onnx, openai, serial or llama backend',
  builder: (y) =>
    y
      .option('port', { type: 'number', demandOption: true, describe: 'TCP port (0 = any free port)' })
      .option('backend', { choices: ['onnx', 'openai', 'serial', 'llama'] as const, demandOption: true })
      .option('token', { type: 'string', describe: 'bearer token (default: env PARASIM_AGENT_TOKEN)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind' })
      .option('threads', {
        type: 'number',
        default: 1,
        describe: 'onnxruntime intraOpNumThreads; llama: llama.cpp threads (≤ cores)',
      })
      .option('sequences', {
        type: 'number',
        default: 4,
        describe: 'llama: parallel sequences per instance (continuous-batching width)',
      })
      .option('context-tokens', { type: 'number', default: 1024, describe: 'llama: context tokens per sequence' })
      .option('slowdown', {
        type: 'number',
        default: 1,
        describe: "emulated slowdown F >= 1: sleep (F-1)x each step's compute time",
      })
      .option('name', { type: 'string', describe: 'device id reported in /v1/state' })
      .option('memory-mb', { type: 'number', describe: 'memory capacity to report (default: host memory)' })
      .option('insecure-no-token', { type: 'boolean', default: false, describe: 'allow running without a token' })
      .option('alias', {
        type: 'string',
        array: true,
        describe:
          'NAME=BUILTIN: map a model name to a built-in onnx model (llama: a built-in llama model or a .gguf path)',
      })
      .option('upstream', { type: 'string', describe: 'openai: base URL, e.g. http://127.0.0.1:8080/v1' })
      .option('upstream-model', { type: 'string', describe: 'openai: model name sent upstream' })
      .option('upstream-api', { choices: ['completions', 'chat'] as const, default: 'completions' as const })
      .option('device', { type: 'string', describe: 'serial: port path, e.g. /dev/ttyUSB0' })
      .option('baud', { type: 'number', default: 115200, describe: 'serial: baud rate' })
      .option('serial-timeout-ms', { type: 'number', describe: 'serial: ack timeout per frame (default from baud)' })
      .option('serial-retries', { type: 'number', default: 5, describe: 'serial: retransmissions per frame' })
      .option('max-body-bytes', {
        type: 'number',
        describe: 'largest request body read (default 1 MiB; docs/limits.md)',
      })
      .option('headers-timeout-ms', {
        type: 'number',
        describe: 'a client must send its headers within this (default 10000)',
      })
      .option('request-timeout-ms', { type: 'number', describe: '… and its whole request within this (default 30000)' })
      .option('serial-max-result-bytes', { type: 'number', describe: 'serial: bound on one result (default 1 MiB)' }),
  handler: async (args) => {
    const token = args.token ?? process.env['PARASIM_AGENT_TOKEN'] ?? '';
    if (token === '' && !args['insecure-no-token']) {
      throw new CliError(
        'no token: give --token or set PARASIM_AGENT_TOKEN (or --insecure-no-token for a throwaway local run)',
        2,
      );
    }
    if (token !== '') checkToken(token, args.token !== undefined ? '--token' : 'PARASIM_AGENT_TOKEN');
    positiveNumber(args['memory-mb'], '--memory-mb');
    for (const f of [
      'max-body-bytes',
      'headers-timeout-ms',
      'request-timeout-ms',
      'serial-max-result-bytes',
    ] as const) {
      const v = args[f];
      if (v !== undefined && !(Number.isSafeInteger(v) && v > 0))
        throw new CliError(`--${f} must be a positive integer, got ${v}`, 2);
    }
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
      throw new CliError(`--port must be an integer 0..65535, got ${args.port}`, 2);
    if (!(args.slowdown >= 1)) throw new CliError(`--slowdown must be >= 1, got ${args.slowdown}`, 2);
    if (!Number.isInteger(args.threads) || args.threads < 1)
      throw new CliError(`--threads must be a positive integer, got ${args.threads}`, 2);
    const b = createBackend({
      kind: args.backend,
      threads: args.threads,
      aliases: parseAliases(args.alias),
      ...(args.upstream !== undefined ? { upstream: args.upstream } : {}),
      ...(args['upstream-model'] !== undefined ? { upstreamModel: args['upstream-model'] } : {}),
      upstreamApi: args['upstream-api'],
      ...(args.device !== undefined ? { device: args.device } : {}),
      baud: args.baud,
      ...(args['serial-timeout-ms'] !== undefined ? { ackTimeoutMs: args['serial-timeout-ms'] } : {}),
      retries: args['serial-retries'],
      ...(args['serial-max-result-bytes'] !== undefined ? { maxResultBytes: args['serial-max-result-bytes'] } : {}),
      sequences: args.sequences,
      contextTokens: args['context-tokens'],
      ...(args['memory-mb'] !== undefined ? { memoryBytes: args['memory-mb'] * 1024 * 1024 } : {}),
    });
    if (!b.ok) throw new CliError(b.message, 2);
    const agent = new Agent({
      backend: b.backend,
      host: args.host,
      port: args.port,
      token: token === '' ? null : token,
      threads: args.threads,
      slowdown: args.slowdown,
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args['memory-mb'] !== undefined ? { memoryBytes: args['memory-mb'] * 1024 * 1024 } : {}),
      ...(args['max-body-bytes'] !== undefined ? { maxBodyBytes: args['max-body-bytes'] } : {}),
      ...(args['headers-timeout-ms'] !== undefined ? { headersTimeoutMs: args['headers-timeout-ms'] } : {}),
      ...(args['request-timeout-ms'] !== undefined ? { requestTimeoutMs: args['request-timeout-ms'] } : {}),
    });
    let url: string;
    try {
      url = await agent.listen();
    } catch (err) {
      throw new CliError(
        `cannot listen on ${args.host}:${args.port}: ${err instanceof Error ? err.message : String(err)}`,
        1,
      );
    }
    process.stderr.write(`parasim agent: ${args.backend} backend listening on ${url}\n`);
    process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await agent.close();
  },
};
