/**
 * A device emulator that speaks docs/serial-protocol.md as the FPGA firmware would, for tests
 * and testbeds without hardware: it answers HELLO with CAPS, PING with PONG and INFER with the
 * reference operations (messages.ts `runOp`) after a fixed pipeline latency.
 *
 * Line timing is emulated in both directions, because a PTY moves bytes instantly: a received
 * chunk is handed to the protocol only when its last byte would have arrived at `baud` (8N1, 10
 * bits a byte), and each transmitted frame is written when its last byte would have left. Faults
 * are deterministic: every `corruptEvery`-th frame the emulator SENDS gets one byte flipped (the
 * host must reject it by CRC and recover), every `dropEvery`-th frame it RECEIVES is discarded
 * as if lost on the air (the host must retransmit after its timeout).
 */
import { WallClock, sleepMs } from '../../clock/index.js';
import type { Frame } from './frame.js';
import { FrameType, MAX_ENCODED, MAX_PAYLOAD } from './frame.js';
import type { LinkStats } from './link.js';
import { ReliableLink } from './link.js';
import { ErrorCode, NO_TAG, Op, decodeInfer, encodeCaps, encodeError, resultPayloads, runOp } from './messages.js';
import { lineMs } from './timing.js';
import { PROTOCOL_VERSION } from './frame.js';

export interface EmulatorOptions {
  readonly baud: number;
  readonly latencyMs: number;
  readonly corruptEvery?: number;
  readonly dropEvery?: number;
  readonly name?: string;
  readonly maxInput?: number;
  readonly retries?: number;
}

export interface EmulatorStats {
  framesIn: number;
  framesOut: number;
  dropped: number;
  corrupted: number;
  inferences: number;
  deviceErrors: number;
  sendFailures: number;
  link: LinkStats;
}

interface Job {
  readonly tag: number;
  readonly op: number;
  readonly input: Uint8Array;
  readonly readyAtMs: number;
}

export class DeviceEmulator {
  private readonly clock = new WallClock();
  private readonly link: ReliableLink;
  private readonly counters = {
    framesIn: 0,
    framesOut: 0,
    dropped: 0,
    corrupted: 0,
    inferences: 0,
    deviceErrors: 0,
    sendFailures: 0,
  };
  private readonly tx: Uint8Array[] = [];
  private txFreeAtMs = 0;
  private txPumping = false;
  private readonly rx: Array<{ atMs: number; bytes: Uint8Array }> = [];
  private rxFreeAtMs = 0;
  private rxPumping = false;
  private segment: number[] = [];
  private assembly: { tag: number; op: number; parts: Uint8Array[]; size: number } | null = null;
  private rejectedTag: number | null = null;
  private readonly jobs: Job[] = [];
  private working = false;
  private closed = false;

  /** `write` puts bytes on the line (the port). */
  constructor(
    private readonly write: (bytes: Uint8Array) => void,
    private readonly o: EmulatorOptions,
  ) {
    this.link = new ReliableLink({
      baud: o.baud,
      ...(o.retries !== undefined ? { retries: o.retries } : {}),
      write: (wire) => this.transmit(wire),
      onFrame: (f) => this.onFrame(f),
    });
  }

  stats(): EmulatorStats {
    return { ...this.counters, link: { ...this.link.stats, rejectedBy: { ...this.link.stats.rejectedBy } } };
  }

  /** Bytes from the line, as they arrive. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return;
    const now = this.clock.nowS() * 1000;
    this.rxFreeAtMs = Math.max(now, this.rxFreeAtMs) + lineMs(chunk.length, this.o.baud);
    this.rx.push({ atMs: this.rxFreeAtMs, bytes: chunk.slice() });
    if (!this.rxPumping) void this.pumpRx();
  }

  close(): void {
    this.closed = true;
    this.link.close();
  }

  private async pumpRx(): Promise<void> {
    this.rxPumping = true;
    for (let item = this.rx.shift(); item !== undefined && !this.closed; item = this.rx.shift()) {
      await sleepMs(item.atMs - this.clock.nowS() * 1000);
      this.split(item.bytes);
    }
    this.rxPumping = false;
  }

  /** Cuts received bytes into frames so whole frames can be dropped; passes the rest to the link. */
  private split(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (b !== 0) {
        if (this.segment.length <= MAX_ENCODED) this.segment.push(b);
        continue;
      }
      if (this.segment.length === 0) continue;
      this.counters.framesIn++;
      const drop =
        this.o.dropEvery !== undefined && this.o.dropEvery > 0 && this.counters.framesIn % this.o.dropEvery === 0;
      if (drop) this.counters.dropped++;
      else this.link.receive(Uint8Array.of(0, ...this.segment, 0));
      this.segment = [];
    }
  }

  private transmit(wire: Uint8Array): void {
    this.counters.framesOut++;
    let w = wire;
    if (
      this.o.corruptEvery !== undefined &&
      this.o.corruptEvery > 0 &&
      this.counters.framesOut % this.o.corruptEvery === 0
    ) {
      w = wire.slice();
      const i = Math.floor(w.length / 2);
      w[i] = (w[i]! ^ 0x01) !== 0 ? w[i]! ^ 0x01 : w[i]! ^ 0x02;
      this.counters.corrupted++;
    }
    this.tx.push(w);
    if (!this.txPumping) void this.pumpTx();
  }

  private async pumpTx(): Promise<void> {
    this.txPumping = true;
    for (let w = this.tx.shift(); w !== undefined && !this.closed; w = this.tx.shift()) {
      const now = this.clock.nowS() * 1000;
      this.txFreeAtMs = Math.max(now, this.txFreeAtMs) + lineMs(w.length, this.o.baud);
      await sleepMs(this.txFreeAtMs - this.clock.nowS() * 1000);
      if (!this.closed) this.write(w);
    }
    this.txPumping = false;
  }

  private send(type: number, payload: Uint8Array): void {
    this.link.send(type, payload).catch(() => {
      this.counters.sendFailures++;
    });
  }

  private error(tag: number, code: number, message: string): void {
    this.counters.deviceErrors++;
    this.send(FrameType.ERROR, encodeError(tag, code, message));
  }

  private onFrame(f: Frame): void {
    switch (f.type) {
      case FrameType.HELLO:
        this.assembly = null;
        this.send(
          FrameType.CAPS,
          encodeCaps({
            version: PROTOCOL_VERSION,
            maxPayload: MAX_PAYLOAD,
            maxInput: this.o.maxInput ?? 256 * 1024,
            latencyMs: this.o.latencyMs,
            ops: (1 << Op.INVERT) | (1 << Op.LM_NEXT) | (1 << Op.SEG_MASK),
            name: this.o.name ?? 'parasim-fpga-emulator',
          }),
        );
        return;
      case FrameType.PING:
        this.send(FrameType.PONG, f.payload);
        return;
      case FrameType.INFER:
        this.onInfer(f);
        return;
      default:
        this.error(NO_TAG, ErrorCode.UNSUPPORTED, `frame type 0x${f.type.toString(16)} not accepted by a device`);
    }
  }

  private onInfer(f: Frame): void {
    const c = decodeInfer(f.payload);
    if (c === null) return this.error(NO_TAG, ErrorCode.BAD_INPUT, 'INFER payload shorter than 4 bytes');
    if (c.tag === this.rejectedTag) return;
    if (this.assembly === null || this.assembly.tag !== c.tag)
      this.assembly = { tag: c.tag, op: c.op, parts: [], size: 0 };
    const a = this.assembly;
    a.parts.push(c.data.slice());
    a.size += c.data.length;
    if (a.size > (this.o.maxInput ?? 256 * 1024)) {
      this.assembly = null;
      this.rejectedTag = c.tag;
      return this.error(c.tag, ErrorCode.INPUT_TOO_LARGE, `input exceeds ${this.o.maxInput ?? 256 * 1024} bytes`);
    }
    if (c.more) return;
    this.assembly = null;
    const input = new Uint8Array(a.size);
    let at = 0;
    for (const p of a.parts) {
      input.set(p, at);
      at += p.length;
    }
    this.jobs.push({ tag: a.tag, op: a.op, input, readyAtMs: this.clock.nowS() * 1000 + this.o.latencyMs });
    if (!this.working) void this.work();
  }

  /** The pipeline: one job at a time, each ready `latencyMs` after its last input chunk arrived. */
  private async work(): Promise<void> {
    this.working = true;
    for (let j = this.jobs.shift(); j !== undefined && !this.closed; j = this.jobs.shift()) {
      await sleepMs(j.readyAtMs - this.clock.nowS() * 1000);
      const r = runOp(j.op, j.input);
      if (!r.ok) {
        this.error(j.tag, r.code, r.message);
        continue;
      }
      this.counters.inferences++;
      for (const p of resultPayloads(j.tag, r.output)) this.send(FrameType.RESULT, p);
    }
    this.working = false;
  }
}
