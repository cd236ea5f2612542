/**
 * Link catalog. Rates and efficiencies come from ../shared/profiles/links.csv where a row exists
 * (efficiency = practical_bps / nominal_bps); latencies are mostly missing there, so they are
 * assumptions and say so. All rates are per direction, bits/s.
 */
import type { LinkSpec } from '../types.js';

const CSV = '../shared/profiles/links.csv';

const ENTRIES: readonly LinkSpec[] = [
  {
    key: 'nvlink3', name: 'NVLink 3 (A100 SXM4)', kind: 'nvlink', nominalBps: 2.4e12, efficiency: 0.9, latencyS: 2e-6,
    configurableBaud: false,
    source: `${CSV} row "NVLink 3" (600 GB/s bidirectional → 300 GB/s = 2.4e12 bit/s each way); efficiency 0.9 and 2 µs latency: assumptions`,
  },
  {
    key: 'pcie4-x16', name: 'PCIe 4.0 x16', kind: 'pcie', nominalBps: 256e9, efficiency: 207 / 256, latencyS: 5e-6,
    configurableBaud: false,
    source: `${CSV} row "PCIe 4.0 x16 (per direction)" (256 Gbit/s nominal, 207 measured); 5 µs latency: assumption`,
  },
  {
    key: '10gbe', name: '10 Gigabit Ethernet', kind: 'ethernet', nominalBps: 10e9, efficiency: 0.94, latencyS: 5e-5,
    configurableBaud: false,
    source: 'not in ../shared/profiles: 10 Gbit/s IEEE 802.3 line rate; efficiency 0.94 (TCP/IP over 1500 MTU) and 50 µs one-way: assumptions',
  },
  {
    key: '1gbe', name: 'Gigabit Ethernet', kind: 'ethernet', nominalBps: 1e9, efficiency: 0.928, latencyS: 1e-4,
    configurableBaud: false,
    source: `${CSV} row "Gigabit Ethernet" (928 Mbit/s iperf3); 100 µs one-way: assumption (no RTT in the CSV)`,
  },
  {
    key: 'wifi5', name: 'Wi-Fi 5 (802.11ac, 5 GHz)', kind: 'wifi', nominalBps: 433.3e6, efficiency: 262 / 433.3, latencyS: 0.002,
    configurableBaud: false,
    source: `${CSV} row "Wi-Fi 5 / 802.11ac" (433.3 Mbit/s PHY, 262 Mbit/s iperf3 on a Pi 5); 2 ms one-way: assumption`,
  },
  {
    key: 'wifi6', name: 'Wi-Fi 6 (802.11ax)', kind: 'wifi', nominalBps: 2.402e9, efficiency: 1.34 / 2.402, latencyS: 0.0015,
    configurableBaud: false,
    source: `${CSV} row "Wi-Fi 6 / 802.11ax" (1.34 Gbit/s measured, AX200); nominal 2402 Mbit/s (2×2, 160 MHz) vendor spec, not in the CSV; 1.5 ms: assumption`,
  },
  {
    key: 'wan-edge-cloud', name: 'WAN edge ↔ cloud', kind: 'wan', nominalBps: 100e6, efficiency: 0.95, latencyS: 0.02,
    configurableBaud: false,
    source: 'ASSUMPTION, not in ../shared/profiles: 100 Mbit/s uplink, 20 ms one-way, efficiency 0.95',
  },
  {
    key: 'ble-2m', name: 'Bluetooth LE 2M PHY', kind: 'ble', nominalBps: 2e6, efficiency: 1327.5e3 / 2e6, latencyS: 0.0075,
    configurableBaud: false,
    source: `${CSV} row "BLE LE 2M PHY" (1327.5 kbit/s Nordic measured); latency = 7.5 ms minimum connection interval (row "BLE LE 1M PHY")`,
  },
  {
    key: 'hc05-serial', name: 'HC-05 Bluetooth SPP serial', kind: 'bt-serial', nominalBps: 9600, efficiency: 0.8, latencyS: 0.03,
    configurableBaud: true, minBaud: 9600, maxBaud: 1382400,
    standardBauds: [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1382400],
    source: `${CSV} rows "HC-05 UART side, data mode" (default 9600, 8N1 → 0.8) and "maximum configurable baud" (1382400; `
      + 'the AT+UART table 9600…1382400 lists the only bauds it accepts); '
      + 'end-to-end SPP measured only ≈ 184 kbit/s at 921600 (hackaday row), so high bauds are optimistic; 30 ms latency: ASSUMPTION',
  },
  {
    key: 'usb-uart', name: 'USB-UART (Basys 3 FT2232H)', kind: 'usb-uart', nominalBps: 115200, efficiency: 0.8, latencyS: 0.016,
    configurableBaud: true, minBaud: 9600, maxBaud: 12e6,
    source: `${CSV} row "Basys 3 USB-UART bridge (FTDI FT2232HQ)" (12 Mbaud max, not re-read); default 115200 (typical user RTL) `
      + 'and 16 ms latency (FTDI default latency timer): assumptions',
  },
];

export const LINK_CATALOG: Readonly<Record<string, LinkSpec>> = Object.freeze(
  Object.fromEntries(ENTRIES.map((l) => [l.key, l])),
);
