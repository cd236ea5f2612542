/**
 * Results JSONL: one line per cell, `{"key","cell","result"}` or `{"key","cell","error"}`.
 * Lines are composed once and kept as strings, so a file rewritten in canonical order, a resumed
 * file and a merge of shards hold exactly the bytes a single uninterrupted run writes.
 * A killed writer leaves at most one partial last line; `readResultLines` drops it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CellInfo } from './cells.js';
import { isPlainObject } from '../scenarios/index.js';

export interface ResultLine {
  readonly key: string;
  readonly cell: CellInfo;
  readonly failed: boolean;
  /** The exact line text, without its newline. */
  readonly text: string;
}

/** `resultJson` is the canonical result as compact JSON (see sim/metrics canonicalJson). */
export function resultLineText(key: string, cell: CellInfo, resultJson: string): string {
  return `{"key":${JSON.stringify(key)},"cell":${JSON.stringify(cell)},"result":${resultJson}}`;
}

export function errorLineText(key: string, cell: CellInfo, message: string): string {
  return `{"key":${JSON.stringify(key)},"cell":${JSON.stringify(cell)},"error":${JSON.stringify({ message })}}`;
}

export type ReadOutcome =
  | { readonly ok: true; readonly lines: readonly ResultLine[]; readonly droppedPartial: boolean }
  | { readonly ok: false; readonly message: string };

function parseLine(text: string): ResultLine | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isPlainObject(v) || typeof v['key'] !== 'string' || !isPlainObject(v['cell'])) return null;
  const c = v['cell'];
  if (typeof c['index'] !== 'number' || typeof c['total'] !== 'number' || typeof c['sweep'] !== 'string') return null;
  return { key: v['key'], cell: c as unknown as CellInfo, failed: 'error' in v, text };
}

/**
 * Complete lines of a results file. An unterminated last line (a killed writer) is dropped when
 * `allowPartial`; any other unreadable line is an error naming file and line number.
 */
export function readResultLines(file: string, allowPartial: boolean): ReadOutcome {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, message: `${file}: cannot read: ${(err as Error).message}` };
  }
  const parts = text.split('\n');
  const tail = parts.pop() ?? '';
  let droppedPartial = false;
  if (tail.trim() !== '') {
    if (!allowPartial)
      return {
        ok: false,
        message: `${file}:${parts.length + 1}: incomplete last line (an interrupted run? resume it with --resume)`,
      };
    droppedPartial = true;
  }
  const lines: ResultLine[] = [];
  for (const [i, t] of parts.entries()) {
    // Blank lines (an editor's trailing newline) carry no cell; every other line must be one.
    if (t.trim() === '') continue;
    const line = parseLine(t);
    if (line === null) return { ok: false, message: `${file}:${i + 1}: not a sweep result line` };
    lines.push(line);
  }
  return { ok: true, lines, droppedPartial };
}

/** Writes lines (sorted by cell index) to a temp file beside `file` and renames it over. */
export function writeLinesAtomically(file: string, lines: readonly ResultLine[]): void {
  const sorted = [...lines].sort((a, b) => a.cell.index - b.cell.index);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, sorted.map((l) => `${l.text}\n`).join(''));
  fs.renameSync(tmp, file);
}

export type MergeOutcome =
  | { readonly ok: true; readonly lines: readonly ResultLine[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Checks that the parts form one whole sweep: one sweep hash and total, every index in
 * [0, total) exactly once. Returns the lines in canonical order.
 */
export function mergeParts(
  parts: ReadonlyArray<{ readonly file: string; readonly lines: readonly ResultLine[] }>,
): MergeOutcome {
  const problems: string[] = [];
  const all = parts.flatMap((p) => p.lines.map((l) => ({ file: p.file, line: l })));
  if (all.length === 0) return { ok: false, problems: ['no result lines in the parts'] };
  const first = all[0]!;
  const { sweep, total } = first.line.cell;
  for (const { file, line } of all) {
    if (line.cell.sweep !== sweep) {
      problems.push(
        `${file}: cell ${line.cell.index} is from another sweep (${line.cell.sweep}, expected ${sweep} as in ${first.file})`,
      );
      break;
    }
    if (line.cell.total !== total) {
      problems.push(
        `${file}: cell ${line.cell.index} says the sweep has ${line.cell.total} cells, ${first.file} says ${total}`,
      );
      break;
    }
  }
  const where = new Map<number, string>();
  for (const { file, line } of all) {
    const prev = where.get(line.cell.index);
    if (prev !== undefined) problems.push(`cell ${line.cell.index} appears twice (${prev} and ${file})`);
    else where.set(line.cell.index, file);
  }
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!where.has(i)) missing.push(i);
  if (missing.length > 0) {
    const shown = missing.slice(0, 20).join(', ');
    problems.push(`${missing.length} of ${total} cells missing: ${shown}${missing.length > 20 ? ', …' : ''}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, lines: all.map((x) => x.line).sort((a, b) => a.cell.index - b.cell.index) };
}
