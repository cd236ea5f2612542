/**
 * The GGUF container (v3), as llama.cpp reads it (ggml/docs/gguf.md): little-endian header
 * `GGUF`, version, tensor count, metadata count; typed key/value metadata; tensor infos (name,
 * dims innermost first, ggml type, offset into the data section); padding to `general.alignment`;
 * the tensor data. Only what the writer and the file check need: scalar, string and array values,
 * and the ggml types F32, F16, Q4_0, Q8_0 with their block sizes.
 */

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_ALIGNMENT = 32;

/** gguf_type codes of metadata values. */
export const VT = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  str: 8,
  arr: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

export type MetaValue =
  | { readonly t: 'u32'; readonly v: number }
  | { readonly t: 'i32'; readonly v: number }
  | { readonly t: 'f32'; readonly v: number }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'strs'; readonly v: readonly string[] }
  | { readonly t: 'f32s'; readonly v: readonly number[] }
  | { readonly t: 'i32s'; readonly v: readonly number[] };

/** ggml tensor types used here: code, weights per block, bytes per block. */
export const GGML_TYPES = {
  f32: { code: 0, blockWeights: 1, blockBytes: 4 },
  f16: { code: 1, blockWeights: 1, blockBytes: 2 },
  q4_0: { code: 2, blockWeights: 32, blockBytes: 18 }, // fp16 scale + 32 × 4 bit
  q8_0: { code: 8, blockWeights: 32, blockBytes: 34 }, // fp16 scale + 32 × int8
} as const;
export type GgmlType = keyof typeof GGML_TYPES;

const GGML_BY_CODE: ReadonlyMap<number, { readonly blockWeights: number; readonly blockBytes: number }> = new Map(
  Object.values(GGML_TYPES).map((t) => [t.code, t]),
);

/** Block layout of a ggml type code, when it is one of those above (the check tolerates others as unknown). */
export function ggmlBlock(code: number): { readonly blockWeights: number; readonly blockBytes: number } | undefined {
  return GGML_BY_CODE.get(code);
}

export function tensorBytes(type: GgmlType, dims: readonly number[]): number {
  const t = GGML_TYPES[type];
  const n = dims.reduce((a, b) => a * b, 1);
  if (dims[0]! % t.blockWeights !== 0)
    throw new Error(`a ${type} tensor needs its first dimension divisible by ${t.blockWeights}, got ${dims[0]}`);
  return (n / t.blockWeights) * t.blockBytes;
}

export const alignUp = (x: number, a: number = GGUF_ALIGNMENT): number => Math.ceil(x / a) * a;

/** Appends little-endian values to a growing list of buffers (the header is a few hundred kB at most). */
export class ByteSink {
  private readonly parts: Buffer[] = [];
  length = 0;

  private push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v | 0);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  bool(v: boolean): void {
    this.push(Buffer.from([v ? 1 : 0]));
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  zeros(n: number): void {
    if (n > 0) this.push(Buffer.alloc(n));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function writeMeta(out: ByteSink, key: string, m: MetaValue): void {
  out.str(key);
  switch (m.t) {
    case 'u32':
      out.u32(VT.u32);
      out.u32(m.v);
      return;
    case 'i32':
      out.u32(VT.i32);
      out.i32(m.v);
      return;
    case 'f32':
      out.u32(VT.f32);
      out.f32(m.v);
      return;
    case 'bool':
      out.u32(VT.bool);
      out.bool(m.v);
      return;
    case 'str':
      out.u32(VT.str);
      out.str(m.v);
      return;
    case 'strs':
      out.u32(VT.arr);
      out.u32(VT.str);
      out.u64(m.v.length);
      for (const s of m.v) out.str(s);
      return;
    case 'f32s':
      out.u32(VT.arr);
      out.u32(VT.f32);
      out.u64(m.v.length);
      for (const x of m.v) out.f32(x);
      return;
    case 'i32s':
      out.u32(VT.arr);
      out.u32(VT.i32);
      out.u64(m.v.length);
      for (const x of m.v) out.i32(x);
      return;
  }
}

/** IEEE half-precision bits of a normal, finite `x` (round to nearest); enough for weight scales. */
export function f16Bits(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7bff;
  const mant = (u >>> 13) & 0x3ff;
  const round = (u >>> 12) & 1;
  return (sign | (exp << 10) | mant) + round;
}
