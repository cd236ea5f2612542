/** runtime/controller — the live controller: `replay` (same policies, wall clock), agent client, testbed reading. */
export { replay, createPolicy, type ReplayOptions, type ReplayOutput, type DeviceEvent } from './controller.js';
export { AgentClient, DEFAULT_TIMEOUTS, type AgentEndpoint, type CallTimeouts, type CallResult } from './agent-client.js';
export { loadTestbed, parseTestbed, type Testbed, type TestbedAgent, type TestbedResult } from './testbed.js';
