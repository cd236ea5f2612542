/**
 * EPARA's distributed request handler: runs on every node, routes each request with fresh local
 * state and periodically synced (possibly stale) peer state.
 *
 * For each ready instance of the service (all stages on alive devices) it estimates the request's
 * latency (perf-model: network in, queueing behind `queued`, prefill, decode at the running batch,
 * cuts, network out) and its ratio to the SLO. Local instances (first stage at this node or its
 * site) that meet the SLO are preferred — no forwarding hop; otherwise the best instance anywhere
 * is taken (a peer, or a split chain across devices). Locality says nothing about freshness: a
 * handler on a switch sees even its site's devices only as synced.
 *
 * Staleness: peer state is as old as `now − asOfS` of its devices. A synced instance's queue
 * (`countsAsOfS`: its snapshot time) is estimated between syncs from the snapshot plus this
 * handler's own dispatches since, drained at the instance's estimated capacity
 * (dispatch-backlog.ts: a fluid Lindley recursion — join-the-shortest-queue with delayed
 * information). A fresh count (no `countsAsOfS`: the handler's own device, or a central router
 * such as the live controller, which counts every request it sends) needs no estimate — it
 * already counts every dispatch, even where the device's own state is as of a heartbeat. Beyond
 * `stalenessLimitS` an estimate is further inflated by `age / limit`, local or not, so a silent
 * peer gets less traffic rather than all of it.
 * A missing sync is not read as a dead peer here: only the host's view says whether a device is
 * alive (sim/host/sync.ts marks a peer silent for 3 sync periods dead, as a heartbeat timeout).
 * A request whose best ratio exceeds `1 + sloMargin` is dropped as 'slo-infeasible' — it would
 * miss anyway and only delay the others.
 */
import type { InstanceState, NodeView, RequestInfo, RouteDecision, ServiceInfo } from '../contract.js';
import { estimateChain, findDevice, sloRatio } from '../perf-model.js';
import { dropFor, routableInstances } from '../routing.js';
import { DispatchBacklog } from './dispatch-backlog.js';

export interface HandlerOptions {
  readonly stalenessLimitS: number;
  readonly sloMargin: number;
}

interface Scored {
  readonly inst: InstanceState;
  readonly ratio: number;
  readonly local: boolean;
  readonly stale: boolean;
  readonly snapshotAsOfS: number;
}

export class RequestHandler {
  private readonly backlog = new DispatchBacklog();

  constructor(private readonly opt: HandlerOptions) {}

  private score(req: RequestInfo, view: NodeView, service: ServiceInfo, inst: InstanceState): Scored | undefined {
    const stages = inst.stages;
    const first = findDevice(view.devices, stages[0]!.device)!;
    const local = first.id === view.self || first.site === view.self;
    let oldest = first.asOfS;
    for (let k = 1; k < stages.length; k++)
      oldest = Math.min(oldest, findDevice(view.devices, stages[k]!.device)!.asOfS);
    const age = Math.max(0, view.now - oldest);
    const est = estimateChain(view, service, inst.stages, req, req.ingress, { queued: 0, running: inst.running });
    if (!est) return undefined;
    // A synced copy's queue is as of its snapshot; a fresh count (no countsAsOfS) needs no estimate.
    const countsAt = inst.countsAsOfS ?? view.now;
    const queued =
      view.now > countsAt
        ? this.backlog.estimate(inst.id, inst.queued, countsAt, view.now, est.capacityRps)
        : inst.queued;
    const waitS = queued * est.bottleneckS;
    const loaded = { ...est, ttftS: est.ttftS + waitS, e2eS: est.e2eS + waitS };
    const stale = age > this.opt.stalenessLimitS;
    const ratio = sloRatio(service.slo, loaded) * (stale ? age / this.opt.stalenessLimitS : 1);
    return { inst, ratio, local, stale, snapshotAsOfS: countsAt };
  }

  route(req: RequestInfo, view: NodeView): RouteDecision {
    const service = view.services.find((s) => s.name === req.service);
    if (!service) return { kind: 'drop', reason: 'no-instance', detail: `unknown service ${req.service}` };
    const ready = routableInstances(view, req.service);
    if (ready.length === 0) return dropFor(view, req.service);
    const scored: Scored[] = [];
    for (const inst of ready) {
      const s = this.score(req, view, service, inst);
      if (s && Number.isFinite(s.ratio)) scored.push(s);
    }
    if (scored.length === 0) return { kind: 'drop', reason: 'slo-infeasible', detail: 'no reachable instance' };
    const better = (a: Scored, b: Scored) => a.ratio < b.ratio;
    let best = scored[0]!;
    for (const s of scored) if (better(s, best)) best = s;
    let bestLocal: Scored | undefined;
    for (const s of scored) if (s.local && (!bestLocal || better(s, bestLocal))) bestLocal = s;
    const pick = bestLocal && bestLocal.ratio <= 1 ? bestLocal : best;
    if (pick.ratio > 1 + this.opt.sloMargin) {
      return { kind: 'drop', reason: 'slo-infeasible', detail: `best estimate ${pick.ratio.toFixed(2)}× SLO` };
    }
    if (view.now > pick.snapshotAsOfS) this.backlog.record(pick.inst.id, view.now);
    const where = pick.inst.stages.length > 1 ? 'split-chain' : pick.local ? 'local' : 'peer';
    return {
      kind: 'instance',
      instanceId: pick.inst.id,
      reason: `${where} ${pick.ratio.toFixed(2)}× SLO${pick.stale ? ' (stale peer)' : ''}`,
    };
  }
}
