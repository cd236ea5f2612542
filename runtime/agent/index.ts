/**
 * runtime/agent — the device agent (`parasim agent`): an HTTP service per device that deploys
 * model instances on a backend (runtime/backends) and serves inference. Protocol:
 * docs/agent-protocol.md and runtime/protocol/messages.ts. Start with `Agent` + a backend.
 */
export { Agent, AGENT_VERSION, type AgentOptions } from './server.js';
export { Executor } from './executor.js';
