/**
 * The three-agent loopback testbed the controller and validation tests share: agents are this
 * project's built CLI (`parasim agent`, onnx backend) at emulated slowdowns 1, 2 and 4.
 */
import { MAIN } from '../cli-paths.js';

/** How the launcher runs an agent: node and the built CLI (test/global-setup.ts keeps it built). */
export const AGENT_COMMAND = [process.execPath, MAIN];

export const LOOPBACK_TESTBED_YAML = (name: string): string => `name: ${name}
models: { tinyllama-1.1b-q4: lm-tiny, yolo11n-seg: seg-tiny }
segment: { width: 8, height: 8 }
agents:
  - { id: server, device: edge-server, port: 0, threads: 1, slowdown: 1 }
  - { id: nano, device: edge-nano, port: 0, threads: 1, slowdown: 2 }
  - { id: pi, device: edge-pi, port: 0, threads: 1, slowdown: 4 }
`;
