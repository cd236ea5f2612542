/**
 * The `serial` backend: an HC-05/FPGA device behind a serial port speaking
 * docs/serial-protocol.md. One port and one device client per backend; every instance shares
 * them. Load = open the port (first time), HELLO/CAPS, then a PING, and check the device
 * supports the op the instance needs. Generate: one LM_NEXT per token step (the prefill sends the
 * whole synthetic prompt, each decode step the previous token) — each step runs through the
 * agent's executor, so queueing, FIFO order and utilization are measured as on the other
 * backends. Segment: one SEG_MASK with the frame bytes (chunked by the link) per batch.
 */
import type { DeployRequest, GenerateRequest } from '../../protocol/index.js';
import type {
  Backend,
  GenerateStats,
  LoadResult,
  LoadedModel,
  SegmentInput,
  SegmentOutput,
  StepExecutor,
} from '../types.js';
import { syntheticPrompt } from '../types.js';
import type { ClientStats, InferTiming } from './device-client.js';
import { SerialDeviceClient } from './device-client.js';
import { LM_VOCAB, Op } from './messages.js';

export interface SerialBackendOptions {
  readonly device: string;
  readonly baud: number;
  /** Fixed retransmit timeout per frame, ms (default from baud and frame length). */
  readonly ackTimeoutMs?: number;
  readonly retries?: number;
  /** Bound on one INFER's total RESULT bytes (DEFAULT_MAX_RESULT_BYTES). */
  readonly maxResultBytes?: number;
}

export interface SerialBackendStats extends ClientStats {
  readonly device: string;
  readonly baud: number;
  readonly deviceName: string | null;
  readonly lastPingMs: number | null;
}

const u16 = (b: Uint8Array): number => (b[0]! << 8) | b[1]!;

function tokensToBytes(ids: readonly number[]): Uint8Array {
  const b = new Uint8Array(ids.length * 2);
  ids.forEach((t, i) => {
    b[2 * i] = t >>> 8;
    b[2 * i + 1] = t & 0xff;
  });
  return b;
}

class SerialLm implements LoadedModel {
  readonly memoryBytes = 0;
  constructor(private readonly backend: SerialBackend) {}

  async generate(
    req: GenerateRequest,
    exec: StepExecutor,
    onToken: (tokenId: number) => void,
    signal: AbortSignal,
  ): Promise<GenerateStats> {
    const step = async (input: Uint8Array): Promise<number> => {
      const r = await this.backend.infer(Op.LM_NEXT, input);
      if (r.output.length !== 2) throw new Error(`LM_NEXT answered ${r.output.length} bytes, expected 2`);
      return u16(r.output);
    };
    const first = await exec.step(
      () => step(tokensToBytes(syntheticPrompt(req.promptTokens, req.seed ?? 0, LM_VOCAB))),
      signal,
    );
    onToken(first.value);
    let last = first.value;
    let decodeMs = 0;
    for (let i = 1; i < req.outputTokens; i++) {
      const prev = last;
      const r = await exec.step(() => step(tokensToBytes([prev])), signal);
      decodeMs += r.timing.waitMs + r.timing.busyMs;
      last = r.value;
      onToken(last);
    }
    return { queueMs: first.timing.waitMs, prefillMs: first.timing.busyMs, decodeMs };
  }

  async close(): Promise<void> {}
}

class SerialSeg implements LoadedModel {
  readonly memoryBytes = 0;
  constructor(private readonly backend: SerialBackend) {}

  async segment(input: SegmentInput, exec: StepExecutor, signal: AbortSignal): Promise<SegmentOutput> {
    const { frames, width, height, pixels } = input;
    if (frames > 255 || width > 0xffff || height > 0xffff)
      throw new Error('SEG_MASK takes at most 255 frames of at most 65535×65535');
    const bytes = new Uint8Array(5 + pixels.length);
    bytes.set([frames, width >>> 8, width & 0xff, height >>> 8, height & 0xff]);
    bytes.set(pixels, 5);
    const r = await exec.step(() => this.backend.infer(Op.SEG_MASK, bytes), signal);
    const out = r.value.output;
    if (out.length !== frames * 6) throw new Error(`SEG_MASK answered ${out.length} bytes, expected ${frames * 6}`);
    const v = new DataView(out.buffer, out.byteOffset, out.length);
    const masks = [];
    for (let f = 0; f < frames; f++)
      masks.push({ foregroundPixels: v.getUint32(f * 6), meanProbability: v.getUint16(f * 6 + 4) / 65535 });
    return { masks, queueMs: r.timing.waitMs, computeMs: r.timing.busyMs };
  }

  async close(): Promise<void> {}
}

export class SerialBackend implements Backend {
  readonly kind = 'serial' as const;
  private current: SerialDeviceClient | null = null;
  private connecting: Promise<SerialDeviceClient> | null = null;
  private lastError: string | null = null;
  private lastPingMs: number | null = null;

  constructor(private readonly o: SerialBackendOptions) {}

  /** The connected client (instances only exist after a successful load). */
  client(): SerialDeviceClient {
    if (this.current === null) throw new Error(`serial device ${this.o.device} is not connected`);
    return this.current;
  }

  /** One exchange on the device; a failure marks the backend degraded until the next success. */
  async infer(op: number, input: Uint8Array): Promise<InferTiming> {
    try {
      const r = await this.client().infer(op, input);
      this.lastError = null;
      return r;
    } catch (err) {
      this.lastError = `serial device ${this.o.device}: ${err instanceof Error ? err.message : String(err)}`;
      throw err;
    }
  }

  private connect(): Promise<SerialDeviceClient> {
    if (this.current !== null && this.current.alive) return Promise.resolve(this.current);
    this.connecting ??= SerialDeviceClient.open({
      path: this.o.device,
      baud: this.o.baud,
      ...(this.o.retries !== undefined ? { retries: this.o.retries } : {}),
      ...(this.o.ackTimeoutMs !== undefined ? { rtoMs: this.o.ackTimeoutMs } : {}),
      ...(this.o.maxResultBytes !== undefined ? { maxResultBytes: this.o.maxResultBytes } : {}),
    })
      .then((c) => {
        this.current = c;
        return c;
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  async load(req: DeployRequest): Promise<LoadResult> {
    try {
      const c = await this.connect();
      this.lastPingMs = await c.ping();
      const op = req.kind === 'llm' ? Op.LM_NEXT : Op.SEG_MASK;
      if (c.caps !== null && (c.caps.ops & (1 << op)) === 0) {
        return {
          ok: false,
          error: `serial device ${c.caps.name} does not support ${req.kind} (ops bitmap 0x${c.caps.ops.toString(16)})`,
        };
      }
      this.lastError = null;
      return { ok: true, model: req.kind === 'llm' ? new SerialLm(this) : new SerialSeg(this) };
    } catch (err) {
      this.lastError = `serial device ${this.o.device} at ${this.o.baud} baud: ${err instanceof Error ? err.message : String(err)}`;
      return { ok: false, error: this.lastError };
    }
  }

  health(): { health: 'ok' | 'degraded'; detail?: string } {
    if (this.current !== null && !this.current.alive)
      return { health: 'degraded', detail: `serial device ${this.o.device} disconnected` };
    return this.lastError === null ? { health: 'ok' } : { health: 'degraded', detail: this.lastError };
  }

  /** Link and exchange counters (retransmits, rejected frames, …), null before the first connect. */
  stats(): SerialBackendStats | null {
    const c = this.current;
    if (c === null) return null;
    return {
      ...c.stats(),
      device: this.o.device,
      baud: this.o.baud,
      deviceName: c.caps?.name ?? null,
      lastPingMs: this.lastPingMs,
    };
  }

  async close(): Promise<void> {
    const c = this.current;
    this.current = null;
    if (c !== null) await c.close();
  }
}
