/**
 * runtime/backends — what an agent runs instances on: `onnx` (built-in generated models on
 * onnxruntime-node), `openai` (an OpenAI-compatible streaming server), `serial` (HC-05/FPGA over
 * the framed serial protocol, docs/serial-protocol.md), `llama` (llama.cpp in-process through
 * node-llama-cpp, built-in random-weight GGUF models or a user's .gguf). `createBackend` picks one.
 */
import os from 'node:os';
import type { BackendKind } from '../protocol/index.js';
import type { Backend } from './types.js';
import { OnnxBackend } from './onnx/onnx-backend.js';
import { OpenAiBackend } from './openai/openai-backend.js';
import { SerialBackend } from './serial/serial-backend.js';
import { LlamaBackend, checkLlamaOptions } from './llama/llama-backend.js';

export * from './types.js';
export { OnnxBackend, type OnnxBackendOptions } from './onnx/onnx-backend.js';
export { BUILTIN_MODELS, isBuiltinModel, type BuiltinModelName } from './onnx/models.js';
export { encodeModel } from './onnx/onnx-writer.js';
export { OpenAiBackend, type OpenAiBackendOptions } from './openai/openai-backend.js';
export * from './serial/index.js';
export * from './llama/index.js';

export interface BackendOptions {
  readonly kind: BackendKind;
  readonly threads: number;
  readonly aliases?: Readonly<Record<string, string>>;
  readonly upstream?: string;
  readonly upstreamModel?: string;
  readonly upstreamApi?: 'completions' | 'chat';
  readonly device?: string;
  readonly baud?: number;
  readonly ackTimeoutMs?: number;
  readonly retries?: number;
  readonly maxResultBytes?: number;
  /** llama: parallel sequences per instance, context tokens per sequence, memory budget (bytes). */
  readonly sequences?: number;
  readonly contextTokens?: number;
  readonly memoryBytes?: number;
}

export type BackendResult = { ok: true; backend: Backend } | { ok: false; message: string };

export function createBackend(o: BackendOptions): BackendResult {
  switch (o.kind) {
    case 'onnx':
      return {
        ok: true,
        backend: new OnnxBackend({ threads: o.threads, ...(o.aliases !== undefined ? { aliases: o.aliases } : {}) }),
      };
    case 'openai':
      if (o.upstream === undefined || o.upstreamModel === undefined)
        return { ok: false, message: 'the openai backend needs --upstream and --upstream-model' };
      return {
        ok: true,
        backend: new OpenAiBackend({
          upstream: o.upstream,
          upstreamModel: o.upstreamModel,
          api: o.upstreamApi ?? 'completions',
        }),
      };
    case 'serial':
      if (o.device === undefined)
        return { ok: false, message: 'the serial backend needs --device (e.g. /dev/ttyUSB0 or /dev/rfcomm0)' };
      return {
        ok: true,
        backend: new SerialBackend({
          device: o.device,
          baud: o.baud ?? 115200,
          ...(o.ackTimeoutMs !== undefined ? { ackTimeoutMs: o.ackTimeoutMs } : {}),
          ...(o.retries !== undefined ? { retries: o.retries } : {}),
          ...(o.maxResultBytes !== undefined ? { maxResultBytes: o.maxResultBytes } : {}),
        }),
      };
    case 'llama': {
      const c = checkLlamaOptions({
        threads: o.threads,
        sequences: o.sequences ?? 4,
        contextTokens: o.contextTokens ?? 1024,
        memoryBytes: o.memoryBytes ?? os.totalmem(),
        ...(o.aliases !== undefined ? { aliases: o.aliases } : {}),
      });
      return c.ok ? { ok: true, backend: new LlamaBackend(c.value) } : { ok: false, message: c.message };
    }
  }
}
