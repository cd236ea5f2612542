/**
 * runtime/backends/llama — llama.cpp through node-llama-cpp: the backend (llama-backend.ts), its
 * sequence slots, the built-in random-weight models and their GGUF writer, and the GGUF file check.
 */
export { LlamaBackend, checkLlamaOptions, type LlamaBackendOptions } from './llama-backend.js';
export {
  BUILTIN_LLAMA_MODELS,
  isBuiltinLlama,
  paramCount,
  kvBytesPerToken,
  type LlamaShape,
  type BuiltinLlamaName,
} from './llama-models.js';
export { writeLlamaGguf } from './gguf-writer.js';
export { checkGguf, type GgufCheck, type GgufSummary } from './gguf-check.js';
export { resolveModelFile, ensureBuiltinGguf } from './model-files.js';
