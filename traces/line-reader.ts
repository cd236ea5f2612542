/**
 * Synchronous, chunked line reader: the file is read with `readSync` in 1 MiB chunks and split
 * into lines on demand, so memory stays bounded by one chunk plus the longest line whatever the
 * file size. Handles LF and CRLF line ends, a missing final newline and a UTF-8 BOM. A record
 * is one physical line (no quoted newlines inside fields).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 1 << 20;

export class LineReader {
  /** 1-based number of the line last returned by `next` (0 before the first). */
  lineNo = 0;
  private fd: number | undefined;
  private readonly chunk: Buffer;
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  private pos = 0;
  private eof = false;

  /** Opens `path`; throws the fs error (ENOENT, EISDIR, …) for the caller to wrap. */
  constructor(path: string, chunkBytes = CHUNK_BYTES) {
    this.fd = openSync(path, 'r');
    this.chunk = Buffer.allocUnsafe(chunkBytes);
  }

  /** The next line without its line end, or undefined at end of file. */
  next(): string | undefined {
    for (;;) {
      const nl = this.text.indexOf('\n', this.pos);
      if (nl >= 0) {
        const end = nl > this.pos && this.text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        const line = this.text.slice(this.pos, end);
        this.pos = nl + 1;
        return this.emit(line);
      }
      if (this.eof) {
        if (this.pos >= this.text.length) return undefined;
        let line = this.text.slice(this.pos);
        this.pos = this.text.length;
        if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
        return this.emit(line);
      }
      this.fill();
    }
  }

  close(): void {
    this.closeFd();
    this.eof = true;
    this.text = '';
    this.pos = 0;
  }

  private emit(line: string): string {
    this.lineNo++;
    // A UTF-8 byte-order mark would otherwise glue itself to the first header name.
    if (this.lineNo === 1 && line.charCodeAt(0) === 0xfeff) return line.slice(1);
    return line;
  }

  private fill(): void {
    if (this.fd === undefined) {
      this.eof = true;
      return;
    }
    const n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
    const rest = this.text.slice(this.pos);
    this.pos = 0;
    if (n === 0) {
      this.text = rest + this.decoder.end();
      this.eof = true;
      this.closeFd();
    } else {
      this.text = rest + this.decoder.write(this.chunk.subarray(0, n));
    }
  }

  private closeFd(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
