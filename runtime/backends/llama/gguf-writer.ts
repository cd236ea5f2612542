/**
 * Writes a llama-architecture GGUF with random weights (llama-models.ts says why random is
 * enough for timing). Weights come from a seeded xorshift stream, so the same shape and seed give
 * the same bytes; the file is written in chunks (a 400 M model is ~440 MB at q8_0) to a temp file
 * renamed into place, so a reader never sees half a model.
 * Values: norms 1.0; q8_0/q4_0 blocks have scale 0.02/127 (resp. 0.02/8) and uniform random
 * quants; f16 weights are random with |w| in [2^-7, 2^-3) — small enough that activations stay finite.
 */
import fs from 'node:fs';
import {
  ByteSink,
  GGML_TYPES,
  GGUF_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  alignUp,
  f16Bits,
  tensorBytes,
  writeMeta,
} from './gguf-format.js';
import type { GgmlType, MetaValue } from './gguf-format.js';
import { BYTE_VOCAB, FILE_TYPE, byteVocab, llamaTensors } from './llama-models.js';
import type { LlamaShape } from './llama-models.js';

const CHUNK_BYTES = 4 << 20;

function metadata(name: string, s: LlamaShape): Array<[string, MetaValue]> {
  const v = byteVocab();
  return [
    ['general.architecture', { t: 'str', v: 'llama' }],
    ['general.name', { t: 'str', v: name }],
    ['general.alignment', { t: 'u32', v: GGUF_ALIGNMENT }],
    ['general.file_type', { t: 'u32', v: FILE_TYPE[s.weightType] }],
    ['llama.context_length', { t: 'u32', v: s.contextLength }],
    ['llama.embedding_length', { t: 'u32', v: s.hidden }],
    ['llama.block_count', { t: 'u32', v: s.layers }],
    ['llama.feed_forward_length', { t: 'u32', v: s.ffn }],
    ['llama.rope.dimension_count', { t: 'u32', v: s.hidden / s.heads }],
    ['llama.rope.freq_base', { t: 'f32', v: 10000 }],
    ['llama.attention.head_count', { t: 'u32', v: s.heads }],
    ['llama.attention.head_count_kv', { t: 'u32', v: s.kvHeads }],
    ['llama.attention.layer_norm_rms_epsilon', { t: 'f32', v: 1e-5 }],
    ['llama.vocab_size', { t: 'u32', v: BYTE_VOCAB }],
    ['tokenizer.ggml.model', { t: 'str', v: 'llama' }],
    ['tokenizer.ggml.tokens', { t: 'strs', v: v.tokens }],
    ['tokenizer.ggml.scores', { t: 'f32s', v: v.scores }],
    ['tokenizer.ggml.token_type', { t: 'i32s', v: v.types }],
    ['tokenizer.ggml.unknown_token_id', { t: 'u32', v: 0 }],
    ['tokenizer.ggml.bos_token_id', { t: 'u32', v: 1 }],
    ['tokenizer.ggml.eos_token_id', { t: 'u32', v: 2 }],
    ['tokenizer.ggml.add_bos_token', { t: 'bool', v: true }],
    ['tokenizer.ggml.add_eos_token', { t: 'bool', v: false }],
  ];
}

/** Seeded xorshift32 filling whole buffers (the hot loop of a 400 M-parameter write). */
class WeightStream {
  private x: number;
  constructor(seed: number) {
    this.x = (seed * 2654435761 + 0x9e3779b9) >>> 0 || 1;
  }
  fill(u32: Uint32Array): void {
    let x = this.x;
    for (let i = 0; i < u32.length; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      u32[i] = x;
    }
    this.x = x;
  }
}

/** One chunk of tensor data of `type`, `bytes` long (a whole number of blocks), random per the header comment. */
function dataChunk(type: GgmlType, bytes: number, rng: WeightStream): Buffer {
  const buf = Buffer.alloc(alignUp(bytes, 4));
  if (type === 'f32') {
    new Float32Array(buf.buffer, buf.byteOffset, bytes / 4).fill(1);
    return buf.subarray(0, bytes);
  }
  rng.fill(new Uint32Array(buf.buffer, buf.byteOffset, buf.length / 4));
  if (type === 'f16') {
    const u16 = new Uint16Array(buf.buffer, buf.byteOffset, bytes / 2);
    // keep sign and mantissa, force the exponent into 8..11 (|w| in [2^-7, 2^-3))
    for (let i = 0; i < u16.length; i++) u16[i] = (u16[i]! & 0x83ff) | ((8 + ((u16[i]! >>> 10) & 3)) << 10);
    return buf.subarray(0, bytes);
  }
  const { blockBytes } = GGML_TYPES[type];
  const scale = f16Bits(type === 'q8_0' ? 0.02 / 127 : 0.02 / 8);
  for (let o = 0; o < bytes; o += blockBytes) buf.writeUInt16LE(scale, o);
  return buf.subarray(0, bytes);
}

/** Writes the model `name` of shape `s` to `file` (temp file + rename); returns the file size. */
export function writeLlamaGguf(file: string, name: string, s: LlamaShape, seed = 1): number {
  const tensors = llamaTensors(s);
  const meta = metadata(name, s);
  const head = new ByteSink();
  head.u32(GGUF_MAGIC);
  head.u32(GGUF_VERSION);
  head.u64(tensors.length);
  head.u64(meta.length);
  for (const [k, v] of meta) writeMeta(head, k, v);
  let offset = 0;
  const sizes: number[] = [];
  for (const t of tensors) {
    head.str(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(GGML_TYPES[t.type].code);
    head.u64(offset);
    const n = tensorBytes(t.type, t.dims);
    sizes.push(n);
    offset += alignUp(n);
  }
  head.zeros(alignUp(head.length) - head.length);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, head.toBuffer());
    const rng = new WeightStream(seed);
    tensors.forEach((t, i) => {
      const { blockBytes } = GGML_TYPES[t.type];
      const chunk = Math.max(blockBytes, Math.floor(CHUNK_BYTES / blockBytes) * blockBytes);
      const n = sizes[i]!;
      for (let done = 0; done < n; done += chunk) fs.writeSync(fd, dataChunk(t.type, Math.min(chunk, n - done), rng));
      const pad = alignUp(n) - n;
      if (pad > 0) fs.writeSync(fd, Buffer.alloc(pad));
    });
  } finally {
    fs.closeSync(fd);
  }
  const size = fs.statSync(tmp).size;
  fs.renameSync(tmp, file);
  return size;
}
