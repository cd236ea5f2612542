/**
 * Which GGUF file a deploy names: a built-in random-weight model (llama-models.ts), generated on
 * first use into the model cache (`$PARASIM_MODEL_DIR`, else ~/.cache/parasim/models — never in
 * the repository), or a path to a user's own `.gguf`. Either way the file is checked
 * (gguf-check.ts) before llama.cpp opens it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { modelCacheDir } from '../onnx/model-cache.js';
import { checkGguf } from './gguf-check.js';
import type { GgufSummary } from './gguf-check.js';
import { writeLlamaGguf } from './gguf-writer.js';
import { BUILTIN_LLAMA_MODELS, isBuiltinLlama, kvBytesPerToken } from './llama-models.js';

/** Bump when the writer's output changes, so stale cached files are not reused. */
const GGUF_GENERATOR_VERSION = 1;

export interface ModelFile {
  readonly file: string;
  readonly summary: GgufSummary;
  /** KV cache bytes per token of context (f16 K and V), from the shape in the file's metadata. */
  readonly kvBytesPerToken: number;
}

export type ModelFileResult = { ok: true; value: ModelFile } | { ok: false; error: string };

/** Path of the built-in model `name`, writing it when absent. */
export function ensureBuiltinGguf(name: keyof typeof BUILTIN_LLAMA_MODELS): string {
  const file = path.join(modelCacheDir(), `${name}.g${GGUF_GENERATOR_VERSION}.gguf`);
  if (!fs.existsSync(file)) writeLlamaGguf(file, name, BUILTIN_LLAMA_MODELS[name]);
  return file;
}

function kvFromMeta(s: GgufSummary): number {
  const arch = s.architecture ?? 'llama';
  const num = (k: string): number | undefined => {
    const v = s.meta.get(`${arch}.${k}`);
    return typeof v === 'number' ? v : undefined;
  };
  const layers = num('block_count') ?? 0;
  const hidden = num('embedding_length') ?? 0;
  const heads = num('attention.head_count') ?? 1;
  const kvHeads = num('attention.head_count_kv') ?? heads;
  return kvBytesPerToken({ hidden, layers, heads, kvHeads, ffn: 0, contextLength: 0, weightType: 'f16' });
}

/**
 * Resolves `model` (after the agent's alias map): a built-in name, or a path ending in `.gguf`.
 * `baseDir` anchors relative paths.
 */
export function resolveModelFile(model: string, baseDir = process.cwd()): ModelFileResult {
  let file: string;
  if (isBuiltinLlama(model)) {
    try {
      file = ensureBuiltinGguf(model);
    } catch (err) {
      return {
        ok: false,
        error: `writing built-in model ${model}: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  } else if (model.toLowerCase().endsWith('.gguf')) {
    file = path.resolve(baseDir, model);
  } else {
    return {
      ok: false,
      error: `unknown model ${JSON.stringify(model)}: built-in llama models are ${Object.keys(BUILTIN_LLAMA_MODELS).join(', ')}, or give a path to a .gguf file`,
    };
  }
  const c = checkGguf(file);
  if (!c.ok) return c;
  return { ok: true, value: { file, summary: c.value, kvBytesPerToken: kvFromMeta(c.value) } };
}
