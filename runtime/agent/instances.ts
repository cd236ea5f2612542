/**
 * The agent's instances and their lifecycle (DESIGN.md): pending → loading → ready → draining →
 * gone, or failed. Deploy returns at once and the load runs in the background; undeploy drains
 * (accepted requests finish) before the model is released. Finished instances stay listed for
 * `RETAIN_MS` so a heartbeat poller sees the final state.
 */
import type { DeployRequest, InstanceInfo, LifecycleState } from '../protocol/index.js';
import type { Backend, LoadedModel, StepExecutor } from '../backends/types.js';
import { WallClock } from '../clock/index.js';

const RETAIN_MS = 60_000;

interface Instance {
  info: InstanceInfo;
  model: LoadedModel | null;
  /** Set by undeploy; resolved when the instance is gone. */
  drainWaiters: Array<() => void>;
}

export type Acquired =
  | { ok: true; model: LoadedModel; exec: StepExecutor; release: () => void }
  | { ok: false; code: 'not_found' | 'not_ready'; message: string };

export class InstanceTable {
  private readonly byId = new Map<string, Instance>();
  private readonly clock = new WallClock();
  generation = 0;

  constructor(
    private readonly backend: Backend,
    private readonly exec: StepExecutor,
  ) {}

  private set(inst: Instance, state: LifecycleState, error?: string): void {
    inst.info = { ...inst.info, state, sinceAtMs: this.clock.epochMs(), ...(error !== undefined ? { error } : {}) };
    this.generation++;
  }

  list(): InstanceInfo[] {
    const now = this.clock.epochMs();
    for (const [id, inst] of this.byId) {
      if ((inst.info.state === 'gone' || inst.info.state === 'failed') && now - inst.info.sinceAtMs > RETAIN_MS)
        this.byId.delete(id);
    }
    return [...this.byId.values()].map((i) => i.info);
  }

  get(id: string): InstanceInfo | undefined {
    return this.byId.get(id)?.info;
  }

  /** Starts a deploy; `conflict` when the id is live. */
  deploy(req: DeployRequest): { ok: true; info: InstanceInfo } | { ok: false; message: string } {
    const existing = this.byId.get(req.instanceId);
    if (existing !== undefined && existing.info.state !== 'gone' && existing.info.state !== 'failed') {
      return { ok: false, message: `instance ${req.instanceId} exists and is ${existing.info.state}` };
    }
    const inst: Instance = {
      info: {
        instanceId: req.instanceId,
        service: req.service,
        kind: req.kind,
        model: req.model,
        state: 'pending',
        sinceAtMs: this.clock.epochMs(),
        queueLength: 0,
        running: 0,
        served: 0,
        memoryBytes: 0,
        ...(req.layers !== undefined ? { layers: req.layers } : {}),
      },
      model: null,
      drainWaiters: [],
    };
    this.byId.set(req.instanceId, inst);
    this.generation++;
    const info = inst.info;
    setImmediate(() => void this.load(inst, req));
    return { ok: true, info };
  }

  private async load(inst: Instance, req: DeployRequest): Promise<void> {
    this.set(inst, 'loading');
    const t0 = this.clock.preciseS();
    const r = await this.backend.load(req);
    const loadMs = (this.clock.preciseS() - t0) * 1000;
    if (!r.ok) {
      inst.info = { ...inst.info, loadMs };
      this.set(inst, 'failed', r.error);
      this.finishDrain(inst);
      return;
    }
    inst.model = r.model;
    inst.info = { ...inst.info, loadMs, memoryBytes: r.model.memoryBytes };
    if (inst.info.state === 'draining') {
      await this.maybeGone(inst);
      return;
    }
    this.set(inst, 'ready');
  }

  /** Takes a request slot on a ready instance; the caller must call `release` exactly once. */
  acquire(id: string): Acquired {
    const inst = this.byId.get(id);
    if (inst === undefined || inst.info.state === 'gone')
      return { ok: false, code: 'not_found', message: `no instance ${id}` };
    if (inst.info.state !== 'ready' || inst.model === null) {
      return { ok: false, code: 'not_ready', message: `instance ${id} is ${inst.info.state}, not ready` };
    }
    inst.info = { ...inst.info, queueLength: inst.info.queueLength + 1 };
    let started = false;
    const start = (): void => {
      if (started) return;
      started = true;
      inst.info = { ...inst.info, queueLength: inst.info.queueLength - 1, running: inst.info.running + 1 };
    };
    const exec: StepExecutor = {
      step: (fn, signal) =>
        this.exec.step(() => {
          start();
          return fn();
        }, signal),
    };
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      if (started) inst.info = { ...inst.info, running: inst.info.running - 1, served: inst.info.served + 1 };
      else inst.info = { ...inst.info, queueLength: inst.info.queueLength - 1, served: inst.info.served + 1 };
      void this.maybeGone(inst);
    };
    return { ok: true, model: inst.model, exec, release };
  }

  /** Begins draining; resolves (in the background) to gone once in-flight requests finish. */
  undeploy(id: string): InstanceInfo | undefined {
    const inst = this.byId.get(id);
    if (inst === undefined || inst.info.state === 'gone') return undefined;
    if (inst.info.state === 'failed' || inst.info.state === 'draining') return inst.info;
    this.set(inst, 'draining');
    const info = inst.info;
    if (inst.model !== null) setImmediate(() => void this.maybeGone(inst));
    return info;
  }

  private async maybeGone(inst: Instance): Promise<void> {
    if (inst.info.state !== 'draining' || inst.model === null) return;
    if (inst.info.queueLength > 0 || inst.info.running > 0) return;
    const model = inst.model;
    inst.model = null;
    await model.close().catch(() => undefined);
    inst.info = { ...inst.info, memoryBytes: 0 };
    this.set(inst, 'gone');
    this.finishDrain(inst);
  }

  private finishDrain(inst: Instance): void {
    for (const w of inst.drainWaiters.splice(0)) w();
  }

  /** Live weight bytes (not gone/failed). */
  memoryInUse(): number {
    let s = 0;
    for (const i of this.byId.values()) s += i.info.memoryBytes;
    return s;
  }

  /** Drains everything (agent shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.byId.values()].map(async (inst) => {
        if (inst.model !== null) await inst.model.close().catch(() => undefined);
        inst.model = null;
      }),
    );
  }
}
