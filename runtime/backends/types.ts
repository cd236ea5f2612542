/**
 * What a backend gives the agent: `load` turns a deploy request into a loaded model (or a
 * failure value), and a loaded model generates tokens or segments frames, running each compute
 * step through the agent's executor so slowdown, FIFO order and utilization apply uniformly.
 */
import type { BackendKind, DeployRequest, GenerateRequest } from '../protocol/index.js';

/**
 * The part of the agent's executor a backend uses: run one compute step when the device is free.
 * With `signal`, a step whose request was cancelled while it waited is never run: it rejects with
 * the signal's reason, so a disconnected client frees its place in the queue at once.
 */
export interface StepExecutor {
  step<T>(
    fn: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<{ value: T; timing: { readonly waitMs: number; readonly busyMs: number } }>;
}

/**
 * Why a request was cancelled (the AbortSignal's reason): the client went away, or the agent is
 * shutting down. The agent streams it as an `error` chunk with code `cancelled` when it still can.
 */
export class CancelledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Throws the signal's reason (a CancelledError) when it has been aborted; backends call it between steps. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (!signal.aborted) return;
  const r: unknown = signal.reason;
  throw r instanceof Error ? r : new CancelledError(String(r));
}

export interface GenerateStats {
  readonly queueMs: number;
  readonly prefillMs: number;
  readonly decodeMs: number;
}

/** Decoded frames: uint8 RGB interleaved, frames × height × width × 3 bytes. */
export interface SegmentInput {
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

export interface MaskSummary {
  readonly foregroundPixels: number;
  readonly meanProbability: number;
}

export interface SegmentOutput {
  readonly masks: readonly MaskSummary[];
  readonly queueMs: number;
  readonly computeMs: number;
}

export interface LoadedModel {
  readonly memoryBytes: number;
  /**
   * LLM: calls `onToken` once per output token, in order; rejects on backend failure. `signal`
   * aborts when the client disconnects or the agent shuts down: the backend stops at its next
   * step (passes it to `exec.step`, to `fetch`, …) and rejects with the signal's reason.
   * `onAdmitted`, once, when the request gets its place in the engine's batch (a sequence) —
   * queued until then, running after — from backends that hold such places (llama).
   */
  generate?(
    req: GenerateRequest,
    exec: StepExecutor,
    onToken: (tokenId: number, text?: string) => void,
    signal: AbortSignal,
    onAdmitted?: () => void,
  ): Promise<GenerateStats>;
  /** Segmentation; `signal` as for `generate`. */
  segment?(input: SegmentInput, exec: StepExecutor, signal: AbortSignal): Promise<SegmentOutput>;
  close(): Promise<void>;
}

export type LoadResult = { ok: true; model: LoadedModel } | { ok: false; error: string };

export interface Backend {
  readonly kind: BackendKind;
  load(req: DeployRequest): Promise<LoadResult>;
  /** Current health as the heartbeat reports it. */
  health(): { health: 'ok' | 'degraded'; detail?: string };
  close(): Promise<void>;
}

/** Deterministic synthetic prompt token ids in [0, vocab). */
export function syntheticPrompt(count: number, seed: number, vocab: number): number[] {
  const ids: number[] = [];
  let x = (seed * 2654435761 + 12345) >>> 0;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x ^ (x >>> 15), 2246822507) + i) >>> 0;
    ids.push(x % vocab);
  }
  return ids;
}

/** Deterministic synthetic frames: a bright disc on a noisy background, per frame. */
export function syntheticFrames(frames: number, width: number, height: number, seed: number): Uint8Array {
  const px = new Uint8Array(frames * width * height * 3);
  let x = (seed * 747796405 + 2891336453) >>> 0;
  for (let f = 0; f < frames; f++) {
    const cx = width * (0.3 + (0.4 * ((f * 37) % 10)) / 10);
    const cy = height / 2;
    const r2 = (Math.min(width, height) / 4) ** 2;
    for (let y = 0; y < height; y++) {
      for (let c = 0; c < width; c++) {
        x = (Math.imul(x ^ (x >>> 16), 73244475) + 1) >>> 0;
        const inside = (c - cx) ** 2 + (y - cy) ** 2 <= r2;
        const base = inside ? 200 : 40;
        const o = ((f * height + y) * width + c) * 3;
        px[o] = base + (x & 31);
        px[o + 1] = base + ((x >>> 5) & 31);
        px[o + 2] = base + ((x >>> 10) & 31);
      }
    }
  }
  return px;
}
