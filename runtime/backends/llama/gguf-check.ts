/**
 * Checks a GGUF path before llama.cpp sees it, so a bad file is a clear error value rather than a
 * native abort: missing or unreadable, not GGUF (magic), an unsupported version, a header cut
 * short, or tensor data reaching past the end of the file (a truncated download or copy). Reads
 * the header only (at most `HEADER_LIMIT` bytes); sizes tensors of the common ggml types.
 */
import fs from 'node:fs';
import { GGUF_ALIGNMENT, GGUF_MAGIC, VT, alignUp } from './gguf-format.js';

const HEADER_LIMIT = 64 << 20;

/** ggml type code → [weights per block, bytes per block] (ggml.c type_traits), for the truncation check. */
const BLOCKS: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0, [1, 4]],
  [1, [1, 2]],
  [2, [32, 18]],
  [3, [32, 20]],
  [6, [32, 22]],
  [7, [32, 24]],
  [8, [32, 34]],
  [10, [256, 84]],
  [11, [256, 110]],
  [12, [256, 144]],
  [13, [256, 176]],
  [14, [256, 210]],
  [30, [1, 2]],
]);

export interface GgufSummary {
  readonly fileBytes: number;
  readonly architecture: string | undefined;
  readonly tensors: number;
  /** Scalar metadata (numbers, strings, booleans); arrays are skipped. */
  readonly meta: ReadonlyMap<string, number | string | boolean>;
}

export type GgufCheck = { ok: true; value: GgufSummary } | { ok: false; error: string };

class Cursor {
  o = 0;
  constructor(private readonly b: Buffer) {}
  need(n: number): void {
    if (this.o + n > this.b.length) throw new RangeError('header cut short');
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32LE(this.o);
    this.o += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = Number(this.b.readBigUInt64LE(this.o));
    this.o += 8;
    return v;
  }
  str(): string {
    const n = this.u64();
    this.need(n);
    const s = this.b.toString('utf8', this.o, this.o + n);
    this.o += n;
    return s;
  }
  skip(n: number): void {
    this.need(n);
    this.o += n;
  }
  value(t: number): number | string | boolean | undefined {
    switch (t) {
      case VT.u8:
      case VT.i8:
      case VT.bool: {
        this.need(1);
        const v = this.b[this.o]!;
        this.o += 1;
        return t === VT.bool ? v !== 0 : v;
      }
      case VT.u16:
      case VT.i16:
        this.skip(2);
        return undefined;
      case VT.u32:
        return this.u32();
      case VT.i32: {
        this.need(4);
        const v = this.b.readInt32LE(this.o);
        this.o += 4;
        return v;
      }
      case VT.f32: {
        this.need(4);
        const v = this.b.readFloatLE(this.o);
        this.o += 4;
        return v;
      }
      case VT.u64:
      case VT.i64:
        return this.u64();
      case VT.f64:
        this.skip(8);
        return undefined;
      case VT.str:
        return this.str();
      case VT.arr: {
        const et = this.u32();
        const n = this.u64();
        for (let i = 0; i < n; i++) this.value(et);
        return undefined;
      }
      default:
        throw new RangeError(`unknown metadata value type ${t}`);
    }
  }
}

export function checkGguf(file: string): GgufCheck {
  let fileBytes: number;
  let head: Buffer;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { ok: false, error: `${file}: not a regular file` };
    fileBytes = st.size;
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(Math.min(fileBytes, HEADER_LIMIT));
      fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      error:
        code === 'ENOENT'
          ? `${file}: no such file`
          : `${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (head.length < 4 || head.readUInt32LE(0) !== GGUF_MAGIC)
    return { ok: false, error: `${file}: not a GGUF file (the first 4 bytes are not "GGUF")` };
  const c = new Cursor(head);
  try {
    c.u32();
    const version = c.u32();
    if (version !== 2 && version !== 3)
      return { ok: false, error: `${file}: GGUF version ${version} is not supported (2 or 3)` };
    const tensors = c.u64();
    const kvs = c.u64();
    const meta = new Map<string, number | string | boolean>();
    for (let i = 0; i < kvs; i++) {
      const k = c.str();
      const v = c.value(c.u32());
      if (v !== undefined) meta.set(k, v);
    }
    let dataEnd = 0;
    for (let i = 0; i < tensors; i++) {
      c.str();
      const nd = c.u32();
      let n = 1;
      for (let d = 0; d < nd; d++) n *= c.u64();
      const type = c.u32();
      const offset = c.u64();
      const blk = BLOCKS.get(type);
      dataEnd = Math.max(dataEnd, offset + (blk === undefined ? 0 : Math.ceil(n / blk[0]) * blk[1]));
    }
    const align =
      typeof meta.get('general.alignment') === 'number' ? (meta.get('general.alignment') as number) : GGUF_ALIGNMENT;
    const need = alignUp(c.o, align) + dataEnd;
    if (need > fileBytes)
      return { ok: false, error: `${file}: truncated: its tensors need ${need} bytes, the file has ${fileBytes}` };
    const arch = meta.get('general.architecture');
    return { ok: true, value: { fileBytes, architecture: typeof arch === 'string' ? arch : undefined, tensors, meta } };
  } catch (err) {
    return {
      ok: false,
      error: `${file}: truncated or corrupt GGUF header (${err instanceof Error ? err.message : String(err)})`,
    };
  }
}
