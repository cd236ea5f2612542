/**
 * Splits one CSV line into fields (RFC 4180 quoting: a field that starts with `"` runs to the
 * matching `"`, with `""` for a literal quote). Writes into a caller-owned array and returns
 * the field count, so a reader reuses one array for every row. Lines without a quote take a
 * plain comma split. Chosen over csv-parse because it is called once per row from a synchronous
 * pull loop; see traces/README or the decision log for the measurement.
 */

/** Returns the number of fields; `fields[0..count)` hold them. Throws on an unclosed quote. */
export function splitCsvLine(line: string, fields: string[]): number {
  let count = 0;
  if (line.indexOf('"') < 0) {
    let start = 0;
    for (;;) {
      const comma = line.indexOf(',', start);
      if (comma < 0) {
        fields[count++] = line.slice(start);
        return count;
      }
      fields[count++] = line.slice(start, comma);
      start = comma + 1;
    }
  }
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) throw new UnclosedQuoteError(count + 1);
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the comma is kept verbatim (lenient).
      const comma = line.indexOf(',', i);
      fields[count++] = comma < 0 ? value + line.slice(i) : value + line.slice(i, comma);
      if (comma < 0) return count;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields[count++] = line.slice(i);
        return count;
      }
      fields[count++] = line.slice(i, comma);
      i = comma + 1;
    }
    if (i > n) return count;
  }
}

/** An opening quote without its closing quote on the same line. */
export class UnclosedQuoteError extends Error {
  constructor(readonly column: number) {
    super('unclosed quote');
    this.name = 'UnclosedQuoteError';
  }
}
