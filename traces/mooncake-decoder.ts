/**
 * Mooncake JSONL traces: one object per line, `{"timestamp": ms from start, "input_length",
 * "output_length", "hash_ids": [...]}`. Many requests share a timestamp (ties are in order).
 * JSON.parse per line is simple and, at Mooncake's sizes (tens of thousands of rows), cheap;
 * `hash_ids` (prefix-cache block ids) are not used by the arrival stream.
 */
import type { MutableArrival } from './types.js';
import type { LineDecoder } from './row-decoders.js';
import { FieldError } from './trace-error.js';

export class MooncakeDecoder implements LineDecoder {
  readonly hasHeader = false;
  readonly expected = 'one JSON object per line with "timestamp" (ms), "input_length", "output_length"';
  readonly timeColumn = 1;

  header(): string | undefined {
    return undefined;
  }

  decode(line: string, out: MutableArrival): boolean {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      const at = /position (\d+)/.exec(e instanceof Error ? e.message : '');
      throw new FieldError(
        at === null ? 1 : +at[1]! + 1,
        `not valid JSON (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
      throw new FieldError(1, 'expected a JSON object');
    const rec = obj as Record<string, unknown>;
    out.timeS = field(rec, line, 'timestamp', false) / 1000;
    out.promptTokens = field(rec, line, 'input_length', true);
    out.outputTokens = field(rec, line, 'output_length', true);
    return true;
  }
}

/** A numeric key; the error column is the 1-based position of the key in the line. */
function field(rec: Record<string, unknown>, line: string, key: string, count: boolean): number {
  const v = rec[key];
  const ok = typeof v === 'number' && Number.isFinite(v) && (!count || (Number.isInteger(v) && v >= 0));
  if (ok) return v;
  const at = line.indexOf(`"${key}"`);
  const what = count ? 'a non-negative integer' : 'a number';
  const got = v === undefined ? 'missing' : `got ${JSON.stringify(v)}`;
  throw new FieldError(at < 0 ? 1 : at + 1, `key "${key}": expected ${what}, ${got}`);
}
