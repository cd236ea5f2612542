/**
 * `parasim/policy` — what a user's policy module implements and the pure helpers it may use
 * (docs/writing-a-policy.md). A policy is a PolicyFactory: `{ description, params, create }`;
 * `create` returns a Policy whose `place(view, rng)` and `route(request, view, rng)` read only
 * their arguments — the same module then runs in the simulator and on the live testbed.
 */
export type {
  Category,
  ClusterView,
  DevicePerf,
  DeviceState,
  DropReason,
  InstanceState,
  Lifecycle,
  LinkState,
  ModelInfo,
  NodeView,
  ParamSpec,
  ParamValue,
  PlacementPlan,
  PlannedInstance,
  Policy,
  PolicyFactory,
  RequestInfo,
  Rng,
  RouteDecision,
  ServiceInfo,
  Slo,
  Stage,
  SyncSpec,
} from '../policies/index.js';
export type { InstanceEstimate, Work } from '../policies/index.js';
export {
  /** Throws on a value a switch did not handle (exhaustiveness for discriminated unions). */
  assertNever,
  /** Fraction of accelerator memory a replica may use for weights (the rest is KV cache and runtime). */
  WEIGHT_MEMORY_FRACTION,
  /** Smallest power-of-two tensor-parallel degree whose memory holds the model, or 0. */
  tensorDegreeToFit,
  /** One stage holding every layer of the model on a device. */
  wholeModelStage,
  /** A service's ready instances whose devices are all alive. */
  readyInstances,
  /** Canonical key of a stage list (compare planned and running instances). */
  stagesKey,
  /** Planning estimate (TTFT, TPOT, e2e, bottleneck, capacity) of a chain of stages. */
  estimateChain,
  /** Estimate ÷ SLO (≤ 1 meets it) for any SLO kind. */
  sloRatio,
  /** Weight bytes of one stage; TP scale; per-device weight capacity and a plan's memory use. */
  stageWeightBytes,
  tpScale,
  deviceWeightCapacity,
  planMemoryByDevice,
  /** Seconds to move bytes along the lowest-latency path of links that are up. */
  transferTimeS,
  /** A params record with every spec's default filled in. */
  resolveParams,
  /** The built-in policies by name, e.g. to wrap one. */
  POLICIES,
  POLICY_NAMES,
} from '../policies/index.js';
