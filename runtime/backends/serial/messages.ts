/**
 * Payloads of the application frames (docs/serial-protocol.md §Messages) and the reference
 * operations a device computes. Big-endian throughout. Parsers return null on a malformed
 * payload; the reference operations are what the emulator runs and what a firmware port must
 * reproduce byte for byte.
 */
import { MAX_PAYLOAD } from './frame.js';
import { PROTOCOL_VERSION } from './frame.js';
import { crc16 } from './crc16.js';

export const Op = { INVERT: 0x01, LM_NEXT: 0x02, SEG_MASK: 0x03 } as const;
export type OpCode = (typeof Op)[keyof typeof Op];
export const ErrorCode = { UNKNOWN_OP: 1, INPUT_TOO_LARGE: 2, BAD_INPUT: 3, UNSUPPORTED: 4 } as const;
export const FLAG_MORE = 0x01;
/** INFER payload header: tag u16, flags u8, op u8. */
export const INFER_HEADER = 4;
/** RESULT payload header: tag u16, flags u8. */
export const RESULT_HEADER = 3;
/** Tag of an ERROR not tied to a request. */
export const NO_TAG = 0xffff;
/** LM_NEXT vocabulary: next token = CRC-16 of the input & 0x3FF. */
export const LM_VOCAB = 1024;

export interface Caps {
  readonly version: number;
  readonly maxPayload: number;
  /** Largest total INFER input (all chunks) the device accepts, bytes. */
  readonly maxInput: number;
  /** Pipeline latency hint, ms (sizes the host's result timeout). */
  readonly latencyMs: number;
  /** Bit (1 << op) per supported op. */
  readonly ops: number;
  readonly name: string;
}

export function encodeCaps(c: Caps): Uint8Array {
  const name = new TextEncoder().encode(c.name.slice(0, 32));
  const p = new Uint8Array(10 + name.length);
  const v = new DataView(p.buffer);
  p[0] = c.version;
  v.setUint16(1, c.maxPayload);
  v.setUint32(3, c.maxInput);
  v.setUint16(7, Math.min(0xffff, Math.round(c.latencyMs)));
  p[9] = c.ops;
  p.set(name, 10);
  return p;
}

export function decodeCaps(p: Uint8Array): Caps | null {
  if (p.length < 10) return null;
  const v = new DataView(p.buffer, p.byteOffset, p.length);
  return {
    version: p[0]!,
    maxPayload: v.getUint16(1),
    maxInput: v.getUint32(3),
    latencyMs: v.getUint16(7),
    ops: p[9]!,
    name: new TextDecoder().decode(p.subarray(10)),
  };
}

export const helloPayload = (): Uint8Array => Uint8Array.of(PROTOCOL_VERSION);

export interface Chunk {
  readonly tag: number;
  readonly more: boolean;
  readonly op: number;
  readonly data: Uint8Array;
}

/** Splits an input into INFER payloads of at most `maxPayload` bytes (at least one, even when empty). */
export function inferPayloads(tag: number, op: number, input: Uint8Array, maxPayload = MAX_PAYLOAD): Uint8Array[] {
  return chunked(input, maxPayload - INFER_HEADER, (data, more) => {
    const p = new Uint8Array(INFER_HEADER + data.length);
    p[0] = tag >>> 8;
    p[1] = tag & 0xff;
    p[2] = more ? FLAG_MORE : 0;
    p[3] = op;
    p.set(data, INFER_HEADER);
    return p;
  });
}

export function resultPayloads(tag: number, output: Uint8Array, maxPayload = MAX_PAYLOAD): Uint8Array[] {
  return chunked(output, maxPayload - RESULT_HEADER, (data, more) => {
    const p = new Uint8Array(RESULT_HEADER + data.length);
    p[0] = tag >>> 8;
    p[1] = tag & 0xff;
    p[2] = more ? FLAG_MORE : 0;
    p.set(data, RESULT_HEADER);
    return p;
  });
}

function chunked(bytes: Uint8Array, size: number, make: (data: Uint8Array, more: boolean) => Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at === 0 || at < bytes.length; at += size) {
    const end = Math.min(bytes.length, at + size);
    out.push(make(bytes.subarray(at, end), end < bytes.length));
  }
  return out;
}

export function decodeInfer(p: Uint8Array): Chunk | null {
  if (p.length < INFER_HEADER) return null;
  return { tag: (p[0]! << 8) | p[1]!, more: (p[2]! & FLAG_MORE) !== 0, op: p[3]!, data: p.subarray(INFER_HEADER) };
}

export function decodeResult(p: Uint8Array): Omit<Chunk, 'op'> | null {
  if (p.length < RESULT_HEADER) return null;
  return { tag: (p[0]! << 8) | p[1]!, more: (p[2]! & FLAG_MORE) !== 0, data: p.subarray(RESULT_HEADER) };
}

export function encodeError(tag: number, code: number, message: string): Uint8Array {
  const m = new TextEncoder().encode(message.slice(0, 64));
  const p = new Uint8Array(3 + m.length);
  p[0] = tag >>> 8;
  p[1] = tag & 0xff;
  p[2] = code;
  p.set(m, 3);
  return p;
}

export function decodeError(p: Uint8Array): { tag: number; code: number; message: string } | null {
  if (p.length < 3) return null;
  return { tag: (p[0]! << 8) | p[1]!, code: p[2]!, message: new TextDecoder().decode(p.subarray(3)) };
}

// ------------------------------------------------------------------ reference operations

export type OpResult = { ok: true; output: Uint8Array } | { ok: false; code: number; message: string };

/** What the device computes for `op` on `input` (docs/serial-protocol.md §Operations). */
export function runOp(op: number, input: Uint8Array): OpResult {
  switch (op) {
    case Op.INVERT:
      return { ok: true, output: input.map((b) => ~b & 0xff) };
    case Op.LM_NEXT: {
      if (input.length < 2 || input.length % 2 !== 0)
        return { ok: false, code: ErrorCode.BAD_INPUT, message: 'LM_NEXT needs >= 1 u16 token' };
      const t = crc16(input) & (LM_VOCAB - 1);
      return { ok: true, output: Uint8Array.of(t >>> 8, t & 0xff) };
    }
    case Op.SEG_MASK:
      return segMask(input);
    default:
      return { ok: false, code: ErrorCode.UNKNOWN_OP, message: `unknown op ${op}` };
  }
}

/** Input `frames u8 | width u16 | height u16 | RGB…`; per frame `fg u32 | mean u16` (see docs). */
function segMask(input: Uint8Array): OpResult {
  if (input.length < 5) return { ok: false, code: ErrorCode.BAD_INPUT, message: 'SEG_MASK header is 5 bytes' };
  const frames = input[0]!;
  const w = (input[1]! << 8) | input[2]!;
  const h = (input[3]! << 8) | input[4]!;
  const plane = w * h;
  if (frames === 0 || plane === 0 || input.length !== 5 + frames * plane * 3) {
    return { ok: false, code: ErrorCode.BAD_INPUT, message: 'SEG_MASK length != 5 + frames*w*h*3' };
  }
  const out = new Uint8Array(frames * 6);
  const v = new DataView(out.buffer);
  for (let f = 0; f < frames; f++) {
    let fg = 0;
    let sum = 0;
    for (let p = 0; p < plane; p++) {
      const o = 5 + (f * plane + p) * 3;
      const s = input[o]! + input[o + 1]! + input[o + 2]!;
      sum += s;
      if (s >= 384) fg++;
    }
    v.setUint32(f * 6, fg);
    v.setUint16(f * 6 + 4, Math.floor((65535 * sum) / (765 * plane)));
  }
  return { ok: true, output: out };
}
