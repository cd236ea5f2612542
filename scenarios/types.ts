/**
 * The validated, resolved scenario: catalog entries looked up, device groups expanded, paths
 * resolved. Only the loader (`loadScenario`) produces one; everything downstream trusts it.
 */
import type { Category, DeviceClass, LinkKind, ParamValue, ServiceKind, Slo } from '../policies/index.js';
import type { ArrivalSpec, TokenSpec } from '../traces/index.js';

/** A catalog figure with where it came from. */
export interface Sourced {
  /** Citation: document/repo and what was read (see ../shared/profiles/SOURCE.md). */
  readonly source: string;
}

export interface DeviceSpec extends Sourced {
  readonly key: string;
  readonly name: string;
  readonly deviceClass: DeviceClass;
  readonly gpus: number;
  readonly memoryBytesPerGpu: number;
  /** Peak dense FP16 FLOP/s per accelerator (CPU: sustained SIMD estimate). */
  readonly flopsPerGpu: number;
  readonly memBandwidthBytesPerS: number;
  readonly intraNode: 'nvlink' | 'pcie' | 'none';
  /** Per-direction bandwidth between accelerators in the box, bits/s (0 when gpus = 1). */
  readonly intraNodeBps: number;
  /** Weight-loading bandwidth from local storage, bytes/s (cold start). */
  readonly storageBytesPerS: number;
  /** Power when idle and when busy, watts; null when no figure is published. */
  readonly idleW: number | null;
  readonly busyW: number | null;
  /** FPGA only: fixed pipeline latency per item, seconds. */
  readonly pipelineLatencyS?: number;
}

export interface LinkSpec extends Sourced {
  readonly key: string;
  readonly name: string;
  readonly kind: LinkKind;
  /** Nominal line rate, bits/s (for serial links: the default baud). */
  readonly nominalBps: number;
  /** Payload bits per line bit (8N1 serial = 0.8; Ethernet ≈ 0.95). */
  readonly efficiency: number;
  /** One-way latency, seconds. */
  readonly latencyS: number;
  /** True when `baud` may be set in the scenario (serial links). */
  readonly configurableBaud: boolean;
  readonly minBaud?: number;
  readonly maxBaud?: number;
  /** The only bauds the device accepts (e.g. the HC-05's AT+UART table); absent = any in min..max. */
  readonly standardBauds?: readonly number[];
}

/** A published performance figure of a model on a device type. */
export interface ProfileRow extends Sourced {
  readonly deviceType: string;
  readonly batch: number;
  readonly promptTokens?: number;
  readonly prefillTokPerS?: number;
  /** Aggregate over the batch. */
  readonly decodeTokPerS?: number;
  /** Segmentation: per-item latency at this batch, seconds. */
  readonly itemLatencyS?: number;
}

export interface ModelSpec extends Sourced {
  readonly key: string;
  readonly name: string;
  readonly kind: ServiceKind;
  readonly paramsB: number;
  readonly layers: number;
  readonly hidden: number;
  readonly bytesPerWeight: number;
  readonly weightBytes: number;
  readonly kvBytesPerToken: number;
  readonly activationBytesPerToken: number;
  /** FLOPs per token (LLM, ≈ 2 × params) or per item (segmentation). */
  readonly flopsPerUnit: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly profiles: readonly ProfileRow[];
}

export interface DeviceConfig {
  readonly id: string;
  readonly spec: DeviceSpec;
  /** Switch this device is attached to, if any (first link to a switch). */
  readonly site: string;
  /** Emulated slowdown (≥ 1) applied to compute and bandwidth, for weaker variants. */
  readonly slowdown: number;
}

export interface LinkConfig {
  readonly id: string;
  readonly a: string;
  readonly b: string;
  readonly spec: LinkSpec;
  /** Effective payload bandwidth, bits/s, after baud and efficiency. */
  readonly bandwidthBps: number;
  readonly latencyS: number;
  /** Probability a transfer is lost and retransmitted once after a timeout. */
  readonly lossRate: number;
}

export interface ServiceConfig {
  readonly name: string;
  readonly kind: ServiceKind;
  readonly model: ModelSpec;
  readonly slo: Slo;
  readonly arrivals: ArrivalSpec;
  readonly promptTokens: TokenSpec;
  readonly outputTokens: TokenSpec;
  /** Node (switch or device) where requests enter. */
  readonly ingress: string;
  readonly category?: Category;
  /** Largest running batch per instance. */
  readonly maxBatch: number;
}

export type FaultConfig =
  | { readonly kind: 'device-crash'; readonly device: string; readonly atS: number; readonly recoverAfterS: number | null }
  | { readonly kind: 'device-crash-rate'; readonly devices: readonly string[]; readonly mtbfS: number; readonly mttrS: number }
  | { readonly kind: 'link-outage'; readonly link: string; readonly atS: number; readonly durationS: number }
  | { readonly kind: 'link-degrade'; readonly link: string; readonly atS: number; readonly durationS: number; readonly bandwidthFactor: number }
  | { readonly kind: 'sync-loss'; readonly probability: number; readonly fromS: number; readonly toS: number }
  | { readonly kind: 'sync-delay'; readonly delayS: number; readonly fromS: number; readonly toS: number };

export interface PolicyChoice {
  readonly name: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /**
   * Absolute path of a user's policy module (`policy.module`, `--policy-module`); `name` is then
   * the file's base name and `params` are checked when the module is loaded (loadPolicyModule).
   */
  readonly module?: string;
}

export interface Scenario {
  readonly name: string;
  /** Absolute path of the YAML it came from, for messages. */
  readonly file: string;
  readonly seed: number;
  readonly horizonS: number;
  readonly timelineBucketS: number;
  readonly policy: PolicyChoice;
  readonly devices: readonly DeviceConfig[];
  readonly switches: readonly string[];
  readonly links: readonly LinkConfig[];
  readonly services: readonly ServiceConfig[];
  readonly faults: readonly FaultConfig[];
}
