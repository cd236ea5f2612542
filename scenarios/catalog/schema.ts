/**
 * The catalog's YAML schema (zod 4): what a scenario's `catalog:` section, a `--catalog FILE` and
 * the built-in data files (scenarios/catalog/*.yaml) may declare. Key names follow issue #13
 * exactly, so catalogs written by others keep working; units are in the names (`_gb_s` GB/s,
 * `_bps` bits/s, `_ms` milliseconds, `_w` watts). Every object is strict: an unknown key is an
 * error with a did-you-mean. Cross-references (a profile row's device and model) are checked in
 * build.ts, which sees the merged catalog.
 */
import { z } from 'zod';

const key = () => z.string().min(1);
const positive = () => z.number().positive();
const count = () => z.number().int().positive();
const source = () => z.string().min(1).optional();

export const LINK_KINDS = ['nvlink', 'pcie', 'ethernet', 'wifi', 'wan', 'ble', 'bt-serial', 'usb-uart'] as const;

/** One nvpmodel-style power mode: a measured throughput ratio to the entry's own figures and its power. */
const powerModeEntry = z.strictObject({
  name: z.string().min(1),
  /** Throughput relative to the entry's figures and profile rows (1 = the mode they were measured in). */
  throughput_scale: positive(),
  busy_w: z.number().nonnegative(),
  idle_w: z.number().nonnegative().optional(),
  source: source(),
});

/** First-order thermal model (docs/sim-models.md "Thermal throttling"); one (R, τ) per cooling. */
const coolingEntry = z.strictObject({ r_k_per_w: positive(), tau_s: positive(), source: source() });
const thermalEntry = z.strictObject({
  ambient_c: z.number(),
  throttle_c: z.number(),
  critical_c: z.number(),
  /** Clock ratio at or past critical_c (e.g. Pi 5: 1.5 / 2.4 GHz). */
  min_clock_ratio: z.number().positive().max(1),
  cooling: z.strictObject({
    active: coolingEntry.optional(),
    passive: coolingEntry.optional(),
    none: coolingEntry.optional(),
  }),
  source: source(),
});

export const deviceEntrySchema = z.strictObject({
  key: key(),
  name: z.string().min(1),
  device_class: z.enum(['gpu-server', 'jetson', 'microcomputer', 'fpga']),
  gpus: count(),
  memory_gb_per_gpu: positive(),
  mem_bandwidth_gb_s: positive(),
  flops_per_gpu: positive(),
  /**
   * Dense FP16 tensor FLOP/s with FP16 accumulation, where the part runs it faster than
   * `flops_per_gpu` (GeForce and GB10: twice the FP32-accumulate rate vendors quote as "FP16");
   * llama.cpp's prefill GEMMs accumulate in FP16 (docs/sim-models.md "Step cost").
   */
  flops_fp16_acc_per_gpu: positive().optional(),
  intra_node: z.enum(['nvlink', 'pcie', 'none']),
  busy_w: z.number().nonnegative().nullable(),
  idle_w: z.number().nonnegative().nullable(),
  intra_node_gbps: positive().optional(),
  storage_gb_s: positive().optional(),
  pipeline_latency_ms: positive().optional(),
  /** Power modes a scenario may pick with `power_mode` (Jetson nvpmodel); `default_power_mode` names the entry's own. */
  power_modes: z.array(powerModeEntry).min(1).optional(),
  default_power_mode: z.string().min(1).optional(),
  thermal: thermalEntry.optional(),
  /** Unified-memory boards: GB the OS and runtime keep (not available to weights, KV or activations). */
  os_reserve_gb: z.number().nonnegative().optional(),
  source: source(),
});

const llmEntry = z.strictObject({
  key: key(),
  name: z.string().min(1),
  kind: z.literal('llm'),
  params_b: positive(),
  /**
   * Mixture of experts (all three or none): parameters one token reads (billions), experts per
   * layer, experts per token.
   */
  active_params_b: positive().optional(),
  experts: count().optional(),
  active_experts: count().optional(),
  layers: count(),
  hidden: count(),
  kv_heads: count(),
  head_dim: count(),
  bytes_per_weight: positive(),
  source: source(),
});

const segmentationEntry = z.strictObject({
  key: key(),
  name: z.string().min(1),
  kind: z.literal('segmentation'),
  params_b: positive(),
  layers: count(),
  bytes_per_weight: positive(),
  input_bytes: z.number().int().nonnegative(),
  output_bytes: z.number().int().nonnegative(),
  gflops_per_item: positive(),
  /** Bytes of the feature map crossing a mid-network cut, per item (pipeline splits). */
  cut_bytes: z.number().int().nonnegative().optional(),
  source: source(),
});

export const modelEntrySchema = z.discriminatedUnion('kind', [llmEntry, segmentationEntry]);

export const linkEntrySchema = z.strictObject({
  key: key(),
  name: z.string().min(1),
  kind: z.enum(LINK_KINDS),
  nominal_bps: positive(),
  efficiency: z.number().positive().max(1),
  latency_ms: z.number().nonnegative(),
  /** Serial links: `baud` may be set in a scenario within min..max (and from the table if given). */
  min_baud: count().optional(),
  max_baud: count().optional(),
  standard_bauds: z.array(count()).min(1).optional(),
  source: source(),
});

/** One published figure; LLM rows carry tok/s, segmentation rows a per-item latency. */
export const profileEntrySchema = z.strictObject({
  device: key(),
  model: key(),
  batch: count(),
  prompt_tokens: count().optional(),
  prefill_tok_s: positive().optional(),
  decode_tok_s: positive().optional(),
  latency_ms: positive().optional(),
  /** Output tokens per request of the measurement (default 128, llama-bench tg128). */
  output_tokens: count().optional(),
  /** decode_tok_s is a closed-loop output throughput with TTFT included (vLLM bench serve), not a pure decode rate. */
  closed_loop: z.boolean().optional(),
  source: source(),
});

export const catalogSectionSchema = z.strictObject({
  devices: z.array(deviceEntrySchema).optional(),
  models: z.array(modelEntrySchema).optional(),
  links: z.array(linkEntrySchema).optional(),
  /** Inline rows, or the path of a profile CSV (as `parasim profile` writes it), relative to this file. */
  profiles: z.union([z.array(profileEntrySchema), z.string().min(1)]).optional(),
});

export type RawDevice = z.infer<typeof deviceEntrySchema>;
export type RawModel = z.infer<typeof modelEntrySchema>;
export type RawLink = z.infer<typeof linkEntrySchema>;
export type RawProfile = z.infer<typeof profileEntrySchema>;
export type RawCatalog = z.infer<typeof catalogSectionSchema>;
