/**
 * Built-in llama-architecture models with random weights, written as GGUF by gguf-writer.ts.
 * Nothing can be downloaded here, and llama.cpp's speed depends on the shapes and the weight
 * type, not on the weight values — so a random model of a real shape times like a trained one
 * (its output text is noise). Shapes follow the Llama recipe (RMSNorm, RoPE, SwiGLU with
 * ffn ≈ 8/3 · hidden rounded to a multiple of 32, head dim 64); sizes bracket what small edge
 * boxes serve: ~20 M (tests), ~100 M, ~400 M parameters. The vocabulary is byte-level: 3 control
 * tokens (<unk>, <s>, </s>), the 256 byte tokens `<0x00>`…`<0xFF>` and SentencePiece's word
 * marker `▁` (so a space detokenizes back to a space), so any text tokenizes by byte fallback and
 * the output layer is small. Prompts of the agent protocol are synthetic ids among the byte tokens.
 */

import type { GgmlType } from './gguf-format.js';

export interface LlamaShape {
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly ffn: number;
  readonly contextLength: number;
  /** Weight type of the matrices (norms stay f32). */
  readonly weightType: GgmlType;
}

export const BYTE_VOCAB = 3 + 256 + 1;
/** First and one-past-last id of the byte tokens. */
export const BYTE_TOKENS = { first: 3, end: 259 } as const;

export const BUILTIN_LLAMA_MODELS = {
  'llama-20m': { hidden: 512, layers: 6, heads: 8, kvHeads: 8, ffn: 1408, contextLength: 2048, weightType: 'q8_0' },
  'llama-100m': { hidden: 768, layers: 14, heads: 12, kvHeads: 12, ffn: 2048, contextLength: 2048, weightType: 'q8_0' },
  'llama-400m': {
    hidden: 1024,
    layers: 32,
    heads: 16,
    kvHeads: 16,
    ffn: 2816,
    contextLength: 2048,
    weightType: 'q8_0',
  },
} as const satisfies Record<string, LlamaShape>;
export type BuiltinLlamaName = keyof typeof BUILTIN_LLAMA_MODELS;

export const isBuiltinLlama = (name: string): name is BuiltinLlamaName => Object.hasOwn(BUILTIN_LLAMA_MODELS, name);

export interface TensorSpec {
  readonly name: string;
  /** ggml order: innermost (contiguous) dimension first. */
  readonly dims: readonly number[];
  readonly type: GgmlType;
}

/** llama.cpp's tensor names and shapes for the llama architecture (LLM_ARCH_LLAMA). */
export function llamaTensors(s: LlamaShape): TensorSpec[] {
  const headDim = s.hidden / s.heads;
  const kvDim = headDim * s.kvHeads;
  const w = s.weightType;
  const t: TensorSpec[] = [{ name: 'token_embd.weight', dims: [s.hidden, BYTE_VOCAB], type: w }];
  for (let i = 0; i < s.layers; i++) {
    const b = `blk.${i}`;
    t.push(
      { name: `${b}.attn_norm.weight`, dims: [s.hidden], type: 'f32' },
      { name: `${b}.attn_q.weight`, dims: [s.hidden, s.hidden], type: w },
      { name: `${b}.attn_k.weight`, dims: [s.hidden, kvDim], type: w },
      { name: `${b}.attn_v.weight`, dims: [s.hidden, kvDim], type: w },
      { name: `${b}.attn_output.weight`, dims: [s.hidden, s.hidden], type: w },
      { name: `${b}.ffn_norm.weight`, dims: [s.hidden], type: 'f32' },
      { name: `${b}.ffn_gate.weight`, dims: [s.hidden, s.ffn], type: w },
      { name: `${b}.ffn_up.weight`, dims: [s.hidden, s.ffn], type: w },
      { name: `${b}.ffn_down.weight`, dims: [s.ffn, s.hidden], type: w },
    );
  }
  t.push(
    { name: 'output_norm.weight', dims: [s.hidden], type: 'f32' },
    { name: 'output.weight', dims: [s.hidden, BYTE_VOCAB], type: w },
  );
  return t;
}

export function paramCount(s: LlamaShape): number {
  return llamaTensors(s).reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0);
}

/** KV cache bytes per token of context: K and V, every layer, kv heads × head dim, f16. */
export function kvBytesPerToken(s: LlamaShape): number {
  return 2 * s.layers * s.kvHeads * (s.hidden / s.heads) * 2;
}

/** llama.cpp's `general.file_type` (llama_ftype) for a model whose matrices are `w`. */
export const FILE_TYPE: Readonly<Record<GgmlType, number>> = { f32: 0, f16: 1, q4_0: 2, q8_0: 7 };

export function byteVocab(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3]; // UNKNOWN, CONTROL, CONTROL (llama_token_type)
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6); // BYTE
  }
  tokens.push('\u2581');
  types.push(1); // NORMAL
  return { tokens, scores: tokens.map(() => 0), types };
}
