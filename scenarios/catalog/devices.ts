/**
 * Device catalog. Memory, memory bandwidth and TDP come from ../shared/profiles/devices.csv (the
 * `source` names the row). Peak FLOP/s, storage bandwidth and idle power are NOT in that CSV;
 * those figures are vendor specs or our own estimates and say so in `source`.
 * Assumptions shared by every entry (docs/decisions.md):
 *  - busyW = tdp_w (× accelerators for multi-GPU boxes); idleW = 0.25 × busyW. null when the CSV
 *    has no power figure.
 *  - storage: NVMe ≈ 3 GB/s on servers, eMMC/NVMe ≈ 1–2 GB/s on Jetsons, SD card ≈ 0.09 GB/s on Pis.
 */
import type { DeviceSpec } from '../types.js';

const GB = 1e9;
const CSV = '../shared/profiles/devices.csv';
const IDLE_FRACTION = 0.25;

function power(tdpW: number | null): Pick<DeviceSpec, 'idleW' | 'busyW'> {
  return tdpW === null ? { idleW: null, busyW: null } : { idleW: tdpW * IDLE_FRACTION, busyW: tdpW };
}

function a100Box(gpus: number): DeviceSpec {
  return {
    key: `a100-80gb-sxm-x${gpus}`, name: `${gpus}× NVIDIA A100 80GB SXM4 (NVLink3)`, deviceClass: 'gpu-server',
    gpus, memoryBytesPerGpu: 80 * GB, flopsPerGpu: 312e12, memBandwidthBytesPerS: 2039 * GB,
    intraNode: 'nvlink',
    // 600 GB/s NVLink3 aggregate per GPU = 300 GB/s each way = 2.4e12 bit/s per direction.
    intraNodeBps: 2.4e12,
    storageBytesPerS: 3 * GB,
    ...power(400 * gpus),
    source: `${CSV} row "NVIDIA A100 80GB SXM4" (80 GB, 2039 GB/s, 400 W per GPU); NVLink3 600 GB/s: ../shared/profiles/links.csv row "NVLink 3"; `
      + '312 TFLOPS dense FP16 tensor: vendor spec, not in ../shared/profiles; storage 3 GB/s NVMe and idle 0.25×TDP: assumptions',
  };
}

function single(
  key: string, name: string, csvRow: string, memGB: number, bwGBs: number, tdpW: number | null,
  flops: number, flopsNote: string, storageBytesPerS: number, storageNote: string,
  deviceClass: DeviceSpec['deviceClass'] = 'gpu-server',
): DeviceSpec {
  return {
    key, name, deviceClass, gpus: 1, memoryBytesPerGpu: memGB * GB, flopsPerGpu: flops,
    memBandwidthBytesPerS: bwGBs * GB, intraNode: 'none', intraNodeBps: 0, storageBytesPerS, ...power(tdpW),
    source: `${CSV} row "${csvRow}" (${memGB} GB, ${bwGBs} GB/s${tdpW === null ? ', no power figure' : `, ${tdpW} W`}); `
      + `${flopsNote}; ${storageNote}${tdpW === null ? '' : '; idle 0.25×TDP: assumption'}`,
  };
}

const VENDOR = 'vendor spec, not in ../shared/profiles';
const NVME = 'storage 3 GB/s NVMe: assumption';
const JETSON_STORAGE = 'storage eMMC/NVMe ≈ 1.5 GB/s: assumption';
const SD = 'storage SD card 0.09 GB/s: assumption';

const ENTRIES: readonly DeviceSpec[] = [
  a100Box(4),
  a100Box(8),
  single('rtx-4090', 'NVIDIA RTX 4090', 'NVIDIA RTX 4090', 24, 1008, 450, 165e12,
    `165 TFLOPS dense FP16 tensor (FP32 accumulate; 330 with sparsity): ${VENDOR}`, 3 * GB, NVME),
  single('rtx-3090', 'NVIDIA RTX 3090', 'NVIDIA RTX 3090', 24, 936, 350, 71e12,
    `71 TFLOPS dense FP16 tensor (FP32 accumulate): ${VENDOR}`, 3 * GB, NVME),
  single('l4', 'NVIDIA L4', 'NVIDIA L4', 24, 300, 72, 121e12,
    `121 TFLOPS dense FP16 tensor (242 with sparsity): ${VENDOR}`, 3 * GB, NVME),
  single('t4', 'NVIDIA T4', 'NVIDIA T4', 16, 320, 70, 65e12, `65 TFLOPS FP16 tensor: ${VENDOR}`, 3 * GB, NVME),
  single('jetson-agx-orin-64gb', 'Jetson AGX Orin 64GB', 'Jetson AGX Orin 64GB', 64, 204.8, 60, 42.5e12,
    'DERIVED ≈ 42.5 TFLOPS dense FP16 GPU tensor (half the vendor sparse figure), not in ../shared/profiles',
    1.5 * GB, JETSON_STORAGE, 'jetson'),
  single('jetson-orin-nano-8gb', 'Jetson Orin Nano 8GB (original clocks)',
    'Jetson Orin Nano 8GB (original, JetPack 5/6 pre-Super)', 8, 68, 15, 10e12,
    'DERIVED 10 TFLOPS FP16 dense = 40 sparse INT8 TOPS / 2 (sparsity) / 2 (INT8→FP16)', 1.5 * GB, JETSON_STORAGE, 'jetson'),
  single('jetson-orin-nano-super-8gb', 'Jetson Orin Nano Super 8GB (MAXN_SUPER)',
    'Jetson Orin Nano Super 8GB (JetPack 6.2 MAXN_SUPER)', 8, 102, 25, 16.75e12,
    'DERIVED 16.75 TFLOPS FP16 dense = 67 sparse INT8 TOPS / 4', 1.5 * GB, JETSON_STORAGE, 'jetson'),
  single('jetson-nano-4gb', 'Jetson Nano 4GB', 'Jetson Nano 4GB', 4, 25.6, null, 0.472e12,
    '472 GFLOPS FP16 from the CSV accelerator column', 0.1 * GB, 'storage microSD ≈ 0.1 GB/s: assumption', 'jetson'),
  single('jetson-agx-xavier-32gb', 'Jetson AGX Xavier 32GB', 'Jetson AGX Xavier 32GB', 32, 136.5, null, 11e12,
    `11 TFLOPS FP16 (GPU): ${VENDOR}`, 1.5 * GB, JETSON_STORAGE, 'jetson'),
  single('raspberry-pi-5-8gb', 'Raspberry Pi 5 8GB', 'Raspberry Pi 5 8GB', 8, 17.1, 13.9, 0.1e12,
    'ESTIMATE ≈ 0.1 TFLOPS FP32 NEON (4× A76 @ 2.4 GHz), not in ../shared/profiles; power = measured peak wall power, not TDP',
    0.09 * GB, SD, 'microcomputer'),
  single('raspberry-pi-4-8gb', 'Raspberry Pi 4 Model B 8GB', 'Raspberry Pi 4 Model B 8GB', 8, 12.8, null, 0.03e12,
    'ESTIMATE ≈ 0.03 TFLOPS FP32 NEON (4× A72 @ 1.8 GHz), not in ../shared/profiles', 0.09 * GB, SD, 'microcomputer'),
  {
    // The llama testbed's device (scenarios/testbed/llama-cpu.yaml): one core of the x86-64 VM the
    // agents run on, as one llama.cpp agent with a 1-thread budget sees it. Its speed for the
    // built-in llama models is the measured profile rows in models.ts; these figures only feed the
    // roofline fallback and placement.
    key: 'x86-vm-core', name: 'One core of an x86-64 VM (AVX2)', deviceClass: 'microcomputer', gpus: 1,
    memoryBytesPerGpu: 2 * GB, flopsPerGpu: 0.05e12, memBandwidthBytesPerS: 10 * GB, intraNode: 'none', intraNodeBps: 0,
    storageBytesPerS: 1 * GB, idleW: null, busyW: null,
    source: 'ASSUMPTION, not in ../shared/profiles: memory = the agent\'s 2 GB budget; 0.05 TFLOPS ≈ 60% of one AVX2 core\'s '
      + 'FP32 FMA peak (2 × 8 lanes × 2 flop × ~2.5 GHz); 10 GB/s ≈ one core\'s share of server DDR4; storage 1 GB/s virtio disk; no power figure',
  },
  {
    key: 'basys3-fpga', name: 'Digilent Basys 3 (Artix-7 XC7A35T)', deviceClass: 'fpga', gpus: 1,
    memoryBytesPerGpu: 225e3, flopsPerGpu: 18e9, memBandwidthBytesPerS: 45 * GB, intraNode: 'none', intraNodeBps: 0,
    storageBytesPerS: 1e6, idleW: null, busyW: null, pipelineLatencyS: 0.005,
    source: `${CSV} row "Digilent Basys 3" (1,800 Kbit BRAM = 225 KB, no DRAM, no power figure); `
      + 'DERIVED 18 GOPS = 90 DSP × 100 MHz × 2 and 45 GB/s = 50 BRAM36 × 72 bit × 100 MHz (100 MHz design clock assumed); '
      + 'storage 1 MB/s (bitstream/weights over USB-UART): assumption; pipelineLatencyS 5 ms per 64×64 frame: ASSUMPTION',
  },
];

export const DEVICE_CATALOG: Readonly<Record<string, DeviceSpec>> = Object.freeze(
  Object.fromEntries(ENTRIES.map((d) => [d.key, d])),
);
