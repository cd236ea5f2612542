/**
 * Realizes a PlacementPlan on the agents, with the simulator's matching rule
 * (sim/host/placement.ts): a planned instance equal to a live one (same service, same stages) is
 * kept; new ones are deployed (POST /v1/instances on every stage's agent: pending → loading →
 * ready as the agent reports); the unmatched rest drain (DELETE) and are gone once the agent
 * acknowledged. Deploys to a dead or agent-less device fail the instance, never the run.
 */
import type { PlacementChange, PlacementPlan, PlannedInstance, Stage } from '../../policies/index.js';
import type { Scenario } from '../../scenarios/index.js';
import type { AgentClient } from './agent-client.js';
import type { ClusterViews, LiveInstance } from './cluster-views.js';

const stageKey = (s: readonly Stage[]): string => s.map((x) => `${x.device}/${x.firstLayer}-${x.endLayer}x${x.gpus}`).join('|');

export class PlacementRealizer {
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
  }

  change(inst: LiveInstance, action: PlacementChange['action']): void {
    this.changes.push({ timeS: this.now(), service: inst.service, action, instance: inst.id, devices: inst.stages.map((s) => s.device) });
  }

  /** Applies `plan`; resolves once every deploy/undeploy call returned. Returns true if anything changed. */
  async apply(plan: PlacementPlan): Promise<boolean> {
    const live = [...this.views.instances.values()].filter((i) => i.view.state === 'pending' || i.view.state === 'loading' || i.view.state === 'ready');
    const kept = new Set<string>();
    const fresh: LiveInstance[] = [];
    for (const p of plan.instances) {
      const key = stageKey(p.stages);
      const match = live.find((i) => !kept.has(i.id) && i.service === p.service && stageKey(i.stages) === key);
      if (match !== undefined) { kept.add(match.id); continue; }
      const inst = this.create(p);
      if (inst !== null) fresh.push(inst);
    }
    const drained = live.filter((i) => !kept.has(i.id));
    const calls: Promise<void>[] = [...fresh.map((i) => this.deploy(i)), ...drained.map((i) => this.drain(i))];
    await Promise.all(calls);
    return fresh.length > 0 || drained.length > 0;
  }

  private create(p: PlannedInstance): LiveInstance | null {
    const s = this.scenario.services.findIndex((x) => x.name === p.service);
    const deviceIdx = p.stages.map((st) => this.views.deviceIndex.get(st.device) ?? -1);
    if (s < 0 || deviceIdx.some((d) => d < 0) || p.stages.length === 0) return null;
    const svc = this.scenario.services[s]!;
    const id = `${svc.name.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 100)}.${this.runTag}.${++this.counter}`;
    const inst: LiveInstance = {
      id, service: svc.name, serviceIndex: s, stages: p.stages, deviceIdx, weightBytes: svc.model.weightBytes,
      view: { id, service: svc.name, stages: p.stages, state: 'pending', queued: 0, running: 0 },
    };
    this.views.add(inst);
    return inst;
  }

  private async deploy(inst: LiveInstance): Promise<void> {
    const svc = this.scenario.services[inst.serviceIndex]!;
    this.views.setState(inst, 'loading');
    this.change(inst, 'load');
    const results = await Promise.all(inst.stages.map((st, k) => {
      const agent = this.agents[inst.deviceIdx[k]!] ?? null;
      if (agent === null || !this.views.devices[inst.deviceIdx[k]!]!.alive) return Promise.resolve({ ok: false as const, error: 'device down' });
      return agent.deploy({
        instanceId: inst.id, service: svc.name, kind: svc.kind, model: this.modelFor(inst.serviceIndex),
        ...(inst.stages.length > 1 ? { layers: { start: st.firstLayer, end: st.endLayer }, stage: { index: k, of: inst.stages.length } } : {}),
      });
    }));
    if (results.some((r) => !r.ok) && inst.view.state === 'loading') {
      this.views.setState(inst, 'failed');
      this.change(inst, 'failed');
    }
  }

  private async drain(inst: LiveInstance): Promise<void> {
    this.views.setState(inst, 'draining');
    this.change(inst, 'drain');
    await Promise.all(inst.deviceIdx.map((d) => this.agents[d]?.undeploy(inst.id)));
    this.views.setState(inst, 'gone');
    this.change(inst, 'gone');
  }

  /** Marks every non-gone instance touching device `d` failed (device died or restarted). */
  failDevice(d: number): void {
    for (const inst of [...this.views.instances.values()]) {
      if (!inst.deviceIdx.includes(d) || inst.view.state === 'gone') continue;
      if (inst.view.state !== 'failed') { this.views.setState(inst, 'failed'); this.change(inst, 'failed'); }
      this.views.setState(inst, 'gone');
    }
  }

  /** Instance state as reported by an agent's heartbeat (ready/failed transitions). */
  observe(inst: LiveInstance, device: number, agentState: string): void {
    if (inst.view.state !== 'loading') return;
    if (agentState === 'ready') {
      const on = this.readyOn.get(inst.id) ?? new Set<number>();
      on.add(device);
      this.readyOn.set(inst.id, on);
      if (inst.deviceIdx.every((d) => on.has(d))) { this.views.setState(inst, 'ready'); this.change(inst, 'ready'); this.readyOn.delete(inst.id); }
    }
    if (agentState === 'failed' || agentState === 'gone') { this.views.setState(inst, 'failed'); this.change(inst, 'failed'); }
  }

  /** Undeploys everything still placed (end of run), best effort. */
  async teardown(): Promise<void> {
    const all = [...this.views.instances.values()].filter((i) => i.view.state !== 'gone');
    await Promise.all(all.flatMap((i) => i.deviceIdx.map((d) => this.agents[d]?.undeploy(i.id))));
  }
}
