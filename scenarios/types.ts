/**
 * The validated, resolved scenario: catalog entries looked up, device groups expanded, paths
 * resolved. Only the loader (`loadScenario`) produces one; everything downstream trusts it.
 */
import type { Category, DeviceClass, LinkKind, ParamValue, ServiceKind, Slo } from '../policies/index.js';
import type { ArrivalSpec, TokenSpec } from '../traces/index.js';
import type { ServingFramework } from './frameworks.js';

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
  /**
   * Dense FP16 tensor FLOP/s with FP16 accumulation when above flopsPerGpu (GeForce, GB10: 2×);
   * absent = flopsPerGpu.
   */
  readonly flopsFp16AccPerGpu?: number;
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
  /** Selectable power modes (Jetson nvpmodel) and the one the entry's figures were measured in. */
  readonly powerModes?: readonly PowerMode[];
  readonly defaultPowerMode?: string;
  readonly thermal?: ThermalSpec;
  /** Unified-memory boards: bytes the OS/runtime keep out of the accelerator pool (0 = none). */
  readonly osReserveBytes?: number;
}

export interface PowerMode extends Sourced {
  readonly name: string;
  /** Throughput relative to the device entry (and its profile rows). */
  readonly throughputScale: number;
  readonly busyW: number;
  readonly idleW?: number;
}

export type Cooling = 'active' | 'passive' | 'none';

export interface CoolingSpec extends Sourced {
  /** Junction-to-ambient thermal resistance, K/W. */
  readonly rKPerW: number;
  /** Thermal time constant, seconds. */
  readonly tauS: number;
}

export interface ThermalSpec extends Sourced {
  readonly ambientC: number;
  readonly throttleC: number;
  readonly criticalC: number;
  readonly minClockRatio: number;
  readonly cooling: Readonly<Partial<Record<Cooling, CoolingSpec>>>;
}

/** A device's thermal model as placed in the scenario: its spec and the cooling chosen. */
export interface DeviceThermal extends ThermalSpec {
  readonly coolingKind: Cooling;
  readonly rKPerW: number;
  readonly tauS: number;
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
  /**
   * True when `decodeTokPerS` is a closed-loop output throughput with TTFT included (vLLM
   * `bench serve --max-concurrency batch`), not a pure decode rate (llama-bench tg).
   */
  readonly closedLoop?: boolean;
  /** Output tokens per request of the measurement (default 128, llama-bench tg128). */
  readonly outputTokens?: number;
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
  /** FLOPs per token (LLM, ≈ 2 × active params) or per item (segmentation). */
  readonly flopsPerUnit: number;
  /**
   * Mixture of experts: `experts` per layer, `activeExperts` per token, and the bytes of all
   * experts together (part of weightBytes). Absent for dense models.
   */
  readonly moe?: { readonly experts: number; readonly activeExperts: number; readonly expertBytes: number };
  /**
   * LLM, set from a service's `ubatch` (not a catalog key): most tokens one graph evaluation of
   * the serving engine takes (llama.cpp n_ubatch). Absent = no cap.
   */
  readonly ubatchTokens?: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly profiles: readonly ProfileRow[];
}

/** Device, model and link specs by key: the built-in data extended by catalog files/sections. */
export interface Catalog {
  readonly devices: Readonly<Record<string, DeviceSpec>>;
  readonly models: Readonly<Record<string, ModelSpec>>;
  readonly links: Readonly<Record<string, LinkSpec>>;
}

export interface DeviceConfig {
  readonly id: string;
  readonly spec: DeviceSpec;
  /** Switch this device is attached to, if any (first link to a switch). */
  readonly site: string;
  /** Emulated slowdown (≥ 1) applied to compute and bandwidth, for weaker variants (× 1/throughput of the power mode). */
  readonly slowdown: number;
  /** The power mode in use (`power_mode`, else the catalog's default); absent when the type has none. */
  readonly powerMode?: string;
  /** `cooling` set on a type with a thermal model: the simulator throttles it (sim/devices/thermal.ts). */
  readonly thermal?: DeviceThermal;
  /**
   * Measured per-request overhead of the device's server beyond its compute (HTTP, the agent's
   * event loop, the host's scheduler), seconds: each request reaching the device waits one value
   * drawn uniformly from these samples (stream `overhead:<id>`). Set by `parasim validate` from
   * the profiled round trip (runtime/validate/round-trip-links.ts); absent = none.
   */
  readonly requestOverheadS?: readonly number[];
  /**
   * The same overhead measured after the server sat idle for `idleS` (a wake-up costs: cold
   * caches, a halted vCPU), one entry per measured gap: a request reaching the device after at
   * least `idleS` without work draws from that entry's samples (sim/host/request-overhead.ts).
   * Set by `parasim validate`; absent = the back-to-back samples always.
   */
  readonly requestOverheadAfterIdle?: readonly IdleOverhead[];
  /**
   * The same overhead measured while the server had another request in flight (a busy event
   * loop and cores): a request reaching the device while one is in flight there draws from these
   * (sim/host/request-overhead.ts). Set by `parasim validate`; absent = the back-to-back samples.
   */
  readonly requestOverheadBusyS?: readonly number[];
  /**
   * The same overhead measured while the server had another request in flight *and* a device of
   * its `colocated` group had one too: every core of the host busy, so the event loops wait for a
   * core (on the 2-core llama testbed p50 3.9 / p90 8.0 ms against 2.2 / 3.9 ms with a core free,
   * docs/validation.md "Busy agents"). Drawn then instead of `requestOverheadBusyS`
   * (sim/host/request-overhead.ts). Set by `parasim validate` when both busy states were measured;
   * absent = `requestOverheadBusyS`.
   */
  readonly requestOverheadBusyNeighbourBusyS?: readonly number[];
  /**
   * The same overhead measured with no request in flight on the server but one on another device
   * of its `colocated` group (the host's cores and the controller serve that one): drawn then
   * (sim/host/request-overhead.ts). Set by `parasim validate`; absent = the idle samples.
   */
  readonly requestOverheadNeighbourBusyS?: readonly number[];
  /**
   * The device shares a host's cores, caches and memory bandwidth with the other devices of
   * `group` (e.g. agents on the vCPUs of one VM): its profile rows hold while another of them is
   * busy, and work it starts while they are all idle runs `aloneSpeedup` (≥ 1) × faster
   * (sim/host/colocation.ts). Set by `parasim validate` for agents it launched on one host.
   */
  readonly colocated?: { readonly group: string; readonly aloneSpeedup: number };
}

/** Round-trip overhead samples measured after `idleS` seconds without a request. */
export interface IdleOverhead {
  readonly idleS: number;
  readonly samplesS: readonly number[];
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
  /** LLM: largest prompt tokens prefilled per engine step (vLLM max_num_batched_tokens); absent = no limit. */
  readonly maxBatchedTokens?: number;
  /** LLM: split a prompt over steps when it exceeds the step's token budget (chunked prefill). */
  readonly chunkedPrefill?: boolean;
  /** LLM: what happens to a sequence preempted when KV blocks run out (default recompute). */
  readonly preemption?: 'recompute' | 'swap';
  /** LLM: the serving framework, whose default efficiencies the step cost uses (default generic). */
  readonly framework?: ServingFramework;
}

export type FaultConfig =
  | {
      readonly kind: 'device-crash';
      readonly device: string;
      readonly atS: number;
      readonly recoverAfterS: number | null;
    }
  | {
      readonly kind: 'device-crash-rate';
      readonly devices: readonly string[];
      readonly mtbfS: number;
      readonly mttrS: number;
    }
  | { readonly kind: 'link-outage'; readonly link: string; readonly atS: number; readonly durationS: number }
  | {
      readonly kind: 'link-degrade';
      readonly link: string;
      readonly atS: number;
      readonly durationS: number;
      readonly bandwidthFactor: number;
    }
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
  /**
   * How instances on one GPU share it (docs/sim-models.md "GPU lanes"): `time-slice` (default)
   * bounds each step of an instance whose GPU is shared to one quantum, so co-located work
   * interleaves; `priority` does so only for an instance beside a higher-priority one (frame
   * deadlines over token SLOs over end-to-end SLOs); `fifo` runs steps whole, in the order issued;
   * `processor-sharing` (CPU devices: engines are OS threads) runs the engines' steps at once, each
   * at its share of the device's cores (sim/host/processor-share.ts).
   */
  readonly deviceSharing?: 'fifo' | 'time-slice' | 'priority' | 'processor-sharing';
  /**
   * Where a policy with `sync` routes (docs/sim-models.md "Router"). `distributed` (default): a
   * handler at every ingress node, on its own view — its device fresh, peers' devices and
   * instances as of their last sync message (EPARA's design). `central`: one router that every
   * request passes through, as the live controller (runtime/controller) is — it counts the
   * requests it sends, so instance queues are fresh, while device state (liveness, utilization)
   * still arrives by the sync messages (the controller's heartbeats). No effect without sync.
   */
  readonly router?: 'distributed' | 'central';
}
