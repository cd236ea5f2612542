/**
 * Line timing of docs/serial-protocol.md §Timing: at 8N1 a byte takes 10 bit times, and the
 * retransmit timeout of a frame covers its own transmission, the peer possibly finishing a
 * maximum-size frame before it can send the ACK, the ACK itself, and a fixed slack for the HC-05
 * radio hop (~30 ms each way) and host scheduling.
 */
import { MAX_PAYLOAD, wireBytes } from './frame.js';

export const BITS_PER_BYTE = 10;
/** HC-05 radio latency both ways plus scheduling jitter. */
export const RTO_SLACK_MS = 100;
export const DEFAULT_RETRIES = 5;
export const ACK_WIRE_BYTES = wireBytes(0);
export const MAX_WIRE_BYTES = wireBytes(MAX_PAYLOAD);

/** Milliseconds to send `bytes` at `baud` (8N1). */
export function lineMs(bytes: number, baud: number): number {
  return (bytes * BITS_PER_BYTE * 1000) / baud;
}

/** Retransmit timeout for a frame of `frameWireBytes` on the wire. */
export function retransmitTimeoutMs(frameWireBytes: number, baud: number): number {
  return Math.ceil(lineMs(frameWireBytes + MAX_WIRE_BYTES + ACK_WIRE_BYTES, baud) + RTO_SLACK_MS);
}

/**
 * How long the host waits for the next RESULT chunk once its INFER is acknowledged: the device's
 * advertised pipeline latency (×4 margin) plus a full retry budget of maximum-size frames, + 1 s.
 */
export function resultTimeoutMs(latencyMs: number, baud: number, retries: number): number {
  return Math.ceil(4 * latencyMs + (retries + 1) * retransmitTimeoutMs(MAX_WIRE_BYTES, baud) + 1000);
}
