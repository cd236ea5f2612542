/**
 * CRC-16/CCITT-FALSE (docs/serial-protocol.md §CRC): poly 0x1021, init 0xFFFF, no reflection,
 * xorout 0x0000; check value over ASCII "123456789" is 0x29B1. Chosen because it is the CRC an
 * FPGA computes bit-serially with one 16-bit shift register, and because appending the CRC
 * big-endian makes the CRC of the whole frame body 0 (a one-comparator check in hardware).
 */

const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = (c & 0x8000) !== 0 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC of `bytes[start, end)`, continuing from `crc` (default: the 0xFFFF init). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0xffff): number {
  let c = crc;
  for (let i = start; i < end; i++) c = ((c << 8) & 0xffff) ^ TABLE[((c >>> 8) ^ bytes[i]!) & 0xff]!;
  return c;
}
