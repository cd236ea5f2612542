/**
 * The link layer of docs/serial-protocol.md §Reliability, used by both ends (host backend and
 * device emulator): every frame except ACK/NAK is reliable — sent stop-and-wait with an 8-bit
 * sequence number, acknowledged by the receiver, retransmitted after the timeout or at once on a
 * NAK, given up after `retries` retransmissions. The receiver ACKs every valid reliable frame,
 * delivers it once (a repeat of the last accepted sequence number is a duplicate: re-ACKed, not
 * delivered), and NAKs frames that fail COBS/length/CRC checks. HELLO always resets the
 * duplicate filter so a restarted peer is never mistaken for a duplicate.
 */
import type { Frame, RejectReason } from './frame.js';
import { FrameReader, FrameType, encodeFrame } from './frame.js';
import { DEFAULT_RETRIES, retransmitTimeoutMs } from './timing.js';

export interface LinkStats {
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Reliable frames sent again (after a timeout or a NAK). */
  retransmits: number;
  /** Retransmit timers that expired. */
  timeouts: number;
  /** Received frames rejected (bad COBS/length/CRC, oversized, unknown version/type). */
  rejected: number;
  rejectedBy: Partial<Record<RejectReason, number>>;
  naksSent: number;
  naksReceived: number;
  /** Reliable frames received again (our ACK was lost): re-ACKed, not delivered. */
  duplicates: number;
  /** Reliable frames given up after all retries. */
  failures: number;
}

export interface LinkOptions {
  /** Puts the wire bytes of one frame on the line (called once per frame, in order). */
  readonly write: (wire: Uint8Array) => void;
  /** Each new reliable frame, exactly once, in order. */
  readonly onFrame: (f: Frame) => void;
  readonly baud: number;
  readonly retries?: number;
  /** Fixed retransmit timeout; default derived from baud and frame length (timing.ts). */
  readonly rtoMs?: number;
}

/** A reliable frame that was not acknowledged after every retry, or a closed link. */
export class LinkError extends Error {}

interface Outgoing {
  readonly type: number;
  readonly payload: Uint8Array;
  seq: number;
  wire: Uint8Array;
  attempts: number;
  timer: ReturnType<typeof setTimeout> | null;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

const NAMES = new Map<number, string>(Object.entries(FrameType).map(([k, v]) => [v, k]));
export const frameTypeName = (t: number): string => NAMES.get(t) ?? `0x${t.toString(16)}`;

export class ReliableLink {
  readonly stats: LinkStats = {
    framesSent: 0,
    framesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    retransmits: 0,
    timeouts: 0,
    rejected: 0,
    rejectedBy: {},
    naksSent: 0,
    naksReceived: 0,
    duplicates: 0,
    failures: 0,
  };
  private readonly reader = new FrameReader();
  private readonly queue: Outgoing[] = [];
  private outstanding: Outgoing | null = null;
  private txSeq = 0;
  private lastRxSeq: number | null = null;
  private closed = false;
  private readonly retries: number;

  constructor(private readonly o: LinkOptions) {
    this.retries = o.retries ?? DEFAULT_RETRIES;
  }

  /** Sends a reliable frame; resolves when it is acknowledged, rejects with LinkError after all retries. */
  send(type: number, payload: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new LinkError('link closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ type, payload, seq: 0, wire: new Uint8Array(0), attempts: 0, timer: null, resolve, reject });
      this.next();
    });
  }

  /** Feeds received bytes (any chunking). */
  receive(chunk: Uint8Array): void {
    this.stats.bytesReceived += chunk.length;
    for (const d of this.reader.push(chunk)) {
      if (!d.ok) {
        this.stats.rejected++;
        this.stats.rejectedBy[d.reason] = (this.stats.rejectedBy[d.reason] ?? 0) + 1;
        // A frame from a newer protocol or of an unknown type is intact: NAKing it would only loop.
        if (d.reason !== 'version' && d.reason !== 'type') this.control(FrameType.NAK, this.lastRxSeq ?? 0);
        continue;
      }
      this.stats.framesReceived++;
      this.accept(d.frame);
    }
  }

  /** Stops timers and rejects every frame not yet acknowledged. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const pending = [...(this.outstanding !== null ? [this.outstanding] : []), ...this.queue.splice(0)];
    this.outstanding = null;
    for (const p of pending) {
      if (p.timer !== null) clearTimeout(p.timer);
      p.reject(new LinkError('link closed'));
    }
  }

  private accept(f: Frame): void {
    if (f.type === FrameType.ACK) {
      const o = this.outstanding;
      if (o !== null && f.ack === o.seq) this.finish(o, null);
      return;
    }
    if (f.type === FrameType.NAK) {
      this.stats.naksReceived++;
      if (this.outstanding !== null) this.retry(this.outstanding);
      return;
    }
    this.control(FrameType.ACK, f.seq);
    if (f.type !== FrameType.HELLO && f.seq === this.lastRxSeq) {
      this.stats.duplicates++;
      return;
    }
    this.lastRxSeq = f.seq;
    this.o.onFrame(f);
  }

  private control(type: number, ack: number): void {
    if (this.closed) return;
    if (type === FrameType.NAK) this.stats.naksSent++;
    this.put(encodeFrame({ type, seq: 0, ack, payload: new Uint8Array(0) }));
  }

  private put(wire: Uint8Array): void {
    this.stats.framesSent++;
    this.stats.bytesSent += wire.length;
    this.o.write(wire);
  }

  private next(): void {
    if (this.outstanding !== null || this.closed) return;
    const o = this.queue.shift();
    if (o === undefined) return;
    o.seq = this.txSeq;
    o.wire = encodeFrame({ type: o.type, seq: o.seq, ack: this.lastRxSeq ?? 0, payload: o.payload });
    this.outstanding = o;
    this.transmit(o);
  }

  private transmit(o: Outgoing): void {
    o.attempts++;
    this.put(o.wire);
    const rto = this.o.rtoMs ?? retransmitTimeoutMs(o.wire.length, this.o.baud);
    o.timer = setTimeout(() => {
      if (this.outstanding !== o) return;
      this.stats.timeouts++;
      this.retry(o);
    }, rto);
  }

  private retry(o: Outgoing): void {
    if (o.timer !== null) clearTimeout(o.timer);
    o.timer = null;
    if (o.attempts > this.retries) {
      this.stats.failures++;
      this.finish(o, new LinkError(`no ACK for ${frameTypeName(o.type)} seq ${o.seq} after ${o.attempts} attempts`));
      return;
    }
    this.stats.retransmits++;
    this.transmit(o);
  }

  private finish(o: Outgoing, err: Error | null): void {
    if (o.timer !== null) clearTimeout(o.timer);
    o.timer = null;
    this.outstanding = null;
    this.txSeq = (this.txSeq + 1) & 0xff;
    if (err === null) o.resolve();
    else o.reject(err);
    this.next();
  }
}
