/**
 * The three-agent loopback testbed the controller and validation tests share: agents are this
 * project's built CLI (`parasim agent`, onnx backend) at emulated slowdowns 1, 2 and 4.
 */
import net from 'node:net';
import { MAIN } from '../cli-paths.js';

/** How the launcher runs an agent: node and the built CLI (test/global-setup.ts keeps it built). */
export const AGENT_COMMAND = [process.execPath, MAIN];

/**
 * `n` ports free now on 127.0.0.1, below the kernel's ephemeral range (Linux: 32768–60999). An
 * agent restarted on its port (the SIGKILL tests) must find it free: an ephemeral port (port 0)
 * freed by the kill can be handed at once to an outgoing connection as its source port — CI once
 * failed with EADDRINUSE on 127.0.0.1:45575 that way.
 */
export async function lowFreePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  const span = 32767 - 20000;
  for (let k = 0; out.length < n && k < span; k++) {
    const port = 20000 + ((process.pid * 7919 + k * 104729) % span);
    if (out.includes(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) out.push(port);
  }
  if (out.length < n) throw new Error(`no ${n} free ports in 20000..32767`);
  return out;
}

/** The testbed YAML; `ports` (server, nano, pi) default to 0 (the OS picks). */
export const LOOPBACK_TESTBED_YAML = (name: string, ports: readonly number[] = [0, 0, 0]): string => `name: ${name}
models: { tinyllama-1.1b-q4: lm-tiny, yolo11n-seg: seg-tiny }
segment: { width: 8, height: 8 }
agents:
  - { id: server, device: edge-server, port: ${ports[0]}, threads: 1, slowdown: 1 }
  - { id: nano, device: edge-nano, port: ${ports[1]}, threads: 1, slowdown: 2 }
  - { id: pi, device: edge-pi, port: ${ports[2]}, threads: 1, slowdown: 4 }
`;
