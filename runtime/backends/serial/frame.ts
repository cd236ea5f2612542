/**
 * The frame codec of docs/serial-protocol.md: a frame body is
 * `ver u8 | type u8 | seq u8 | ack u8 | len u16 BE | payload[len] | crc16 u16 BE`, COBS-encoded
 * and sent as `0x00 COBS(body) 0x00`. Pure functions plus `FrameReader`, a bounded streaming
 * splitter that turns received bytes into decoded frames or rejection reasons.
 */
import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from './cobs.js';
import { crc16 } from './crc16.js';

export const PROTOCOL_VERSION = 1;
export const HEADER_BYTES = 6;
export const CRC_BYTES = 2;
/** Largest payload; bounds a frame to one small FPGA block RAM. */
export const MAX_PAYLOAD = 512;
export const MAX_BODY = HEADER_BYTES + MAX_PAYLOAD + CRC_BYTES;
/** Largest COBS segment between delimiters; anything longer is rejected as oversized. */
export const MAX_ENCODED = cobsMaxEncodedLength(MAX_BODY);

/** Frame types (ASCII ACK/NAK codes for the two link-control frames). */
export const FrameType = {
  HELLO: 0x01,
  CAPS: 0x02,
  ACK: 0x06,
  INFER: 0x10,
  RESULT: 0x11,
  NAK: 0x15,
  PING: 0x20,
  PONG: 0x21,
  ERROR: 0x7f,
} as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

const KNOWN = new Set<number>(Object.values(FrameType));

export interface Frame {
  readonly type: number;
  readonly seq: number;
  readonly ack: number;
  readonly payload: Uint8Array;
}

/** Bytes on the wire for a payload of `len` bytes (delimiters included), worst case. */
export function wireBytes(len: number): number {
  return cobsMaxEncodedLength(HEADER_BYTES + len + CRC_BYTES) + 2;
}

/** The frame body (before COBS): header, payload, CRC. Throws on a payload over MAX_PAYLOAD (a bug). */
export function encodeBody(f: Frame): Uint8Array {
  if (f.payload.length > MAX_PAYLOAD)
    throw new Error(`payload of ${f.payload.length} bytes exceeds MAX_PAYLOAD ${MAX_PAYLOAD}`);
  const n = f.payload.length;
  const body = new Uint8Array(HEADER_BYTES + n + CRC_BYTES);
  body[0] = PROTOCOL_VERSION;
  body[1] = f.type & 0xff;
  body[2] = f.seq & 0xff;
  body[3] = f.ack & 0xff;
  body[4] = n >>> 8;
  body[5] = n & 0xff;
  body.set(f.payload, HEADER_BYTES);
  const c = crc16(body, 0, HEADER_BYTES + n);
  body[HEADER_BYTES + n] = c >>> 8;
  body[HEADER_BYTES + n + 1] = c & 0xff;
  return body;
}

/** The wire bytes: `0x00 COBS(body) 0x00`. */
export function encodeFrame(f: Frame): Uint8Array {
  const enc = cobsEncode(encodeBody(f));
  const wire = new Uint8Array(enc.length + 2);
  wire.set(enc, 1);
  return wire;
}

export type RejectReason = 'oversized' | 'cobs' | 'truncated' | 'length' | 'crc' | 'version' | 'type';
export type Decoded = { ok: true; frame: Frame } | { ok: false; reason: RejectReason };

/** Decodes one frame body (COBS already removed). */
export function decodeBody(body: Uint8Array): Decoded {
  if (body.length > MAX_BODY) return { ok: false, reason: 'oversized' };
  if (body.length < HEADER_BYTES + CRC_BYTES) return { ok: false, reason: 'truncated' };
  const len = (body[4]! << 8) | body[5]!;
  if (len > MAX_PAYLOAD) return { ok: false, reason: 'oversized' };
  if (HEADER_BYTES + len + CRC_BYTES !== body.length)
    return { ok: false, reason: body.length < HEADER_BYTES + len + CRC_BYTES ? 'truncated' : 'length' };
  if (crc16(body) !== 0) return { ok: false, reason: 'crc' };
  if (body[0] !== PROTOCOL_VERSION) return { ok: false, reason: 'version' };
  if (!KNOWN.has(body[1]!)) return { ok: false, reason: 'type' };
  return {
    ok: true,
    frame: { type: body[1]!, seq: body[2]!, ack: body[3]!, payload: body.slice(HEADER_BYTES, HEADER_BYTES + len) },
  };
}

/** Decodes one COBS segment (the bytes between two 0x00 delimiters). */
export function decodeSegment(seg: Uint8Array): Decoded {
  if (seg.length > MAX_ENCODED) return { ok: false, reason: 'oversized' };
  const body = cobsDecode(seg);
  return body === null ? { ok: false, reason: 'cobs' } : decodeBody(body);
}

/**
 * Splits a byte stream on 0x00 and decodes each non-empty segment. Holds at most MAX_ENCODED
 * bytes: a longer run is counted as one oversized frame when its delimiter arrives.
 */
export class FrameReader {
  private readonly buf = new Uint8Array(MAX_ENCODED);
  private n = 0;
  private overflow = false;

  push(chunk: Uint8Array): Decoded[] {
    const out: Decoded[] = [];
    for (const b of chunk) {
      if (b !== 0) {
        if (this.n < MAX_ENCODED) this.buf[this.n++] = b;
        else this.overflow = true;
        continue;
      }
      if (this.overflow) out.push({ ok: false, reason: 'oversized' });
      else if (this.n > 0) out.push(decodeSegment(this.buf.subarray(0, this.n)));
      this.n = 0;
      this.overflow = false;
    }
    return out;
  }
}
