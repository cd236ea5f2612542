/**
 * runtime/ — the thin live side: controller (same policies on the wall clock), device agent,
 * backends, profiling and sim-vs-live validation.
 * Reading guide: `controller/controller.ts` (replay), `clock/` (the only wall-clock reader),
 * `profile/` (profile CSV), `validate/` (profile → simulate → replay → compare),
 * `protocol/` (agent HTTP messages, docs/agent-protocol.md).
 */
export * from './clock/index.js';
export * from './controller/index.js';
export * from './profile/index.js';
export * from './agent/index.js';
export * from './backends/index.js';
export * from './validate/index.js';
