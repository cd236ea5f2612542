/**
 * `parasim merge part-*.jsonl --out results.jsonl` — join the shards of one sweep. Refuses parts
 * of different sweeps, a missing or duplicated cell, and a partial line; writes the same bytes as
 * an unsharded run (lines in cell order, atomically).
 */
import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { mergeParts, readResultLines, writeLinesAtomically, type ResultLine } from '../../sweeps/index.js';
import { CliError } from '../cli-error.js';
import { checkOutputPath } from '../output-path.js';

interface MergeArgs {
  parts: string[];
  out: string;
  force: boolean;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <parts..>',
  describe: 'Merge the shard outputs (parasim sweep --shard) of one sweep into one results file.',
  builder: (y) =>
    y
      .positional('parts', { type: 'string', array: true, demandOption: true, describe: 'part-*.jsonl files' })
      .option('out', { type: 'string', demandOption: true, describe: 'merged results JSONL' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing --out' }),
  handler: (args) => {
    checkOutputPath(args.out, '--out');
    if (fs.existsSync(args.out) && !args.force) throw new CliError(`${args.out} exists; use --force or remove it`, 1);
    const parts: Array<{ file: string; lines: readonly ResultLine[] }> = [];
    for (const file of args.parts) {
      const read = readResultLines(file, false);
      if (!read.ok) throw new CliError(read.message, 1);
      parts.push({ file, lines: read.lines });
    }
    const merged = mergeParts(parts);
    if (!merged.ok) throw new CliError(`cannot merge:\n  ${merged.problems.join('\n  ')}`, 1);
    writeLinesAtomically(args.out, merged.lines);
    const failed = merged.lines.filter((l) => l.failed).length;
    process.stderr.write(
      `${merged.lines.length} cells from ${parts.length} parts → ${args.out}${failed > 0 ? ` (${failed} failed cells)` : ''}\n`,
    );
  },
};
