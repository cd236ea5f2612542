/** The serial wire codec (docs/serial-protocol.md): CRC, COBS, frame encode/decode, timing. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameReader,
  FrameType,
  MAX_ENCODED,
  MAX_PAYLOAD,
  cobsDecode,
  cobsEncode,
  crc16,
  decodeBody,
  decodeSegment,
  encodeBody,
  encodeFrame,
  inferPayloads,
  retransmitTimeoutMs,
  runOp,
  wireBytes,
  Op,
  ReliableLink,
  LinkError,
} from '../../runtime/backends/serial/index.js';
import type { Frame } from '../../runtime/backends/serial/index.js';

const frameArb = fc.record({
  type: fc.constantFrom(...Object.values(FrameType)),
  seq: fc.integer({ min: 0, max: 255 }),
  ack: fc.integer({ min: 0, max: 255 }),
  payload: fc.uint8Array({ maxLength: MAX_PAYLOAD, size: 'max' }),
});

describe('serial codec', () => {
  it('crc16 › CCITT-FALSE check value › "123456789" gives 0x29B1 and a body with its CRC gives 0', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x29b1);
    expect(crc16(new Uint8Array(0))).toBe(0xffff);
    const body = encodeBody({ type: FrameType.PING, seq: 5, ack: 0, payload: Uint8Array.of(0xab, 0x00) });
    expect(crc16(body)).toBe(0);
  });

  it('cobs › any bytes › round-trips and never emits 0x00, within the overhead bound', () => {
    // size 'max' draws lengths over the whole 0..1200 range (the default size stays near 10 bytes),
    // and zero-free runs (bytes 1..255) cross COBS's 254-byte block boundary.
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 1200, size: 'max' }),
      fc.uint8Array({ min: 1, minLength: 250, maxLength: 800, size: 'max' }),
    );
    fc.assert(
      fc.property(bytes, (src) => {
        const enc = cobsEncode(src);
        expect(enc.includes(0)).toBe(false);
        expect(enc.length).toBeLessThanOrEqual(src.length + Math.floor(src.length / 254) + 1);
        expect(cobsDecode(enc)).toEqual(src);
      }),
      { numRuns: 150 },
    );
  });

  it('cobs › zero-free runs of 253, 254, 255 and 508 bytes, with and without a trailing zero › exact block structure', () => {
    for (const n of [253, 254, 255, 508]) {
      for (const tail of [[], [0]]) {
        const src = Uint8Array.from([...Array.from({ length: n }, (_, i) => 1 + (i % 255)), ...tail]);
        const enc = cobsEncode(src);
        expect(enc.includes(0)).toBe(false);
        expect(cobsDecode(enc)).toEqual(src);
        // A full block is a 0xFF code followed by 254 data bytes.
        if (n >= 254) expect(enc[0]).toBe(0xff);
        else expect(enc[0]).toBe(n + 1);
        expect(enc.length).toBeLessThanOrEqual(src.length + Math.floor(src.length / 254) + 1);
      }
    }
  });

  it('frame › any valid frame › survives encode, arbitrary chunking and decode unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 64 }),
        (frames, cut) => {
          const wire = Buffer.concat(frames.map((f) => encodeFrame(f)));
          const r = new FrameReader();
          const out = [];
          for (let i = 0; i < wire.length; i += cut) out.push(...r.push(wire.subarray(i, i + cut)));
          expect(out).toEqual(frames.map((f) => ({ ok: true, frame: { ...f, payload: Uint8Array.from(f.payload) } })));
          for (const f of frames) expect(encodeFrame(f).length).toBeLessThanOrEqual(wireBytes(f.payload.length));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('frame › one flipped bit anywhere in the body › rejected, never accepted as another frame', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (f, at, bit) => {
        const body = encodeBody(f);
        const i = at % body.length;
        body[i]! ^= 1 << bit;
        const d = decodeBody(body);
        expect(d.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('frame › truncated, padded, oversized, bad version › rejected with the reason', () => {
    const body = encodeBody({ type: FrameType.INFER, seq: 1, ack: 0, payload: new Uint8Array(10).fill(7) });
    expect(decodeBody(body.subarray(0, body.length - 3))).toEqual({ ok: false, reason: 'truncated' });
    expect(decodeBody(body.subarray(0, 5))).toEqual({ ok: false, reason: 'truncated' });
    expect(decodeBody(Uint8Array.of(...body, 9))).toEqual({ ok: false, reason: 'length' });
    const big = new Uint8Array(6 + MAX_PAYLOAD + 1 + 2);
    big[4] = (MAX_PAYLOAD + 1) >>> 8;
    big[5] = (MAX_PAYLOAD + 1) & 0xff;
    expect(decodeBody(big)).toEqual({ ok: false, reason: 'oversized' });
    expect(() =>
      encodeBody({ type: FrameType.INFER, seq: 0, ack: 0, payload: new Uint8Array(MAX_PAYLOAD + 1) }),
    ).toThrow(/MAX_PAYLOAD/);
    const v2 = body.slice();
    v2[0] = 2;
    const c = crc16(v2, 0, v2.length - 2);
    v2[v2.length - 2] = c >>> 8;
    v2[v2.length - 1] = c & 0xff;
    expect(decodeBody(v2)).toEqual({ ok: false, reason: 'version' });
    expect(decodeSegment(Uint8Array.of(5, 1, 2))).toEqual({ ok: false, reason: 'cobs' });
    // A run of non-zero bytes longer than any frame: one 'oversized', and the reader recovers.
    const r = new FrameReader();
    const good = encodeFrame({ type: FrameType.PING, seq: 3, ack: 0, payload: Uint8Array.of(1) });
    const out = r.push(Uint8Array.from([...new Uint8Array(MAX_ENCODED + 50).fill(0x41), ...good]));
    expect(out.map((d) => (d.ok ? d.frame.seq : d.reason))).toEqual(['oversized', 3]);
  });

  it('frame › worked example of the docs › PING seq 5 payload AB 00 is these exact bytes', () => {
    const wire = Buffer.from(
      encodeFrame({ type: FrameType.PING, seq: 5, ack: 0, payload: Uint8Array.of(0xab, 0x00) }),
    ).toString('hex');
    expect(wire).toMatchInlineSnapshot(`"0004012005010302ab03f4fe00"`);
  });

  it('messages › chunking and reference ops › chunks cover the input; LM_NEXT and SEG_MASK follow the docs', () => {
    const input = Uint8Array.from({ length: 1300 }, (_, i) => i & 0xff);
    const chunks = inferPayloads(7, Op.INVERT, input);
    expect(chunks.map((c) => c.length)).toEqual([512, 512, 4 + 1300 - 2 * 508]);
    expect(chunks.map((c) => c[2])).toEqual([1, 1, 0]);
    expect(inferPayloads(1, Op.INVERT, new Uint8Array(0))).toHaveLength(1);
    const inv = runOp(Op.INVERT, Uint8Array.of(0x00, 0xf0));
    expect(inv).toEqual({ ok: true, output: Uint8Array.of(0xff, 0x0f) });
    const lm = runOp(Op.LM_NEXT, new TextEncoder().encode('12345678'));
    expect(lm.ok && (lm.output[0]! << 8) | lm.output[1]!).toBe(crc16(new TextEncoder().encode('12345678')) & 0x3ff);
    const seg = runOp(Op.SEG_MASK, Uint8Array.of(1, 0, 2, 0, 1, 255, 255, 255, 0, 0, 0));
    expect(seg).toEqual({ ok: true, output: Uint8Array.of(0, 0, 0, 1, 0x7f, 0xff) });
    expect(runOp(Op.SEG_MASK, Uint8Array.of(1, 0, 2, 0, 1, 0)).ok).toBe(false);
    expect(runOp(99, new Uint8Array(1)).ok).toBe(false);
  });

  it('timing › retransmit timeout › grows with frame length and shrinks with baud', () => {
    expect(retransmitTimeoutMs(wireBytes(MAX_PAYLOAD), 9600)).toBeGreaterThan(retransmitTimeoutMs(wireBytes(0), 9600));
    expect(retransmitTimeoutMs(wireBytes(0), 9600)).toBe(Math.ceil(((11 + 11 + 525) * 10 * 1000) / 9600 + 100));
    expect(retransmitTimeoutMs(wireBytes(0), 115200)).toBeLessThan(retransmitTimeoutMs(wireBytes(0), 9600));
  });

  it('link › lost ACK and lost frame › retransmitted, delivered exactly once, duplicate counted', async () => {
    // Two link ends joined in memory; the wire drops the 2nd frame a→b and the 1st ACK b→a.
    const got: Frame[] = [];
    let aOut = 0;
    let bOut = 0;
    const a: ReliableLink = new ReliableLink({
      baud: 115200,
      rtoMs: 20,
      retries: 3,
      onFrame: () => undefined,
      write: (w) => {
        if (++aOut !== 2) setImmediate(() => b.receive(w));
      },
    });
    const b: ReliableLink = new ReliableLink({
      baud: 115200,
      rtoMs: 20,
      retries: 3,
      onFrame: (f) => got.push(f),
      write: (w) => {
        if (++bOut !== 1) setImmediate(() => a.receive(w));
      },
    });
    await a.send(FrameType.PING, Uint8Array.of(1));
    await a.send(FrameType.PING, Uint8Array.of(2));
    expect(got.map((f) => [f.seq, f.payload[0]])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(b.stats.duplicates).toBe(1);
    expect(a.stats.retransmits).toBe(2);
    expect(a.stats.timeouts).toBe(2);
    // A peer that never answers: rejected after 1 + retries attempts.
    const mute = new ReliableLink({
      baud: 115200,
      rtoMs: 5,
      retries: 2,
      onFrame: () => undefined,
      write: () => undefined,
    });
    await expect(mute.send(FrameType.PING, new Uint8Array(0))).rejects.toBeInstanceOf(LinkError);
    expect(mute.stats.framesSent).toBe(3);
    // A corrupted frame is NAKed and the sender retransmits at once (no timeout).
    let flips = 0;
    const c: ReliableLink = new ReliableLink({
      baud: 115200,
      rtoMs: 10_000,
      retries: 3,
      onFrame: () => undefined,
      write: (w) => {
        const x = w.slice();
        if (flips++ === 0) x[3]! ^= 0x10;
        setImmediate(() => d.receive(x));
      },
    });
    const d: ReliableLink = new ReliableLink({
      baud: 115200,
      rtoMs: 10_000,
      retries: 3,
      onFrame: () => undefined,
      write: (w) => setImmediate(() => c.receive(w)),
    });
    await c.send(FrameType.PING, Uint8Array.of(9, 9, 9));
    expect(d.stats.rejected).toBe(1);
    expect(d.stats.naksSent).toBe(1);
    expect(c.stats.retransmits).toBe(1);
    expect(c.stats.timeouts).toBe(0);
  });
});
