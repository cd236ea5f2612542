/** Shared types of the agent HTTP protocol (docs/agent-protocol.md): used by agent and controller. */
export * from './messages.js';
