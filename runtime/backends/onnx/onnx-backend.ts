/**
 * The built-in onnx executor: loads generated models (models.ts) into onnxruntime-node sessions.
 * LLM: prefill = one `session.run` over the whole synthetic prompt (yields token 0), then one run
 * per further output token, each fed the previous token. Segmentation: one run per batch.
 * `threads` is onnxruntime's intraOpNumThreads.
 */
import ort from 'onnxruntime-node';
import type { DeployRequest, GenerateRequest } from '../../protocol/index.js';
import type {
  Backend,
  GenerateStats,
  StepExecutor,
  LoadResult,
  LoadedModel,
  SegmentInput,
  SegmentOutput,
} from '../types.js';
import { syntheticPrompt } from '../types.js';
import { BUILTIN_MODELS, buildLm, buildSeg, isBuiltinModel, lmWeightBytes, weightBytes } from './models.js';
import type { LmConfig, SegConfig } from './models.js';
import { ensureModelFile } from './model-cache.js';

export interface OnnxBackendOptions {
  readonly threads: number;
  /** Scenario model name → built-in model name. */
  readonly aliases?: Readonly<Record<string, string>>;
}

function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

class LmModel implements LoadedModel {
  constructor(
    private readonly session: ort.InferenceSession,
    private readonly cfg: LmConfig,
    readonly memoryBytes: number,
  ) {}

  private async next(tokens: readonly number[]): Promise<number> {
    const input = new ort.Tensor(
      'int64',
      BigInt64Array.from(tokens, (t) => BigInt(t)),
      [1, tokens.length],
    );
    const out = await this.session.run({ tokens: input });
    const t = out['next_token'];
    if (t === undefined) throw new Error('model produced no next_token');
    return Number((t.data as BigInt64Array)[0]);
  }

  async generate(
    req: GenerateRequest,
    exec: StepExecutor,
    onToken: (tokenId: number) => void,
    signal: AbortSignal,
  ): Promise<GenerateStats> {
    const prompt = syntheticPrompt(req.promptTokens, req.seed ?? 0, this.cfg.vocab);
    const first = await exec.step(() => this.next(prompt), signal);
    onToken(first.value);
    let last = first.value;
    let decodeMs = 0;
    for (let i = 1; i < req.outputTokens; i++) {
      const prev = last;
      const r = await exec.step(() => this.next([prev]), signal);
      decodeMs += r.timing.waitMs + r.timing.busyMs;
      last = r.value;
      onToken(last);
    }
    return { queueMs: first.timing.waitMs, prefillMs: first.timing.busyMs, decodeMs };
  }

  close(): Promise<void> {
    return this.session.release();
  }
}

class SegModel implements LoadedModel {
  constructor(
    private readonly session: ort.InferenceSession,
    readonly memoryBytes: number,
  ) {}

  async segment(input: SegmentInput, exec: StepExecutor, signal: AbortSignal): Promise<SegmentOutput> {
    const { frames, width, height, pixels } = input;
    const plane = width * height;
    const data = new Float32Array(frames * 3 * plane);
    for (let f = 0; f < frames; f++) {
      for (let p = 0; p < plane; p++) {
        for (let c = 0; c < 3; c++) data[(f * 3 + c) * plane + p] = pixels[(f * plane + p) * 3 + c]! / 255;
      }
    }
    const r = await exec.step(async () => {
      const out = await this.session.run({ image: new ort.Tensor('float32', data, [frames, 3, height, width]) });
      const m = out['mask'];
      if (m === undefined) throw new Error('model produced no mask');
      return m.data as Float32Array;
    }, signal);
    const masks = [];
    for (let f = 0; f < frames; f++) {
      let fg = 0;
      let sum = 0;
      for (let p = 0; p < plane; p++) {
        const v = r.value[f * plane + p]!;
        sum += v;
        if (v > 0.5) fg++;
      }
      masks.push({ foregroundPixels: fg, meanProbability: sum / plane });
    }
    return { masks, queueMs: r.timing.waitMs, computeMs: r.timing.busyMs };
  }

  close(): Promise<void> {
    return this.session.release();
  }
}

export class OnnxBackend implements Backend {
  readonly kind = 'onnx' as const;
  constructor(private readonly opts: OnnxBackendOptions) {}

  async load(req: DeployRequest): Promise<LoadResult> {
    const name = this.opts.aliases?.[req.model] ?? req.model;
    if (!isBuiltinModel(name)) {
      return {
        ok: false,
        error: `unknown model ${JSON.stringify(req.model)}: built-in models are ${Object.keys(BUILTIN_MODELS).join(', ')}`,
      };
    }
    const cfg = BUILTIN_MODELS[name];
    if (cfg.kind !== req.kind)
      return { ok: false, error: `model ${name} is a ${cfg.kind} model, deploy asked for ${req.kind}` };
    try {
      if (cfg.kind === 'llm') {
        const lm: LmConfig = cfg;
        const start = req.layers?.start ?? 0;
        const end = req.layers?.end ?? lm.blocks;
        if (end > lm.blocks)
          return { ok: false, error: `layers.end ${end} exceeds the ${lm.blocks} blocks of ${name}` };
        const file = ensureModelFile(`${name}-b${start}-${end}`, () => buildLm(name, lm, start, end));
        const session = await ort.InferenceSession.create(file, sessionOptions(this.opts.threads));
        return { ok: true, model: new LmModel(session, lm, lmWeightBytes(lm, start, end)) };
      }
      const seg: SegConfig = cfg;
      const spec = buildSeg(name, seg);
      const file = ensureModelFile(name, () => spec);
      const session = await ort.InferenceSession.create(file, sessionOptions(this.opts.threads));
      return { ok: true, model: new SegModel(session, weightBytes(spec)) };
    } catch (err) {
      return { ok: false, error: `onnx load of ${name} failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  health(): { health: 'ok' } {
    return { health: 'ok' };
  }

  async close(): Promise<void> {
    // Sessions are released by their instances.
  }
}
