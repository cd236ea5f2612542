/**
 * The one error a trace reader raises. `ArrivalSource.next` is synchronous and called from
 * inside event handlers, so a bad row cannot be returned as a value there; it is thrown as this
 * class, carrying the location as fields, and the CLI turns it into a clean message.
 *
 * Locations: `row` is the 1-based physical line of the file (the CSV header is row 1; a
 * JSONL file's first object is row 1); `column` is the 1-based field number in a CSV row, or
 * the 1-based character position of the offending key in a JSONL line. Row 0 / column 0 mean
 * "the file as a whole" (cannot open, empty).
 */
export class TraceFormatError extends Error {
  constructor(
    readonly file: string,
    readonly row: number,
    readonly column: number,
    /** What is wrong, without the location prefix. */
    readonly detail: string,
  ) {
    super(row > 0 ? `${file}:${row}:${column}: ${clipDetail(detail)}` : `${file}: ${clipDetail(detail)}`);
    this.name = 'TraceFormatError';
  }
}

/**
 * Thrown by a row decoder for one field; the reader adds file and row and either rethrows it as
 * a TraceFormatError or, with `skipBadRows`, counts the row and moves on.
 */
export class FieldError extends Error {
  constructor(
    readonly column: number,
    readonly detail: string,
  ) {
    super(clipDetail(detail));
    this.name = 'FieldError';
  }
}

/** A message cut to a readable length: a 3 MB field must not be echoed whole into an error. */
export function clipDetail(detail: string, max = 300): string {
  return detail.length <= max ? detail : `${detail.slice(0, max)}… (${detail.length} chars)`;
}
