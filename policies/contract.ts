/**
 * The policy contract: what a policy sees (read-only views) and what it returns (plans and
 * routes). The simulator (virtual clock) and the live runtime (wall clock) both build these
 * views and both call the same policy code, so nothing here may refer to a clock, I/O or
 * global randomness. Units are in the names: `S` seconds, `Bytes`, `Bps` bits per second.
 */

export type NodeId = string;
export type DeviceId = string;
export type ServiceName = string;
export type InstanceId = string;

/** Coarse class of a device, from the catalog. */
export type DeviceClass = 'gpu-server' | 'jetson' | 'microcomputer' | 'fpga';
export type ServiceKind = 'llm' | 'segmentation';

/** EPARA's task categories: latency- vs frequency-sensitive × single- vs multi-GPU. */
export interface Category {
  readonly sensitivity: 'latency' | 'frequency';
  readonly gpus: 'single' | 'multi';
}

/** The only randomness a policy may use: a named stream handed in by the host. */
export interface Rng {
  /** Uniform on [0, 1). */
  next(): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
}

export type LinkKind = 'nvlink' | 'pcie' | 'ethernet' | 'wifi' | 'wan' | 'ble' | 'bt-serial' | 'usb-uart';

export interface DeviceState {
  readonly id: DeviceId;
  /** Catalog key, e.g. `jetson-agx-orin-64gb`. */
  readonly type: string;
  readonly deviceClass: DeviceClass;
  /** The switch/site this device hangs off (locality for routing). */
  readonly site: NodeId;
  /** Accelerators in the box (1 for boards and CPU-only devices). */
  readonly gpus: number;
  readonly memoryBytesPerGpu: number;
  /** Free accelerator memory summed over the box, after weights and reserved KV. */
  readonly freeMemoryBytes: number;
  /** Peak dense FP16 FLOP/s of one accelerator. */
  readonly flopsPerGpu: number;
  /** Memory bandwidth of one accelerator, bytes/s. */
  readonly memBandwidthBytesPerS: number;
  /** Interconnect between the accelerators inside the box. */
  readonly intraNode: 'nvlink' | 'pcie' | 'none';
  readonly alive: boolean;
  /** Requests waiting or running on this device's instances. */
  readonly queuedRequests: number;
  /** Busy fraction over the last sync period, 0..1. */
  readonly utilization: number;
  /** When this information was produced, on the host clock (== now for fresh local state). */
  readonly asOfS: number;
}

export interface LinkState {
  readonly id: string;
  readonly a: NodeId;
  readonly b: NodeId;
  readonly kind: LinkKind;
  /** Effective payload bandwidth, bits/s (after framing overhead and current degradation). */
  readonly bandwidthBps: number;
  /** One-way propagation latency, seconds. */
  readonly latencyS: number;
  readonly up: boolean;
}

/** Service-level objective, by service kind. */
export type Slo =
  | { readonly kind: 'token'; readonly ttftS: number; readonly tpotS: number }
  | { readonly kind: 'e2e'; readonly e2eS: number }
  | { readonly kind: 'frame'; readonly deadlineS: number };

export interface ModelInfo {
  readonly id: string;
  readonly kind: ServiceKind;
  readonly layers: number;
  /** Bytes of all weights at the deployed precision. */
  readonly weightBytes: number;
  /** KV-cache bytes per token of context (0 for non-LLM models). */
  readonly kvBytesPerToken: number;
  /** Bytes of activations per token crossing a pipeline cut (hidden size × 2 for fp16). */
  readonly activationBytesPerToken: number;
  /** Bytes of one input item (image frame), 0 for LLMs. */
  readonly inputBytes: number;
  /** Bytes of one output item (mask), 0 for LLMs. */
  readonly outputBytes: number;
}

/** Estimated performance of a model on one device type (whole box, one replica). */
export interface DevicePerf {
  /** Prefill speed, tokens/s (LLM). */
  readonly prefillTokPerS: number;
  /** Decode speed of a single sequence, tokens/s (LLM). */
  readonly decodeTokPerS: number;
  /** Aggregate decode speed at the largest batch, tokens/s (LLM). */
  readonly decodeTokPerSAtMaxBatch: number;
  readonly maxBatch: number;
  /** Latency of one item at batch 1 (segmentation), seconds. */
  readonly itemLatencyS: number;
  /** Items/s at the best batch (segmentation). */
  readonly itemsPerSAtMaxBatch: number;
  /** Whether a single device of this type can hold the model's weights. */
  readonly fits: boolean;
  /** Where the figures came from. */
  readonly source: 'profile' | 'roofline';
}

export interface ServiceInfo {
  readonly name: ServiceName;
  readonly kind: ServiceKind;
  readonly model: ModelInfo;
  readonly slo: Slo;
  /** Offered request (or frame) rate, requests/s: declared or observed over the last period. */
  readonly demandRps: number;
  readonly meanPromptTokens: number;
  readonly meanOutputTokens: number;
  /** Where requests enter the network. */
  readonly ingress: NodeId;
  /** Category override from the scenario, if any. */
  readonly category?: Category;
  /** Performance per device type (catalog key). */
  readonly perf: Readonly<Record<string, DevicePerf>>;
  /**
   * The serving framework the service runs on (a scenario's `framework:`: `generic`, `llama.cpp`,
   * `vllm`, `tensorrt-llm`, `mlc`); absent = generic. What a policy plans differently by it: a
   * `llama.cpp` pipeline pays the RPC cost per stage boundary per step and runs its stages one
   * after another (rpc-hop.ts).
   */
  readonly framework?: string;
}

export type Lifecycle = 'pending' | 'loading' | 'ready' | 'draining' | 'gone' | 'failed';

/** One pipeline stage: a contiguous block of layers on one device, tensor-parallel over `gpus`. */
export interface Stage {
  readonly device: DeviceId;
  readonly firstLayer: number;
  /** Exclusive. */
  readonly endLayer: number;
  /** Tensor-parallel degree inside the device (1 = no TP). */
  readonly gpus: number;
  /**
   * Fractional claim on one accelerator, in (0, 1]; only with `gpus: 1`. Absent means the whole
   * accelerator(s). Stages with fractions share an accelerator: the host packs them so that the
   * fractions on one accelerator sum to ≤ 1 and their weights fit its memory, and gives each at
   * least its fraction of the accelerator's time (MPS/time-slicing). A host that does not model
   * shared accelerators treats the stage as a whole-GPU one. Part of the stage's identity
   * (stagesKey): a new fraction is a new instance.
   */
  readonly gpuFraction?: number;
  /**
   * Tensor parallelism across devices: the stage's layers are split 1/(1 + peers) over `device`
   * (the root) and these devices, which synchronise the hidden state every layer over the links
   * through their common switch (sim/parallel/tensor-parallel.ts). Absent = one device.
   */
  readonly peers?: readonly DeviceId[];
}

export interface InstanceState {
  readonly id: InstanceId;
  readonly service: ServiceName;
  readonly stages: readonly Stage[];
  readonly state: Lifecycle;
  /**
   * Requests routed to it and not yet running (on the way, or waiting for admission); `queued +
   * running` is every request in flight on it — what the router that sent them counts.
   */
  readonly queued: number;
  /** Requests it is serving (its engine's batch). */
  readonly running: number;
  /**
   * When `queued` / `running` were counted: a synced copy's snapshot time (a peer's instance as of
   * its last sync message). Absent = fresh, as of `now`: the router counts every request it sends
   * (the instance's own device, a central router, a host without sync) — estimating a backlog
   * on top of a fresh count would count this router's own dispatches twice.
   */
  readonly countsAsOfS?: number;
}

export interface PlannedInstance {
  readonly service: ServiceName;
  readonly stages: readonly Stage[];
  /**
   * Micro-batches in flight through a multi-stage pipeline (GPipe-style: a batch is cut into this
   * many parts so that every stage works at once); 1 = none. Absent = the host's default (the
   * simulator: one per stage, sim/parallel/pipeline.ts). A request to the host's engine; a host
   * that does not model it runs the pipeline without.
   */
  readonly microBatches?: number;
}

/** The desired set of instances; the host keeps equal ones, loads new ones, drains the rest. */
export interface PlacementPlan {
  readonly instances: readonly PlannedInstance[];
  readonly reason: string;
}

export interface ClusterView {
  readonly now: number;
  readonly devices: readonly DeviceState[];
  readonly links: readonly LinkState[];
  readonly services: readonly ServiceInfo[];
  readonly instances: readonly InstanceState[];
  /**
   * Optional change counter: the host gives it a new value whenever the instance list, an
   * instance's lifecycle `state` or a device's `alive` flag changes in this view (queues, loads,
   * utilization and times do not count). Policies may cache what they derive from those fields
   * per (view object, version); absent means "never cache" (tests, hand-built views).
   */
  readonly version?: number;
  /**
   * Optional host-kept index of loads (issue #15): `leastLoaded(view, service)` returns what
   * `leastLoaded(routableInstances(view, service))` would — the least (queued + running), ties
   * to the first in id order — in O(1), maintained in O(log n) per load change. Only on views
   * whose instances are the host's live objects (no sync); absent means "scan".
   */
  readonly loadIndex?: LoadIndex;
}

/** See ClusterView.loadIndex. */
export interface LoadIndex {
  leastLoaded(view: ClusterView, service: string): InstanceState | undefined;
}

/** What a request handler on node `self` sees: its own state fresh, peers as last synced. */
export interface NodeView extends ClusterView {
  readonly self: NodeId;
}

export interface RequestInfo {
  readonly id: number;
  readonly service: ServiceName;
  readonly arrivalS: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly ingress: NodeId;
}

export type DropReason = 'no-instance' | 'all-devices-down' | 'overloaded' | 'slo-infeasible' | 'stale-view';

export type RouteDecision =
  | { readonly kind: 'instance'; readonly instanceId: InstanceId; readonly reason: string }
  | { readonly kind: 'drop'; readonly reason: DropReason; readonly detail?: string };

/** Periodic state exchange between request handlers (costs link time in the simulator). */
export interface SyncSpec {
  readonly periodS: number;
  /** Size of the state message one node sends to each peer. */
  readonly messageBytes: number;
}

export interface Policy {
  readonly name: string;
  /** Re-placement period; `undefined` places once at start (and after faults). */
  readonly placementPeriodS: number | undefined;
  /** Peer-state sync; `undefined` means routers see fresh global state (a central router). */
  readonly sync: SyncSpec | undefined;
  place(view: ClusterView, rng: Rng): PlacementPlan;
  route(req: RequestInfo, view: NodeView, rng: Rng): RouteDecision;
}

export type ParamValue = number | string | boolean;
export type ParamSpec =
  | {
      readonly kind: 'number';
      readonly default: number;
      readonly min?: number;
      readonly max?: number;
      readonly description: string;
    }
  | {
      readonly kind: 'integer';
      readonly default: number;
      readonly min?: number;
      readonly max?: number;
      readonly description: string;
    }
  | { readonly kind: 'boolean'; readonly default: boolean; readonly description: string }
  | {
      readonly kind: 'choice';
      readonly default: string;
      readonly choices: readonly string[];
      readonly description: string;
    };

export interface PolicyFactory {
  readonly description: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  create(params: Readonly<Record<string, ParamValue>>): Policy;
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
