/**
 * The `llama` backend: llama.cpp in-process through node-llama-cpp (CPU build, docs/decisions.md).
 * One instance = one model + one context with `sequences` parallel sequences; node-llama-cpp
 * gathers the pending tokens of every active sequence into one `llama_decode` per step, so a
 * request's prefill joins the running decodes — continuous batching, done by the engine itself.
 * A request waits (FIFO) for a free sequence, runs, and frees it — also when the caller aborts
 * (client gone): the sequence's KV cells are released and the next waiter starts.
 * A request ends when its last token is out, as in llama-server (a slot is free at completion):
 * node-llama-cpp's sequence dispose takes the context lock, which its batch loop holds while any
 * other sequence is generating — measured in process (llama-20m, 4 sequences of 256-token
 * prompts with 7, 8, 55, 64 outputs): the 7- and 8-token ones' dispose waited 238 and 235 ms,
 * for the 55-token one to finish. Awaiting it held every response and every freed slot until the
 * whole group was done (live records: three requests of 7, 8, 55 tokens ending within 1 ms).
 * So the context has twice the sequence IDs of the parallel width (`ID_HEADROOM`): a request
 * frees its place at completion and its sequence is disposed in the background, its ID coming
 * back when the lock allows; the KV budget counts every ID's cells.
 * Segmentation deploys are served by a built-in onnx executor beside it (OnnxBackend, same thread
 * budget), so one agent is a whole device serving both kinds, as an edge box does.
 * LLM steps do not go through the agent's executor (llama.cpp batches them; the executor would
 * serialize them), so `slowdown` does not apply and agent utilization does not count llama time,
 * as for the openai backend. Timings per request: queueMs (waiting for a sequence), prefillMs
 * (admitted → first token), decodeMs (first → last token).
 */
import os from 'node:os';
import type { Llama, LlamaContext, LlamaModel } from 'node-llama-cpp';
import type { DeployRequest, GenerateRequest } from '../../protocol/index.js';
import type { Backend, GenerateStats, LoadResult, LoadedModel, StepExecutor } from '../types.js';
import { syntheticPrompt } from '../types.js';
import { WallClock } from '../../clock/index.js';
import { BYTE_TOKENS } from './llama-models.js';
import { resolveModelFile } from './model-files.js';
import { SequenceSlots } from './sequence-slots.js';
import { OnnxBackend } from '../onnx/onnx-backend.js';

export interface LlamaBackendOptions {
  /** CPU threads of every context (llama.cpp n_threads); ≤ the host's cores. */
  readonly threads: number;
  /** Parallel sequences per instance (the continuous-batching width). */
  readonly sequences: number;
  /** Context tokens per sequence (prompt + output must fit). */
  readonly contextTokens: number;
  /** Memory budget for weights + KV cache of all instances, bytes (the agent's --memory-mb). */
  readonly memoryBytes: number;
  /** Scenario model name → built-in model name or .gguf path. */
  readonly aliases?: Readonly<Record<string, string>>;
}

export type LlamaOptionsCheck = { ok: true; value: LlamaBackendOptions } | { ok: false; message: string };

/** Rejects budgets the host cannot honour (threads above its cores) before anything loads. */
export function checkLlamaOptions(o: LlamaBackendOptions, cores = os.availableParallelism()): LlamaOptionsCheck {
  if (!Number.isInteger(o.threads) || o.threads < 1)
    return { ok: false, message: `llama: threads must be an integer ≥ 1, got ${o.threads}` };
  if (o.threads > cores)
    return { ok: false, message: `llama: threads ${o.threads} exceeds the ${cores} cores of this host` };
  if (!Number.isInteger(o.sequences) || o.sequences < 1 || o.sequences > 64)
    return { ok: false, message: `llama: sequences must be an integer in 1..64, got ${o.sequences}` };
  if (!Number.isInteger(o.contextTokens) || o.contextTokens < 16)
    return { ok: false, message: `llama: context tokens must be an integer ≥ 16, got ${o.contextTokens}` };
  if (!(o.memoryBytes > 0)) return { ok: false, message: `llama: memory budget must be > 0, got ${o.memoryBytes}` };
  return { ok: true, value: o };
}

const MB = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;

/** Sequence IDs per parallel sequence: one running, one being disposed (see the file comment). */
export const ID_HEADROOM = 2;

class LlamaInstance implements LoadedModel {
  /** The parallel width: requests generating at once. */
  private readonly slots: SequenceSlots;
  /** The context's sequence IDs: a finished request's is back only once its dispose ran. */
  private readonly ids: SequenceSlots;
  private readonly disposing = new Set<Promise<void>>();
  private readonly clock = new WallClock();

  constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly memoryBytes: number,
    private readonly contextTokens: number,
    private readonly onClose: () => void,
    parallel: number,
  ) {
    this.slots = new SequenceSlots(parallel);
    this.ids = new SequenceSlots(context.totalSequences);
  }

  async generate(
    req: GenerateRequest,
    _exec: StepExecutor,
    onToken: (tokenId: number) => void,
    signal?: AbortSignal,
    onAdmitted?: () => void,
  ): Promise<GenerateStats> {
    if (req.promptTokens + req.outputTokens > this.contextTokens) {
      throw new Error(
        `request needs ${req.promptTokens + req.outputTokens} tokens of context (prompt ${req.promptTokens} + output ${req.outputTokens}); a sequence has ${this.contextTokens}`,
      );
    }
    const t0 = this.clock.preciseS();
    const release = await this.slots.acquire(signal);
    let releaseId: () => void;
    try {
      releaseId = await this.ids.acquire(signal);
    } catch (e) {
      release();
      throw e;
    }
    const admitted = this.clock.preciseS();
    onAdmitted?.();
    const span = BYTE_TOKENS.end - BYTE_TOKENS.first;
    const prompt = syntheticPrompt(req.promptTokens, req.seed ?? 0, span).map((t) => t + BYTE_TOKENS.first);
    const seq = this.context.getSequence();
    let first = admitted;
    let count = 0;
    try {
      // greedy (temperature 0): sampling cost stays negligible; end-of-generation tokens are
      // yielded like any other so a request gets exactly `outputTokens`.
      for await (const token of seq.evaluate(prompt as never, { temperature: 0, yieldEogToken: true })) {
        if (signal?.aborted === true) break;
        if (count === 0) first = this.clock.preciseS();
        count++;
        onToken(token as number);
        if (count >= req.outputTokens) break;
      }
    } finally {
      release();
      const d: Promise<void> = seq
        .dispose()
        .catch(() => undefined)
        .finally(() => {
          releaseId();
          this.disposing.delete(d);
        });
      this.disposing.add(d);
    }
    if (signal?.aborted === true)
      throw new Error(`cancelled after ${count} of ${req.outputTokens} tokens: ${String(signal.reason ?? 'aborted')}`);
    const end = this.clock.preciseS();
    return { queueMs: (admitted - t0) * 1000, prefillMs: (first - admitted) * 1000, decodeMs: (end - first) * 1000 };
  }

  /** Sequences in use (tests: a cancelled request must give its sequence back). */
  busySequences(): number {
    return this.slots.busy();
  }

  async close(): Promise<void> {
    this.slots.close();
    this.ids.close();
    await Promise.all(this.disposing);
    await this.context.dispose();
    await this.model.dispose();
    this.onClose();
  }
}

export class LlamaBackend implements Backend {
  readonly kind = 'llama' as const;
  private llama: Promise<Llama> | null = null;
  private reservedBytes = 0;
  private loadError: string | null = null;
  private readonly onnx: OnnxBackend;

  constructor(private readonly opts: LlamaBackendOptions) {
    this.onnx = new OnnxBackend({ threads: opts.threads });
  }

  private engine(): Promise<Llama> {
    // build: 'never' — never download or compile llama.cpp at run time; the prebuilt CPU binary only.
    this.llama ??= import('node-llama-cpp').then((m) =>
      m.getLlama({ gpu: false, build: 'never', logLevel: m.LlamaLogLevel.error, maxThreads: this.opts.threads }),
    );
    return this.llama;
  }

  async load(req: DeployRequest): Promise<LoadResult> {
    if (req.kind === 'segmentation')
      return this.onnx.load({ ...req, model: this.opts.aliases?.[req.model] ?? req.model });
    if (req.layers !== undefined)
      return { ok: false, error: 'the llama backend runs whole models; pipeline stages (layers) are not supported' };
    const name = this.opts.aliases?.[req.model] ?? req.model;
    const mf = resolveModelFile(name);
    if (!mf.ok) return { ok: false, error: mf.error };
    const { sequences, contextTokens, memoryBytes } = this.opts;
    const ids = sequences * ID_HEADROOM;
    const kv = ids * contextTokens * mf.value.kvBytesPerToken;
    const need = mf.value.summary.fileBytes + kv;
    if (this.reservedBytes + need > memoryBytes) {
      return {
        ok: false,
        error: `model ${name} needs ${MB(need)} (weights ${MB(mf.value.summary.fileBytes)} + KV cache ${MB(kv)} for ${ids} sequence IDs (${sequences} parallel × ${ID_HEADROOM}) × ${contextTokens} tokens); the agent's memory budget has ${MB(memoryBytes - this.reservedBytes)} free of ${MB(memoryBytes)}`,
      };
    }
    this.reservedBytes += need;
    let model: LlamaModel | null = null;
    try {
      const llama = await this.engine();
      model = await llama.loadModel({ modelPath: mf.value.file });
      const context = await model.createContext({
        sequences: ids,
        contextSize: contextTokens,
        threads: this.opts.threads,
        batchSize: 512,
      });
      let released = false;
      const onClose = (): void => {
        if (!released) {
          released = true;
          this.reservedBytes -= need;
        }
      };
      return { ok: true, model: new LlamaInstance(model, context, need, contextTokens, onClose, sequences) };
    } catch (err) {
      this.reservedBytes -= need;
      await model?.dispose().catch(() => undefined);
      const msg = err instanceof Error ? err.message : String(err);
      if (
        this.llama !== null &&
        !(await this.llama.then(
          () => true,
          () => false,
        ))
      ) {
        this.loadError = msg;
        this.llama = null;
      }
      return { ok: false, error: `llama load of ${name} (${mf.value.file}) failed: ${msg}` };
    }
  }

  health(): { health: 'ok' | 'degraded'; detail?: string } {
    return this.loadError === null
      ? { health: 'ok' }
      : { health: 'degraded', detail: `llama.cpp did not start: ${this.loadError}` };
  }

  async close(): Promise<void> {
    const l = this.llama;
    this.llama = null;
    await this.onnx.close();
    if (l !== null)
      await l.then(
        (x) => x.dispose(),
        () => undefined,
      );
  }
}
