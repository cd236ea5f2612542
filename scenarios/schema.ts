/**
 * The scenario YAML schema (zod 4). Keys are snake_case and carry their unit (`horizon_s`,
 * `rate_per_s`, `latency_ms`), so a number never has to be guessed. Every object is strict: an
 * unknown key is an error with a did-you-mean, never silently ignored. Catalog keys and policy
 * names are enums (built per catalog: `scenarioSchemaFor`) so the JSON Schema (`parasim schema`) lets editors complete them.
 * Cross-references (link endpoints, ingress, fault targets, policy params) are checked later in
 * resolve.ts, which has the whole document.
 */
import { z } from 'zod';
import { POLICY_NAMES } from '../policies/index.js';
import { builtinCatalog } from './catalog/builtin.js';
import { catalogSectionSchema } from './catalog/schema.js';
import type { Catalog } from './types.js';
import { SCENARIO_LIMITS } from './limits.js';
import { SERVING_FRAMEWORKS } from './frameworks.js';

const keysOf = (r: Readonly<Record<string, unknown>>): [string, ...string[]] => Object.keys(r) as [string, ...string[]];

const seconds = () => z.number().positive();
const atSeconds = () => z.number().nonnegative();
const ratePerS = () => z.number().positive();
/** Ids name devices, links and services in messages and results: bounded so a pasted blob is not echoed. */
const id = () => z.string().min(1).max(256);

const tokenSpec = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('fixed'), value: z.number().int().positive() }),
  z.strictObject({
    dist: z.literal('lognormal'),
    mean: z.number().positive(),
    cv: z.number().nonnegative(),
    max: z.number().int().positive().optional(),
  }),
  z.strictObject({ dist: z.literal('uniform'), min: z.number().int().positive(), max: z.number().int().positive() }),
]);

const traceColumns = z.strictObject({
  time: z.string().min(1),
  time_unit: z.enum(['s', 'ms', 'us', 'iso']),
  prompt_tokens: z.string().min(1).optional(),
  output_tokens: z.string().min(1).optional(),
});

const traceTransform = z.strictObject({
  window_s: z.strictObject({ start_s: atSeconds(), end_s: seconds() }).optional(),
  rate_scale: z.number().positive().optional(),
  max_prompt_tokens: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive().optional(),
});

export const arrivalSchema = z.discriminatedUnion('process', [
  z.strictObject({ process: z.literal('poisson'), rate_per_s: ratePerS() }),
  z.strictObject({ process: z.literal('gamma'), rate_per_s: ratePerS(), cv: z.number().positive() }),
  z.strictObject({
    process: z.literal('diurnal'),
    mean_rate_per_s: ratePerS(),
    amplitude: z.number().min(0).lt(1),
    period_s: seconds(),
  }),
  z.strictObject({
    process: z.literal('onoff'),
    on_rate_per_s: ratePerS(),
    mean_on_s: seconds(),
    mean_off_s: seconds(),
  }),
  z.strictObject({ process: z.literal('periodic'), streams: z.number().int().positive(), fps: z.number().positive() }),
  z.strictObject({
    process: z.literal('closed'),
    concurrency: z.number().int().positive(),
    think_s: atSeconds().optional(),
    think_dist: z.enum(['fixed', 'exponential']).optional(),
  }),
  z.strictObject({
    process: z.literal('trace'),
    format: z.enum(['azure-llm-2023', 'azure-llm-2024', 'burstgpt', 'mooncake', 'azure-functions-2021', 'csv']),
    path: z.string().min(1),
    columns: traceColumns.optional(),
    transform: traceTransform.optional(),
    skip_bad_rows: z.boolean().optional(),
  }),
]);

/** One of {ttft_s, tpot_s} | {e2e_s} | {deadline_s}; which combination is checked in resolve.ts. */
const sloSchema = z.strictObject({
  ttft_s: seconds().optional(),
  tpot_s: seconds().optional(),
  e2e_s: seconds().optional(),
  deadline_s: seconds().optional(),
});

const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('device-crash'),
    device: id(),
    at_s: atSeconds(),
    recover_after_s: seconds().nullable().optional(),
  }),
  z.strictObject({
    kind: z.literal('device-crash-rate'),
    devices: z.array(id()).min(1),
    mtbf_s: seconds(),
    mttr_s: seconds(),
  }),
  z.strictObject({ kind: z.literal('link-outage'), link: id(), at_s: atSeconds(), duration_s: seconds() }),
  z.strictObject({
    kind: z.literal('link-degrade'),
    link: id(),
    at_s: atSeconds(),
    duration_s: seconds(),
    bandwidth_factor: z.number().positive().max(1),
  }),
  z.strictObject({
    kind: z.literal('sync-loss'),
    probability: z.number().min(0).max(1),
    from_s: atSeconds(),
    to_s: seconds(),
  }),
  z.strictObject({ kind: z.literal('sync-delay'), delay_s: seconds(), from_s: atSeconds(), to_s: seconds() }),
]);

const policySchema = z.strictObject({
  name: z.enum(POLICY_NAMES as [string, ...string[]]).optional(),
  /** A user's ES module exporting a policy factory (docs/writing-a-policy.md), instead of `name`. */
  module: z.string().min(1).optional(),
  params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).optional(),
});

/** Raises the size bounds of limits.ts for this scenario (docs/limits.md). */
const limitsSchema = z.strictObject(
  Object.fromEntries(Object.keys(SCENARIO_LIMITS).map((k) => [k, z.number().positive().optional()])) as Record<
    keyof typeof SCENARIO_LIMITS,
    z.ZodOptional<z.ZodNumber>
  >,
);

/** The scenario schema whose catalog enums list `catalog`'s keys (a `catalog:` section extends them). */
export function scenarioSchemaFor(catalog: Catalog) {
  const serviceSchema = z.strictObject({
    name: id(),
    kind: z.enum(['llm', 'segmentation']),
    model: z.enum(keysOf(catalog.models)),
    slo: sloSchema,
    arrivals: arrivalSchema,
    prompt_tokens: tokenSpec.optional(),
    output_tokens: tokenSpec.optional(),
    ingress: id(),
    category: z
      .strictObject({
        sensitivity: z.enum(['latency', 'frequency']),
        gpus: z.enum(['single', 'multi']),
      })
      .optional(),
    max_batch: z.number().int().positive().optional(),
    /** LLM engine: prompt tokens per step (vLLM max_num_batched_tokens) and chunked prefill. */
    max_batched_tokens: z.number().int().positive().optional(),
    chunked_prefill: z.boolean().optional(),
    preemption: z.enum(['recompute', 'swap']).optional(),
    /** Segmentation: bytes of one encoded frame sent to the device (e.g. a JPEG), instead of the raw input tensor. */
    frame_bytes: z.number().int().positive().optional(),
    /** LLM: serving framework (scenarios/frameworks.ts); default generic. */
    framework: z.enum(SERVING_FRAMEWORKS).optional(),
    /**
     * LLM: most tokens one graph evaluation takes (llama.cpp `n_ubatch`); a step with more runs
     * as several evaluations, each reading the weights and paying the step overhead. Default: no cap.
     */
    ubatch: z.number().int().positive().optional(),
  });

  const deviceSchema = z.strictObject({
    id: id(),
    type: z.enum(keysOf(catalog.devices)),
    /** A group: ids become `<id>-0` … `<id>-<count-1>`. */
    count: z.number().int().positive().optional(),
    /** Emulated slowdown ≥ 1 for weaker variants of the same board. */
    slowdown: z.number().min(1).optional(),
    /** A power mode of the device type (catalog `power_modes`, e.g. Jetson `15W`, `MAXN_SUPER`). */
    power_mode: z.string().min(1).optional(),
    /** Enables the thermal model (throttling) with this cooling; absent = never throttles. */
    cooling: z.enum(['active', 'passive', 'none']).optional(),
    /** Unified memory: keep the catalog's OS reserve out of the pool and OOM-kill what does not fit. */
    memory_pressure: z.boolean().optional(),
  });

  const linkSchema = z.strictObject({
    id: id().optional(),
    a: id(),
    b: id(),
    type: z.enum(keysOf(catalog.links)),
    baud: z.number().int().positive().optional(),
    latency_ms: z.number().nonnegative().optional(),
    bandwidth_mbps: z.number().positive().optional(),
    loss_rate: z.number().min(0).lt(1).optional(),
  });
  return z.strictObject({
    name: id(),
    seed: z.number().int().nonnegative().optional(),
    horizon_s: seconds(),
    /**
     * How instances co-located on one device share it: time-slice (default), priority or fifo
     * (GPU lanes), or processor-sharing (CPU threads under an OS scheduler).
     */
    device_sharing: z.enum(['fifo', 'time-slice', 'priority', 'processor-sharing']).optional(),
    /**
     * Where a policy with sync routes: at every ingress node on its own view (distributed,
     * default), or at one router every request passes through (central: the live controller).
     */
    router: z.enum(['distributed', 'central']).optional(),
    timeline_bucket_s: seconds().optional(),
    policy: policySchema.optional(),
    switches: z.array(id()).optional(),
    devices: z.array(deviceSchema).min(1),
    links: z.array(linkSchema).optional(),
    services: z.array(serviceSchema).min(1),
    faults: z.array(faultSchema).optional(),
    catalog: catalogSectionSchema.optional(),
    limits: limitsSchema.optional(),
  });
}

/** The schema over the built-in catalog (JSON Schema, types). */
export const scenarioSchema = scenarioSchemaFor(builtinCatalog());

export type RawScenario = z.infer<typeof scenarioSchema>;
export type RawService = RawScenario['services'][number];
export type RawLink = NonNullable<RawScenario['links']>[number];
export type RawFault = NonNullable<RawScenario['faults']>[number];
export type RawArrivals = z.infer<typeof arrivalSchema>;

/** The JSON Schema of the scenario YAML (what `parasim schema` prints). */
export function scenarioJsonSchema(): object {
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
}
