/**
 * Realizes a PlacementPlan on the agents with the rules shared with the simulator (host/): the
 * plan diff (a planned instance with the key of an active one is kept), the plan checks (a
 * refused instance is noted with the simulator's reason text), weights per stage and the crash
 * rule. The unmatched rest drain first (DELETE; gone once the agent acknowledged), so their memory
 * is free before the new ones load, as the views count it; then new ones are deployed (POST
 * /v1/instances on every stage's agent: pending → loading → ready as the agents report). Deploys
 * to a dead or agent-less device fail the instance, never the run.
 */
import {
  diffPlan,
  failsOnCrash,
  overflowDevice,
  planProblem,
  stageMembers,
  stageWeights,
  weightNeed,
  type PlacementTopology,
} from '../../host/index.js';
import type { PlacementChange, PlacementPlan, PlannedInstance } from '../../policies/index.js';
import type { Scenario } from '../../scenarios/index.js';
import { LinkNetwork, RngStreams } from '../../sim/index.js';
import { groupLinks } from '../../sim/parallel/group-links.js';
import type { AgentClient } from './agent-client.js';
import type { ClusterViews, LiveInstance } from './cluster-views.js';

/** The testbed's devices and links as the shared plan checks see them (host/plan-checks.ts). */
function liveTopology(scenario: Scenario, views: ClusterViews): PlacementTopology {
  // Routes only: the controller sends no simulated transfer, so the loss stream is never drawn.
  const network = new LinkNetwork(scenario, new RngStreams(0).get('links:loss'));
  const ingress = scenario.services.map((s) => network.nodeIndex.get(s.ingress) ?? -1);
  return {
    deviceIndex: (id) => views.deviceIndex.get(id),
    alive: (d) => views.devices[d]!.alive,
    gpus: (d) => scenario.devices[d]!.spec.gpus,
    reachable: (service, d) => network.reachable(ingress[service]!, d),
    groupProblem: (members) => {
      const g = groupLinks(scenario, members, (l) => views.links[scenario.links.indexOf(l)]!.up);
      return g.ok ? null : g.why;
    },
  };
}

export class PlacementRealizer {
  /**
   * Ordinal of the next instance built, from 0, as the simulator numbers them (`chat#3`): routers
   * break ties by instance id, so both hosts must order one service's instances the same way.
   */
  private counter = 0;
  /**
   * Part of every instance id, unique per run: agents keep the records of gone instances, and a
   * later run on the same agents (the next validation cell) that reused `chat.1` would be told by
   * a stale heartbeat that its fresh instance is already gone.
   */
  private readonly runTag: string;
  readonly changes: PlacementChange[] = [];
  /** Stages (device indexes) reported ready, per loading instance. */
  private readonly readyOn = new Map<string, Set<number>>();
  private readonly topology: PlacementTopology;

  constructor(
    private readonly scenario: Scenario,
    private readonly views: ClusterViews,
    /** Agent client per device index (null: no agent realizes that device). */
    private readonly agents: readonly (AgentClient | null)[],
    private readonly modelFor: (serviceIndex: number) => string,
    private readonly now: () => number,
    runStartEpochMs: number,
  ) {
    this.runTag = `r${Math.floor(runStartEpochMs).toString(36)}`;
    this.topology = liveTopology(scenario, views);
  }

  change(inst: LiveInstance, action: PlacementChange['action']): void {
    this.changes.push({
      timeS: this.now(),
      service: inst.service,
      action,
      instance: inst.id,
      devices: inst.stages.map((s) => s.device),
    });
  }

  /** Applies `plan`; resolves once every deploy/undeploy call returned. Returns true if anything changed. */
  async apply(plan: PlacementPlan): Promise<boolean> {
    const placed = [...this.views.instances.values()].map((inst) => ({ key: inst.key, state: inst.view.state, inst }));
    const diff = diffPlan(plan, placed, (name) => this.scenario.services.some((x) => x.name === name));
    for (const name of diff.unknownServices) this.views.notes.add(`plan names unknown service ${name}; ignored`);
    // As the simulator: drained instances leave first (their weights are free at once, host/memory.ts),
    // then the fresh ones are checked and start loading; the agents unload before they load.
    const drained = diff.drained.map((x) => x.inst);
    for (const inst of drained) {
      this.views.setState(inst, 'draining');
      this.change(inst, 'drain');
    }
    const fresh: LiveInstance[] = [];
    for (const { planned, key } of diff.fresh) {
      const inst = this.create(planned, key);
      if (inst !== null) fresh.push(inst);
    }
    for (const inst of fresh) {
      this.views.setState(inst, 'loading');
      this.change(inst, 'load');
    }
    await Promise.all(drained.map((i) => this.undeploy(i)));
    await Promise.all(fresh.map((i) => this.deploy(i)));
    return fresh.length > 0 || drained.length > 0;
  }

  private create(p: PlannedInstance, key: string): LiveInstance | null {
    const s = this.scenario.services.findIndex((x) => x.name === p.service);
    const svc = this.scenario.services[s]!;
    const why = planProblem(p, svc, s, this.topology);
    if (why !== null) {
      this.views.notes.add(`refused instance of ${p.service}: ${why}`);
      return null;
    }
    const index = (id: string): number => this.views.deviceIndex.get(id)!;
    const deviceIdx = p.stages.map((st) => index(st.device));
    const memberIdx = [...new Set(p.stages.flatMap((st) => stageMembers(st).map(index)))];
    const need = weightNeed(p.stages, stageWeights(svc, p.stages), index);
    const over = overflowDevice(need, this.views.heldWeights(), this.views.capacity);
    if (over >= 0) {
      this.views.notes.add(
        `refused instance of ${p.service} on ${this.scenario.devices[over]!.id}: weights exceed free memory`,
      );
      return null;
    }
    const id = `${svc.name.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 100)}.${this.runTag}.${this.counter++}`;
    const inst: LiveInstance = {
      id,
      service: svc.name,
      serviceIndex: s,
      key,
      stages: p.stages,
      deviceIdx,
      memberIdx,
      need,
      view: { id, service: svc.name, stages: p.stages, state: 'pending', queued: 0, running: 0 },
    };
    this.views.add(inst);
    return inst;
  }

  private async deploy(inst: LiveInstance): Promise<void> {
    const svc = this.scenario.services[inst.serviceIndex]!;
    const results = await Promise.all(
      inst.stages.map((st, k) => {
        const agent = this.agents[inst.deviceIdx[k]!] ?? null;
        if (agent === null || !this.views.devices[inst.deviceIdx[k]!]!.alive)
          return Promise.resolve({ ok: false as const, error: 'device down' });
        return agent.deploy({
          instanceId: inst.id,
          service: svc.name,
          kind: svc.kind,
          model: this.modelFor(inst.serviceIndex),
          ...(inst.stages.length > 1
            ? { layers: { start: st.firstLayer, end: st.endLayer }, stage: { index: k, of: inst.stages.length } }
            : {}),
        });
      }),
    );
    if (results.some((r) => !r.ok) && inst.view.state === 'loading') {
      this.views.setState(inst, 'failed');
      this.change(inst, 'failed');
    }
  }

  /** A draining instance: undeployed on its agents, then gone. */
  private async undeploy(inst: LiveInstance): Promise<void> {
    await Promise.all(inst.deviceIdx.map((d) => this.agents[d]?.undeploy(inst.id)));
    this.views.setState(inst, 'gone');
    this.change(inst, 'gone');
  }

  /** Marks every instance on device `d` (stage or peer) failed (host/faults.ts); they stay in the views. */
  failDevice(d: number): void {
    for (const inst of this.views.instances.values()) {
      if (!inst.memberIdx.includes(d) || !failsOnCrash(inst.view.state)) continue;
      this.views.setState(inst, 'failed');
      this.change(inst, 'failed');
    }
  }

  /** Device `d` stopped answering: down in the views, its instances failed. */
  deviceDown(d: number): void {
    this.views.devices[d]!.alive = false;
    this.failDevice(d);
  }

  /** Device `d` answers (again); an agent that restarted lost its instances. */
  deviceUp(d: number, restarted: boolean): void {
    if (restarted) this.failDevice(d);
    this.views.devices[d]!.alive = true;
  }

  /** Instance state as reported by an agent's heartbeat (ready/failed transitions). */
  observe(inst: LiveInstance, device: number, agentState: string): void {
    if (inst.view.state !== 'loading') return;
    if (agentState === 'ready') {
      const on = this.readyOn.get(inst.id) ?? new Set<number>();
      on.add(device);
      this.readyOn.set(inst.id, on);
      if (inst.deviceIdx.every((d) => on.has(d))) {
        this.views.setState(inst, 'ready');
        this.change(inst, 'ready');
        this.readyOn.delete(inst.id);
      }
    }
    if (agentState === 'failed' || agentState === 'gone') {
      this.views.setState(inst, 'failed');
      this.change(inst, 'failed');
    }
  }

  /** Undeploys everything still placed (end of run), best effort. */
  async teardown(): Promise<void> {
    const all = [...this.views.instances.values()].filter((i) => i.view.state !== 'gone');
    await Promise.all(all.flatMap((i) => i.deviceIdx.map((d) => this.agents[d]?.undeploy(i.id))));
  }
}
