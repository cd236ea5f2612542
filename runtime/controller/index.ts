/**
 * runtime/controller — the live controller and the loopback testbed.
 * Reading guide: `controller.ts` (`replay`: same policies on the wall clock; its options object
 * is stable), `testbed.ts` (testbed YAML), `testbed-launcher.ts` (`testbed up|down|status`),
 * `agent-client.ts` / `agent-monitor.ts` (HTTP to agents, heartbeats), `cluster-views.ts`,
 * `placement-realizer.ts`, `request-runner.ts`. Docs: docs/testbed.md, docs/agent-protocol.md.
 */
export {
  replay,
  createPolicy,
  decisionStats,
  type ReplayOptions,
  type ReplayOutput,
  type DeviceEvent,
  type RoundTripSample,
} from './controller.js';
export {
  AgentClient,
  DEFAULT_TIMEOUTS,
  type AgentEndpoint,
  type CallTimeouts,
  type CallResult,
} from './agent-client.js';
export { MISSES_TO_DEAD } from './agent-monitor.js';
export {
  parseTestbedSpec,
  loadTestbedSpec,
  resolveTestbed,
  type Testbed,
  type TestbedAgent,
  type TestbedAgentSpec,
  type TestbedSpec,
  type TestbedResult,
  type SpecResult,
} from './testbed.js';
export {
  testbedUp,
  testbedDown,
  testbedStatus,
  loadTestbed,
  testbedFromSpec,
  readTestbedState,
  isAgentProcess,
  writeFileAtomic,
  type TestbedState,
  type LaunchedAgentState,
  type LaunchOptions,
  type UpResult,
  type AgentStatus,
} from './testbed-launcher.js';
