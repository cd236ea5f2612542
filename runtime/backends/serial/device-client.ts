/**
 * The host end of a serial device (docs/serial-protocol.md): owns the port and the reliable link,
 * performs the HELLO/CAPS handshake, PING, and INFER → RESULT exchanges, one at a time (the device
 * has one pipeline). Every exchange is timed on the wall clock; failures reject with SerialError
 * and leave the client usable (a later exchange may succeed once the link recovers).
 */
import { SerialPort } from 'serialport';
import { WallClock } from '../../clock/index.js';
import type { Frame } from './frame.js';
import { FrameType, PROTOCOL_VERSION } from './frame.js';
import type { LinkStats } from './link.js';
import { LinkError, ReliableLink } from './link.js';
import type { Caps } from './messages.js';
import { NO_TAG, decodeCaps, decodeError, decodeResult, helloPayload, inferPayloads } from './messages.js';
import { DEFAULT_RETRIES, resultTimeoutMs } from './timing.js';

export class SerialError extends Error {}

/**
 * Largest result (all RESULT chunks of one INFER together) the host accepts, bytes: a device that
 * streams chunks with MORE set forever must not keep the request open and grow memory without
 * limit. The reference ops answer at most 255 × 6 bytes (SEG_MASK); docs/limits.md.
 */
export const DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;

export interface SerialClientOptions {
  readonly path: string;
  readonly baud: number;
  readonly retries?: number;
  /** Fixed retransmit timeout per frame (default from baud and frame length). */
  readonly rtoMs?: number;
  /** Default DEFAULT_MAX_RESULT_BYTES. */
  readonly maxResultBytes?: number;
}

/** What the client needs of a port: `serialport`'s SerialPort, or an in-process pair in tests. */
export interface PortLike {
  write(data: Buffer): unknown;
  on(event: 'data', listener: (b: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  readonly isOpen: boolean;
  close(cb: () => void): void;
}

export interface InferTiming {
  readonly output: Uint8Array;
  /** From the first INFER byte handed to the port to the first RESULT chunk, ms. */
  readonly firstResultMs: number;
  /** From the first INFER byte to the last RESULT chunk, ms. */
  readonly e2eMs: number;
}

export interface ClientStats extends LinkStats {
  inferences: number;
  deviceErrors: number;
  resultTimeouts: number;
  /** Frames that matched no exchange (late RESULT of a timed-out request, repeated CAPS). */
  strayFrames: number;
  lastE2eMs: number | null;
  totalE2eMs: number;
}

type Waiter = (f: Frame) => boolean;

export class SerialDeviceClient {
  private readonly clock = new WallClock();
  private readonly link: ReliableLink;
  private waiter: Waiter | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private nextTag = 0;
  private closedReason: string | null = null;
  caps: Caps | null = null;
  readonly extra = {
    inferences: 0,
    deviceErrors: 0,
    resultTimeouts: 0,
    strayFrames: 0,
    lastE2eMs: null as number | null,
    totalE2eMs: 0,
  };

  private constructor(
    private readonly port: PortLike,
    private readonly o: SerialClientOptions,
  ) {
    this.link = new ReliableLink({
      baud: o.baud,
      retries: o.retries ?? DEFAULT_RETRIES,
      ...(o.rtoMs !== undefined ? { rtoMs: o.rtoMs } : {}),
      write: (wire) => {
        port.write(Buffer.from(wire.buffer, wire.byteOffset, wire.length));
      },
      onFrame: (f) => {
        if (this.waiter === null || !this.waiter(f)) this.extra.strayFrames++;
      },
    });
    port.on('data', (b: Buffer) => this.link.receive(b));
    port.on('close', () => {
      this.closedReason ??= `port ${o.path} closed`;
      this.link.close();
    });
  }

  /** Opens the port (raw 8N1) and performs the HELLO/CAPS handshake. */
  static async open(o: SerialClientOptions): Promise<SerialDeviceClient> {
    const port = new SerialPort({
      path: o.path,
      baudRate: o.baud,
      dataBits: 8,
      stopBits: 1,
      parity: 'none',
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) =>
      port.open((err) => (err ? reject(new SerialError(`cannot open ${o.path}: ${err.message}`)) : resolve())),
    );
    return SerialDeviceClient.over(port, o);
  }

  /** Performs the handshake over an already open port (closes it when the handshake fails). */
  static async over(port: PortLike, o: SerialClientOptions): Promise<SerialDeviceClient> {
    const c = new SerialDeviceClient(port, o);
    try {
      await c.hello();
    } catch (err) {
      await c.close();
      throw err;
    }
    return c;
  }

  get alive(): boolean {
    return this.closedReason === null;
  }

  stats(): ClientStats {
    return { ...this.link.stats, rejectedBy: { ...this.link.stats.rejectedBy }, ...this.extra };
  }

  /** HELLO → CAPS; refuses a device speaking another protocol version. */
  hello(): Promise<Caps> {
    return this.exclusive(async () => {
      const caps = await this.exchange(
        FrameType.HELLO,
        helloPayload(),
        (f) => (f.type === FrameType.CAPS ? decodeCaps(f.payload) : undefined),
        'CAPS',
      );
      if (caps === null) throw new SerialError('malformed CAPS payload');
      // docs/serial-protocol.md: a version in CAPS other than ours is refused (frames may differ).
      if (caps.version !== PROTOCOL_VERSION) {
        throw new SerialError(
          `device ${caps.name} speaks serial protocol version ${caps.version}; this host speaks ${PROTOCOL_VERSION}`,
        );
      }
      this.caps = caps;
      return caps;
    });
  }

  /** PING → PONG round trip, ms. */
  ping(): Promise<number> {
    return this.exclusive(async () => {
      const nonce = Uint8Array.of(this.nextTag >>> 8, this.nextTag & 0xff, 0x50, 0x47);
      this.nextTag = (this.nextTag + 1) % NO_TAG;
      const t0 = this.clock.preciseS();
      await this.exchange(
        FrameType.PING,
        nonce,
        (f) => (f.type === FrameType.PONG && Buffer.from(f.payload).equals(nonce) ? true : undefined),
        'PONG',
      );
      return (this.clock.preciseS() - t0) * 1000;
    });
  }

  /** Sends `input` for `op` (chunked) and collects the RESULT chunks. */
  infer(op: number, input: Uint8Array): Promise<InferTiming> {
    return this.exclusive(() => this.inferNow(op, input));
  }

  private async inferNow(op: number, input: Uint8Array): Promise<InferTiming> {
    const caps = this.caps;
    if (caps === null) throw new SerialError('no handshake yet');
    if (input.length > caps.maxInput)
      throw new SerialError(`input of ${input.length} bytes exceeds the device's limit of ${caps.maxInput}`);
    const tag = this.nextTag;
    this.nextTag = (this.nextTag + 1) % NO_TAG;
    const limitMs = resultTimeoutMs(caps.latencyMs, this.o.baud, this.o.retries ?? DEFAULT_RETRIES);
    const parts: Uint8Array[] = [];
    const maxResult = this.o.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
    let resultBytes = 0;
    let firstAt: number | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failed = false;
    let arm = (): void => undefined;
    const t0 = this.clock.preciseS();
    const result = new Promise<void>((resolve, reject) => {
      const fail = (e: Error): void => {
        failed = true;
        clearTimeout(timer);
        reject(e);
      };
      arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.extra.resultTimeouts++;
          fail(new SerialError(`no RESULT for tag ${tag} within ${limitMs} ms`));
        }, limitMs);
      };
      this.waiter = (f) => {
        if (f.type === FrameType.RESULT) {
          const r = decodeResult(f.payload);
          if (r === null || r.tag !== tag) return false;
          firstAt ??= this.clock.preciseS();
          resultBytes += r.data.length;
          if (resultBytes > maxResult) {
            fail(
              new SerialError(
                `RESULT for tag ${tag} exceeds the bound of ${maxResult} bytes (max result size); the device keeps sending`,
              ),
            );
            return true;
          }
          parts.push(r.data.slice());
          if (!r.more) {
            clearTimeout(timer);
            resolve();
          } else if (timer !== undefined) arm();
          return true;
        }
        if (f.type === FrameType.ERROR) {
          const e = decodeError(f.payload);
          if (e === null || (e.tag !== tag && e.tag !== NO_TAG)) return false;
          this.extra.deviceErrors++;
          fail(new SerialError(`device error ${e.code}: ${e.message}`));
          return true;
        }
        return false;
      };
    });
    result.catch(() => undefined);
    try {
      for (const p of inferPayloads(tag, op, input, caps.maxPayload)) {
        if (failed) break;
        await this.link.send(FrameType.INFER, p);
      }
      arm();
      await result;
    } catch (err) {
      throw err instanceof LinkError ? new SerialError(err.message) : err;
    } finally {
      clearTimeout(timer);
      this.waiter = null;
    }
    const end = this.clock.preciseS();
    const output = Buffer.concat(parts);
    const e2eMs = (end - t0) * 1000;
    this.extra.inferences++;
    this.extra.lastE2eMs = e2eMs;
    this.extra.totalE2eMs += e2eMs;
    return {
      output: new Uint8Array(output.buffer, output.byteOffset, output.length),
      firstResultMs: ((firstAt ?? end) - t0) * 1000,
      e2eMs,
    };
  }

  /** Sends one reliable frame and waits for the answer `pick` recognizes (undefined = not it). */
  private async exchange<T>(
    type: number,
    payload: Uint8Array,
    pick: (f: Frame) => T | undefined,
    what: string,
  ): Promise<T> {
    const caps = this.caps;
    const limitMs = resultTimeoutMs(caps?.latencyMs ?? 0, this.o.baud, this.o.retries ?? DEFAULT_RETRIES);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<T>((resolve, reject) => {
      this.waiter = (f) => {
        const v = pick(f);
        if (v === undefined) return false;
        resolve(v);
        return true;
      };
      timer = setTimeout(() => reject(new SerialError(`no ${what} within ${limitMs} ms`)), limitMs);
    });
    answer.catch(() => undefined);
    try {
      await this.link.send(type, payload);
      return await answer;
    } catch (err) {
      throw err instanceof LinkError ? new SerialError(err.message) : err;
    } finally {
      clearTimeout(timer);
      this.waiter = null;
    }
  }

  /** Runs exchanges one at a time, in call order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => {
      if (this.closedReason !== null) throw new SerialError(this.closedReason);
      return fn();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closedReason ??= 'client closed';
    this.link.close();
    if (!this.port.isOpen) return;
    await new Promise<void>((r) => this.port.close(() => r()));
  }
}
