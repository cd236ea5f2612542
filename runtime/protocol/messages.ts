/**
 * The agent HTTP protocol (docs/agent-protocol.md), version 1: every request and response body
 * as a zod 4 schema plus its TypeScript type. The agent validates what it receives with these
 * schemas and the controller validates what it gets back with the same ones, so the two cannot
 * drift. Keys are camelCase JSON; durations are milliseconds (`…Ms`), sizes bytes (`…Bytes`),
 * wall-clock instants Unix epoch milliseconds (`…AtMs`).
 *
 * Stability: fields may be ADDED (optional) — never renamed or removed — while
 * `PROTOCOL_VERSION` stays 1.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1 as const;
/** Largest request body the agent reads; anything larger is answered 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const ServiceKindSchema = z.enum(['llm', 'segmentation']);
export type AgentServiceKind = z.infer<typeof ServiceKindSchema>;

/** DESIGN.md lifecycle: pending → loading → ready → draining → gone, or failed. */
export const LifecycleStateSchema = z.enum(['pending', 'loading', 'ready', 'draining', 'gone', 'failed']);
export type LifecycleState = z.infer<typeof LifecycleStateSchema>;

export const BackendKindSchema = z.enum(['onnx', 'openai', 'serial', 'llama']);
export type BackendKind = z.infer<typeof BackendKindSchema>;

/** Identifier accepted in URLs: letters, digits, `.`, `_`, `-`, `:`; 1–128 chars. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'ids are 1-128 chars of A-Z a-z 0-9 . _ - :');

/** Half-open range of model blocks [start, end) this instance runs (pipeline stage). */
export const LayerRangeSchema = z
  .strictObject({
    start: z.number().int().nonnegative(),
    end: z.number().int().positive(),
  })
  .refine((r) => r.end > r.start, { message: 'layers.end must be greater than layers.start' });
export type LayerRange = z.infer<typeof LayerRangeSchema>;

// ---------------------------------------------------------------- POST /v1/instances
export const DeployRequestSchema = z.strictObject({
  instanceId: IdSchema,
  /** Scenario service name (label; used in records). */
  service: z.string().min(1).max(128),
  kind: ServiceKindSchema,
  /** Model name: a built-in generated model on `onnx`; a label on `openai`/`serial`. */
  model: z.string().min(1).max(128),
  layers: LayerRangeSchema.optional(),
  /** Pipeline stage index and count (informational; `layers` decides the compute). */
  stage: z
    .strictObject({ index: z.number().int().nonnegative(), of: z.number().int().positive() })
    .refine((s) => s.index < s.of, { message: 'stage.index must be below stage.of (stages count from 0)' })
    .optional(),
});
export type DeployRequest = z.infer<typeof DeployRequestSchema>;

export const InstanceInfoSchema = z.object({
  instanceId: z.string(),
  service: z.string(),
  kind: ServiceKindSchema,
  model: z.string(),
  state: LifecycleStateSchema,
  /** When the instance entered `state`, epoch ms (agent clock). */
  sinceAtMs: z.number(),
  /** Set when state is `failed`: why. */
  error: z.string().optional(),
  /** Requests waiting for their first compute step on this instance. */
  queueLength: z.number().int().nonnegative(),
  /** Requests that started and have not finished. */
  running: z.number().int().nonnegative(),
  /** Requests finished (ok or error) since deploy. */
  served: z.number().int().nonnegative(),
  /** Estimated bytes of weights held by this instance. */
  memoryBytes: z.number().nonnegative(),
  /** Duration of the load (loading → ready/failed), ms; absent until known. */
  loadMs: z.number().nonnegative().optional(),
  layers: z.object({ start: z.number(), end: z.number() }).optional(),
});
export type InstanceInfo = z.infer<typeof InstanceInfoSchema>;

// ---------------------------------------------------------------- GET /v1/state (heartbeat)
export const HealthSchema = z.enum(['ok', 'degraded']);
export const AgentStateSchema = z.object({
  protocolVersion: z.literal(PROTOCOL_VERSION),
  agentVersion: z.string(),
  /** --name, or host:port when not given. */
  deviceId: z.string(),
  backend: BackendKindSchema,
  startedAtMs: z.number(),
  nowMs: z.number(),
  /** Increments on every state change of any instance; lets a poller skip unchanged states. */
  generation: z.number().int().nonnegative(),
  threads: z.number().int().positive(),
  slowdown: z.number().positive(),
  memory: z.object({ totalBytes: z.number().nonnegative(), freeBytes: z.number().nonnegative() }),
  /** Sum over instances. */
  queueLength: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  health: HealthSchema,
  /** Why health is not ok (backend unreachable, …). */
  healthDetail: z.string().optional(),
  /** Busy fraction of the compute executor over the last `utilizationWindowMs`, 0..1. */
  utilization: z.number().min(0).max(1),
  utilizationWindowMs: z.number().positive(),
  /** Live instances plus those that went `gone`/`failed` in the last 60 s. */
  instances: z.array(InstanceInfoSchema),
});
export type AgentState = z.infer<typeof AgentStateSchema>;

// ---------------------------------------------------------------- POST /v1/instances/:id/generate
export const GenerateRequestSchema = z.strictObject({
  promptTokens: z.number().int().positive().max(65536),
  outputTokens: z.number().int().positive().max(65536),
  /** Caller's id, echoed in chunks. */
  requestId: z.string().max(128).optional(),
  /** Seed for the synthetic prompt's token ids (default 0). */
  seed: z.number().int().nonnegative().optional(),
});
export type GenerateRequest = z.infer<typeof GenerateRequestSchema>;

/**
 * The response is `application/x-ndjson`: one JSON object per line, flushed as produced.
 * Exactly `outputTokens` `token` chunks, then one `done` — or an `error` chunk at any point.
 * `agentMs` is milliseconds since the agent received the request (agent clock); TTFT/TPOT are
 * measured by the client on arrival of each line.
 */
export const TokenChunkSchema = z.object({
  type: z.literal('token'),
  index: z.number().int().nonnegative(),
  tokenId: z.number().int().nonnegative(),
  /** Text of the token when the backend has one (openai). */
  text: z.string().optional(),
  agentMs: z.number().nonnegative(),
});
export const DoneChunkSchema = z.object({
  type: z.literal('done'),
  requestId: z.string().optional(),
  tokens: z.number().int().nonnegative(),
  /** Time spent waiting for the executor before the first step, ms. */
  queueMs: z.number().nonnegative(),
  /** Prefill step (time to first token inside the agent, compute + emulated slowdown), ms. */
  prefillMs: z.number().nonnegative(),
  /** All decode steps together, ms. */
  decodeMs: z.number().nonnegative(),
  agentMs: z.number().nonnegative(),
  /**
   * The agent's monotonic clock (s) when it received the request: token `agentMs` of requests to
   * one agent compare on one clock as `startedAtS + agentMs / 1000` (the profiler's lock-step window).
   */
  startedAtS: z.number().nonnegative().optional(),
});
/**
 * The request got its place in the engine's batch (a llama.cpp sequence), before its prefill:
 * from here it is running, not queued. Sent by backends that hold such places (llama); without
 * it the controller counts a request as running from its first token.
 */
export const AdmittedChunkSchema = z.object({
  type: z.literal('admitted'),
  agentMs: z.number().nonnegative(),
});
export const ErrorChunkSchema = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  agentMs: z.number().nonnegative(),
});
export const GenerateChunkSchema = z.discriminatedUnion('type', [
  AdmittedChunkSchema,
  TokenChunkSchema,
  DoneChunkSchema,
  ErrorChunkSchema,
]);
export type TokenChunk = z.infer<typeof TokenChunkSchema>;
export type DoneChunk = z.infer<typeof DoneChunkSchema>;
export type ErrorChunk = z.infer<typeof ErrorChunkSchema>;
export type GenerateChunk = z.infer<typeof GenerateChunkSchema>;

// ---------------------------------------------------------------- POST /v1/instances/:id/segment
/**
 * JSON body: synthetic frames derived from `seed`. Alternatively the body may be raw bytes
 * (`Content-Type: application/octet-stream`) with `?frames=&width=&height=` in the query: uint8
 * RGB, interleaved, frames×height×width×3 bytes.
 */
export const SegmentRequestSchema = z.strictObject({
  frames: z.number().int().positive().max(64),
  width: z.number().int().positive().max(1024),
  height: z.number().int().positive().max(1024),
  requestId: z.string().max(128).optional(),
  seed: z.number().int().nonnegative().optional(),
});
export type SegmentRequest = z.infer<typeof SegmentRequestSchema>;

export const SegmentResponseSchema = z.object({
  requestId: z.string().optional(),
  frames: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Per frame: pixels whose mask probability is > 0.5, and the mean probability. */
  masks: z.array(
    z.object({ foregroundPixels: z.number().int().nonnegative(), meanProbability: z.number().min(0).max(1) }),
  ),
  queueMs: z.number().nonnegative(),
  computeMs: z.number().nonnegative(),
  agentMs: z.number().nonnegative(),
});
export type SegmentResponse = z.infer<typeof SegmentResponseSchema>;

// ---------------------------------------------------------------- errors (every non-2xx)
export const ErrorCodeSchema = z.enum([
  'bad_request',
  'unauthorized',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'not_ready',
  'backend_error',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;
export const ErrorBodySchema = z.object({
  error: z.object({ code: ErrorCodeSchema, message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** HTTP status of each error code. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_ready: 409,
  backend_error: 502,
  internal: 500,
};
