/**
 * The serving framework an LLM service runs on (`framework:` on a scenario service, the
 * `framework` column of a calibrate table). The hardware bounds a step; the software decides how
 * close to the bound it gets — prefill GEMM and attention kernels, batched-decode kernels and the
 * fixed cost of a step differ between llama.cpp, vLLM, TensorRT-LLM and MLC on the same device
 * (docs/fidelity.md "Framework"). `generic` (the default) uses the efficiencies fitted on every
 * shared row together, whatever the framework.
 */
export const SERVING_FRAMEWORKS = ['generic', 'llama.cpp', 'vllm', 'tensorrt-llm', 'mlc'] as const;
export type ServingFramework = (typeof SERVING_FRAMEWORKS)[number];
export const DEFAULT_FRAMEWORK: ServingFramework = 'generic';

export function isServingFramework(x: string): x is ServingFramework {
  return (SERVING_FRAMEWORKS as readonly string[]).includes(x);
}

/**
 * Frameworks whose prefill GEMMs accumulate in FP16 (or run int8 MMQ with int32 accumulation),
 * so they run against a device's FP16-accumulate peak (`flops_fp16_acc_per_gpu`, 2× the
 * FP32-accumulate figure on GeForce and GB10): llama.cpp's CUDA backend multiplies F16 weights
 * with cuBLAS in CUBLAS_COMPUTE_16F and quantized ones with its MMQ int8 kernels. vLLM and
 * TensorRT-LLM (PyTorch / TensorRT GEMMs) accumulate in FP32.
 */
export const FP16_ACCUMULATE_FRAMEWORKS: readonly ServingFramework[] = ['llama.cpp'];
