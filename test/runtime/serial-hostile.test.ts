/**
 * A hostile serial device, in process (issue 17 item 6): the host client talks to a scripted
 * device over an in-memory port pair, both ends on the real ReliableLink. A device announcing
 * protocol version 2 is refused (docs/serial-protocol.md says so); a device that streams RESULT
 * chunks with MORE set forever fails the request at the result-size bound instead of growing
 * memory and holding the request open.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Frame, PortLike } from '../../runtime/backends/serial/index.js';
import {
  FrameType,
  ReliableLink,
  SERIAL_PROTOCOL_VERSION,
  SerialDeviceClient,
  encodeCaps,
} from '../../runtime/backends/serial/index.js';

const BAUD = 1_000_000;

/** The host's port; bytes it writes go to `toDevice`, and `deliver` feeds it the device's bytes. */
class MemoryPort extends EventEmitter implements PortLike {
  isOpen = true;
  constructor(private readonly toDevice: (b: Uint8Array) => void) {
    super();
  }
  write(data: Buffer): boolean {
    setImmediate(() => this.toDevice(Uint8Array.from(data)));
    return true;
  }
  deliver(b: Uint8Array): void {
    setImmediate(() => this.emit('data', Buffer.from(b)));
  }
  close(cb: () => void): void {
    this.isOpen = false;
    this.emit('close');
    cb();
  }
}

/** A scripted device: `answer` is called per received frame with a `send` for replies. */
function device(answer: (f: Frame, send: (type: number, payload: Uint8Array) => void) => void): MemoryPort {
  const box: { link?: ReliableLink } = {};
  const port = new MemoryPort((b) => box.link!.receive(b));
  const link = new ReliableLink({
    baud: BAUD,
    write: (wire) => port.deliver(wire),
    onFrame: (f) =>
      answer(f, (type, payload) => {
        void link.send(type, payload).catch(() => undefined);
      }),
  });
  box.link = link;
  port.on('close', () => link.close());
  return port;
}

const caps = (version: number): Uint8Array =>
  encodeCaps({ version, maxPayload: 240, maxInput: 4096, latencyMs: 1, ops: 0xff, name: 'hostile' });

describe('serial client › hostile device', () => {
  it('a device announcing protocol version 2 is refused at the handshake', async () => {
    const port = device((f, send) => {
      if (f.type === FrameType.HELLO) send(FrameType.CAPS, caps(2));
    });
    await expect(SerialDeviceClient.over(port, { path: 'mem', baud: BAUD })).rejects.toThrow(
      `device hostile speaks serial protocol version 2; this host speaks ${SERIAL_PROTOCOL_VERSION}`,
    );
    expect(port.isOpen).toBe(false);
  });

  it('a device streaming RESULT chunks with MORE forever fails the request at the result bound', async () => {
    let streaming = true;
    const port = device((f, send) => {
      if (f.type === FrameType.HELLO) send(FrameType.CAPS, caps(SERIAL_PROTOCOL_VERSION));
      if (f.type === FrameType.INFER) {
        const tag = [f.payload[0]!, f.payload[1]!];
        const chunk = (): void => {
          if (!streaming) return;
          send(FrameType.RESULT, Uint8Array.from([...tag, 0x01, ...new Uint8Array(200)]));
          setImmediate(chunk);
        };
        chunk();
      }
    });
    const c = await SerialDeviceClient.over(port, { path: 'mem', baud: BAUD, maxResultBytes: 8 * 1024 });
    await expect(c.infer(0x01, Uint8Array.of(1, 2, 3))).rejects.toThrow(
      /exceeds the bound of 8192 bytes \(max result size\)/,
    );
    streaming = false;
    await c.close();
  });

  it('a well-behaved version-1 device still works (the bound is not hit by a normal result)', async () => {
    const port = device((f, send) => {
      if (f.type === FrameType.HELLO) send(FrameType.CAPS, caps(SERIAL_PROTOCOL_VERSION));
      if (f.type === FrameType.INFER)
        send(FrameType.RESULT, Uint8Array.from([f.payload[0]!, f.payload[1]!, 0x00, 7, 8]));
    });
    const c = await SerialDeviceClient.over(port, { path: 'mem', baud: BAUD });
    expect([...(await c.infer(0x01, Uint8Array.of(1))).output]).toEqual([7, 8]);
    await c.close();
  });
});
