/**
 * Memory pressure on unified-memory boards (issue 18), for devices with `memory_pressure: true`.
 * The OS and runtime keep the catalog's `os_reserve_gb` of the board's RAM (taken off the pool
 * when the scenario is resolved, so placement and policies see the real free memory); weights, KV
 * cache and activations share what is left.
 *
 * llama.cpp-style engines allocate the KV cache for their whole context when the model is set up,
 * and edge runtimes (Ollama) set it up at the first request: an instance whose context cannot fit
 * beside the weights on the board is killed by the OOM killer at its first request — it becomes
 * `failed`, and the requests it holds (and any later routed to it) fail with reason `oom`.
 * The context is the largest prompt + output the service can draw (a lognormal without `max`:
 * mean × 8, an assumption covering its 99.9th percentile at cv ≤ 1). Only devices with the reserve
 * applied are checked: datacenter GPUs keep their own memory apart from the host OS.
 */
import type { ServiceConfig } from '../../scenarios/index.js';
import type { TokenSpec } from '../../traces/index.js';
import type { Instance } from '../host/instance.js';
import type { World } from '../host/world.js';

function maxTokens(t: TokenSpec): number {
  switch (t.dist) {
    case 'fixed':
      return t.value;
    case 'uniform':
      return t.max;
    case 'lognormal':
      return t.max ?? t.mean * 8;
  }
}

/** Tokens of the longest request of `svc` (prompt + output). */
export function contextTokens(svc: ServiceConfig): number {
  return maxTokens(svc.promptTokens) + maxTokens(svc.outputTokens);
}

/**
 * Bytes beyond the weights the instance's stage `k` needs at load: KV for one full context and
 * one step's activations, for its share of the layers.
 */
export function loadBytesBeyondWeights(svc: ServiceConfig, share: number, maxStepTokens: number): number {
  const ctx = contextTokens(svc);
  const m = svc.model;
  return ctx * m.kvBytesPerToken * share + m.activationBytesPerToken * Math.min(ctx, maxStepTokens);
}

/** True when a stage of the LLM instance sits on a reserve-declaring board without room for its context. */
export function oomAtLoad(w: World, inst: Instance): boolean {
  if (inst.llm === null) return false;
  const svc = w.scenario.services[inst.service]!;
  for (let k = 0; k < inst.stageDevices.length; k++) {
    const spec = w.scenario.devices[inst.stageDevices[k]!]!.spec;
    if (spec.osReserveBytes === undefined) continue;
    const share = inst.stageWeights[k]! / svc.model.weightBytes;
    const need = loadBytesBeyondWeights(svc, share, inst.maxStepTokens);
    if (need > w.lanes.free(inst.stageLanes[k]!)) return true;
  }
  return false;
}
