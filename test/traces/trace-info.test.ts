/**
 * `parasim trace-info`, run in-process through yargs with the real command module (the built
 * binary also loads every other command, which may be mid-change in this tree).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { traceInfoCommand } from '../../cli/commands/trace-info.js';
import { CliError } from '../../cli/cli-error.js';

const DATA = fileURLToPath(new URL('../../traces/data/', import.meta.url));

async function run(args: string[]): Promise<{ out: string; err: unknown }> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  let err: unknown;
  try {
    await yargs(args)
      .command(traceInfoCommand)
      .strict()
      .fail((msg, e) => {
        throw e ?? new CliError(msg, 2);
      })
      .parseAsync();
  } catch (e) {
    err = e;
  } finally {
    process.stdout.write = write;
  }
  return { out, err };
}

describe('cli › trace-info › real traces', () => {
  it('prints rows, duration, mean rate and token stats of the Azure code trace', async () => {
    const { out, err } = await run([
      'trace-info',
      `${DATA}azure-llm-2023-code.csv`,
      '--format',
      'azure-llm-2023',
      '--json',
    ]);
    expect(err).toBeUndefined();
    const info = JSON.parse(out) as {
      rows: number;
      durationS: number;
      meanRatePerS: number;
      tokens: { prompt: { mean: number; max: number }; output: { mean: number } };
    };
    expect(info.rows).toBe(8819);
    expect(info.durationS).toBeCloseTo(3435.948, 3);
    expect(info.meanRatePerS).toBeCloseTo(2.567, 3); // SOURCE.md: 2.567 req/s
    expect(info.tokens.prompt.mean).toBeCloseTo(2047.8, 1);
    expect(info.tokens.prompt.max).toBe(7437);
    expect(info.tokens.output.mean).toBeCloseTo(27.9, 1);
  });
  it('prints a readable summary for the Functions trace', async () => {
    const { out } = await run([
      'trace-info',
      `${DATA}azure-functions-2021-head199.csv`,
      '--format',
      'azure-functions-2021',
    ]);
    expect(out).toContain('rows          199');
    expect(out).toContain('mean rate     0.166 req/s');
    expect(out).toContain('not recorded by this format');
  });
  it('turns a wrong header into a CliError naming the expected columns', async () => {
    const { err } = await run(['trace-info', `${DATA}azure-functions-2021-head199.csv`, '--format', 'burstgpt']);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toContain(
      'expected columns Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type',
    );
  });
});
