/**
 * `epara`: the EPARA policy (arXiv 2511.00603) assembled from its parts, at three time
 * granularities: per request the distributed request handler (request-handler.ts); every
 * `sync_period_s` the nodes exchange state (`sync`, costed by the host); every
 * `placement_period_s` — and within `health_check_s` of a crash, a recovery or the end of a
 * recovery backoff (replan-trigger.ts) — the state-aware scheduler (scheduler.ts) re-places
 * services using the categorizer (categorize.ts) and the parallelism allocator (allocate.ts).
 * Dead devices are excluded everywhere; recovered ones wait out a backoff (fault-backoff.ts).
 */
import type {
  ClusterView,
  NodeView,
  PlacementPlan,
  Policy,
  PolicyFactory,
  RequestInfo,
  RouteDecision,
  SyncSpec,
} from '../contract.js';
import type { ResolvedParams } from '../params.js';
import { numberParam, resolveParams } from '../params.js';

/** Shares of one accelerator offered to small single-GPU tasks when `gpu_sharing` is on. */
export const SHARE_FRACTIONS: readonly number[] = [0.25, 0.5];
import { DemandEstimate } from './demand-estimate.js';
import { FaultBackoff } from './fault-backoff.js';
import { keepLive, ReplanTrigger } from './replan-trigger.js';
import { RequestHandler } from './request-handler.js';
import { schedule } from './scheduler.js';

class Epara implements Policy {
  readonly name = 'epara';
  readonly placementPeriodS: number;
  readonly sync: SyncSpec;
  private readonly handler: RequestHandler;
  private readonly backoff: FaultBackoff;
  private readonly trigger: ReplanTrigger;
  private readonly demand: DemandEstimate;

  constructor(private readonly p: ResolvedParams) {
    const periodS = numberParam(p, 'placement_period_s');
    // The host calls place() at the finer of the two; most calls are health checks (replan-trigger.ts).
    this.placementPeriodS = Math.min(periodS, numberParam(p, 'health_check_s'));
    this.trigger = new ReplanTrigger(periodS);
    this.sync = { periodS: numberParam(p, 'sync_period_s'), messageBytes: numberParam(p, 'sync_message_bytes') };
    this.handler = new RequestHandler({
      stalenessLimitS: numberParam(p, 'staleness_limit_s'),
      sloMargin: numberParam(p, 'slo_margin'),
    });
    this.backoff = new FaultBackoff(numberParam(p, 'recovery_backoff_s'));
    this.demand = new DemandEstimate({
      alpha: numberParam(p, 'demand_alpha'),
      burst: numberParam(p, 'demand_burst'),
      tolerance: numberParam(p, 'demand_tolerance'),
      downPeriods: numberParam(p, 'demand_down_periods'),
      burstWindowS: numberParam(p, 'burst_window_s'),
      placementPeriodS: periodS,
    });
  }

  place(view: ClusterView): PlacementPlan {
    this.backoff.observe(view);
    this.demand.observe(view);
    const { devices, held } = this.backoff.usable(view);
    const why = this.trigger.due(view, devices);
    if (why === undefined) {
      return {
        instances: keepLive(view.instances),
        reason: `health check: no change${held.length > 0 ? `, backoff ${held.join(',')}` : ''}`,
      };
    }
    const planned = this.demand.planView(view);
    const r = schedule(planned, devices, {
      migrationThreshold: numberParam(this.p, 'migration_threshold'),
      loadBytesPerS: numberParam(this.p, 'load_gbps') * 1e9,
      placementPeriodS: numberParam(this.p, 'placement_period_s'),
      demandHeadroom: numberParam(this.p, 'demand_headroom'),
      shareFractions: this.p['gpu_sharing'] === true ? SHARE_FRACTIONS : [],
    });
    this.trigger.replanned(view, devices);
    const demandOf = new Map(planned.services.map((s) => [s.name, s.demandRps]));
    const modes = [...r.services]
      .map(
        ([s, i]) =>
          `${s}:${i.category.sensitivity[0]}${i.category.gpus[0]}/${i.allocation.mode}x${i.allocation.degree}@${(demandOf.get(s) ?? 0).toFixed(2)}rps`,
      )
      .join(' ');
    const reason =
      `${r.choice} plan (${why}) value ${r.value.toFixed(2)} rps, kept ${r.kept}, new ${r.loaded}` +
      (held.length > 0 ? `, backoff ${held.join(',')}` : '') +
      (modes ? `; ${modes}` : '');
    return { instances: r.instances, reason };
  }

  route(req: RequestInfo, view: NodeView): RouteDecision {
    this.demand.recordRequest(req.service, req.promptTokens, req.outputTokens);
    return this.handler.route(req, view);
  }
}

const params = {
  sync_period_s: {
    kind: 'number',
    default: 1,
    min: 0.01,
    max: 600,
    description: 'Period of peer state exchange between request handlers, s.',
  },
  sync_message_bytes: {
    kind: 'integer',
    default: 512,
    min: 16,
    max: 1_000_000,
    description: 'Size of one node→peer state message, bytes.',
  },
  placement_period_s: {
    kind: 'number',
    default: 60,
    min: 1,
    max: 86_400,
    description: 'Period of the state-aware re-placement, s.',
  },
  health_check_s: {
    kind: 'number',
    default: 1,
    min: 0.01,
    max: 86_400,
    description:
      "Period of the scheduler's device-health check; a crash, recovery or expired backoff triggers a re-placement within it, s.",
  },
  staleness_limit_s: {
    kind: 'number',
    default: 3,
    min: 0.01,
    max: 3600,
    description: 'Peer state older than this is discounted (estimate × age/limit), s.',
  },
  migration_threshold: {
    kind: 'number',
    default: 0.1,
    min: 0,
    max: 10,
    description: 'Relative goodput gain a fresh plan needs over keeping existing instances.',
  },
  slo_margin: {
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 100,
    description: 'Drop as slo-infeasible when the best estimate exceeds the SLO by more than this fraction.',
  },
  load_gbps: {
    kind: 'number',
    default: 1,
    min: 0.001,
    max: 1000,
    description: 'Assumed weight-loading bandwidth for load-time discounts, GB/s.',
  },
  demand_headroom: {
    kind: 'number',
    default: 1.25,
    min: 1,
    max: 10,
    description: "Capacity target as a multiple of each service's demand.",
  },
  recovery_backoff_s: {
    kind: 'number',
    default: 10,
    min: 0,
    max: 3600,
    description: 'A recovered device gets no new instances for this long (doubling per failure, ≤ 8×), s.',
  },
  demand_alpha: {
    kind: 'number',
    default: 0.5,
    min: 0.01,
    max: 1,
    description: 'EWMA weight of the latest full period in the demand level and peak (1 = that period alone).',
  },
  demand_burst: {
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    description: 'Share of the observed peak-over-level planned for as burst headroom (0 = plan for the level).',
  },
  demand_tolerance: {
    kind: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    description: 'Planned demand changes only when the estimate leaves ± this fraction of it.',
  },
  demand_down_periods: {
    kind: 'integer',
    default: 3,
    min: 1,
    max: 100,
    description: 'Planned demand falls only to the largest estimate of this many last periods (scale-down window).',
  },
  burst_window_s: {
    kind: 'number',
    default: 10,
    min: 0.1,
    max: 3600,
    description: "Window whose largest mean rate within a period is the period's peak, s.",
  },
  gpu_sharing: {
    kind: 'boolean',
    default: true,
    description: 'Offer small single-GPU tasks fractional shares (1/4, 1/2) of one accelerator (Stage.gpuFraction).',
  },
} as const satisfies PolicyFactory['params'];

export const epara: PolicyFactory = {
  description:
    'EPARA: task-categorized parallelism, distributed state-synced request handling, periodic state-aware greedy placement.',
  params,
  create: (given) => new Epara(resolveParams(params, given)),
};
