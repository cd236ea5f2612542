/**
 * runtime/backends/serial — the HC-05/FPGA backend and its wire protocol (docs/serial-protocol.md).
 * Reading order: `crc16.ts` + `cobs.ts` + `frame.ts` (pure codec), `timing.ts` (timeouts from
 * baud), `link.ts` (seq/ack/retransmit/dedupe, both ends), `messages.ts` (payloads, reference
 * operations), `device-client.ts` (host exchanges), `serial-backend.ts` (the agent backend),
 * `emulator.ts` (the device side, for tests and testbeds without hardware).
 */
export { crc16 } from './crc16.js';
export { cobsDecode, cobsEncode, cobsMaxEncodedLength } from './cobs.js';
export {
  FrameReader,
  FrameType,
  MAX_ENCODED,
  MAX_PAYLOAD,
  MAX_BODY,
  decodeBody,
  decodeSegment,
  encodeBody,
  encodeFrame,
  wireBytes,
  PROTOCOL_VERSION as SERIAL_PROTOCOL_VERSION,
  type Frame,
  type Decoded,
  type RejectReason,
} from './frame.js';
export {
  lineMs,
  retransmitTimeoutMs,
  resultTimeoutMs,
  ACK_WIRE_BYTES,
  MAX_WIRE_BYTES,
  RTO_SLACK_MS,
} from './timing.js';
export { ReliableLink, LinkError, frameTypeName, type LinkStats, type LinkOptions } from './link.js';
export {
  Op,
  ErrorCode as SerialErrorCode,
  LM_VOCAB,
  runOp,
  inferPayloads,
  resultPayloads,
  encodeCaps,
  decodeCaps,
  type Caps,
} from './messages.js';
export {
  SerialDeviceClient,
  SerialError,
  DEFAULT_MAX_RESULT_BYTES,
  type InferTiming,
  type ClientStats,
  type PortLike,
} from './device-client.js';
export { SerialBackend, type SerialBackendOptions, type SerialBackendStats } from './serial-backend.js';
export { DeviceEmulator, type EmulatorOptions, type EmulatorStats } from './emulator.js';
