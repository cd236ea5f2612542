/**
 * EPARA's distributed request handler: runs on every node, routes each request with fresh local
 * state and periodically synced (possibly stale) peer state.
 *
 * For each ready instance of the service (all stages on alive devices) it estimates the request's
 * latency (perf-model: network in, queueing behind `queued`, prefill, decode at the running batch,
 * cuts, network out) and its ratio to the SLO. Local instances (first stage at this node or its
 * site) that meet the SLO are preferred — no forwarding hop, no dependence on stale data;
 * otherwise the best instance anywhere is taken (a peer, or a split chain across devices).
 *
 * Staleness: peer state is as old as `now − asOfS` of its devices. Requests this handler itself
 * sent to an instance after that snapshot are added to its queue (local dispatch accounting, as
 * in join-the-shortest-queue with delayed information); beyond `stalenessLimitS` the estimate is
 * further inflated by `age / limit`, so a silent peer gets less traffic rather than all of it.
 * A request whose best ratio exceeds `1 + sloMargin` is dropped as 'slo-infeasible' — it would
 * miss anyway and only delay the others.
 */
import type { InstanceState, NodeView, RequestInfo, RouteDecision, ServiceInfo } from '../contract.js';
import { estimateChain, sloRatio } from '../perf-model.js';
import { dropFor, routableInstances } from '../routing.js';

export interface HandlerOptions {
  readonly stalenessLimitS: number;
  readonly sloMargin: number;
}

interface Scored { readonly inst: InstanceState; readonly ratio: number; readonly local: boolean; readonly stale: boolean }

export class RequestHandler {
  /** Dispatch times per instance since the oldest snapshot still relevant. */
  private readonly sent = new Map<string, number[]>();

  constructor(private readonly opt: HandlerOptions) {}

  private recentSends(id: string, sinceS: number): number {
    const times = this.sent.get(id);
    if (!times) return 0;
    while (times.length > 0 && times[0]! < sinceS) times.shift();
    return times.length;
  }

  private score(req: RequestInfo, view: NodeView, service: ServiceInfo, inst: InstanceState): Scored | undefined {
    const devices = inst.stages.map((s) => view.devices.find((d) => d.id === s.device)!);
    const first = devices[0]!;
    const local = first.id === view.self || first.site === view.self;
    const asOf = Math.min(...devices.map((d) => d.asOfS));
    const age = Math.max(0, view.now - asOf);
    const sinceSnapshot = this.recentSends(inst.id, asOf);
    const extra = age > 0 ? sinceSnapshot : 0;
    const est = estimateChain(view, service, inst.stages, req, req.ingress, { queued: inst.queued + extra, running: inst.running });
    if (!est) return undefined;
    const stale = !local && age > this.opt.stalenessLimitS;
    const ratio = sloRatio(service.slo, est) * (stale ? age / this.opt.stalenessLimitS : 1);
    return { inst, ratio, local, stale };
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
    const times = this.sent.get(pick.inst.id) ?? [];
    times.push(view.now);
    this.sent.set(pick.inst.id, times);
    const where = pick.inst.stages.length > 1 ? 'split-chain' : pick.local ? 'local' : 'peer';
    return { kind: 'instance', instanceId: pick.inst.id, reason: `${where} ${pick.ratio.toFixed(2)}× SLO${pick.stale ? ' (stale peer)' : ''}` };
  }
}
