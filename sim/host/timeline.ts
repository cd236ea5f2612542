/**
 * A Chrome / Perfetto trace of a run (`parasim run --timeline FILE [--window A:B]`): the
 * trace-event JSON that ui.perfetto.dev and chrome://tracing open. One process per device with
 * one thread per instance on it (its engine steps: batch, prefill tokens, decodes, KV blocks in
 * use); one process per service with each request as an async slice from arrival to its outcome;
 * one process for the network with one thread per (from, to) pair of transfers. Only what overlaps
 * the window is kept, so a long run's trace stays small. Times in microseconds of virtual time.
 * Off unless asked: the engine calls it behind one null check.
 */
import type { Scenario } from '../../scenarios/index.js';

interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: 'X' | 'b' | 'e' | 'M';
  readonly ts?: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid?: number;
  readonly id?: number;
  readonly args?: Readonly<Record<string, string | number>>;
}

const US = 1e6;

export class Timeline {
  private readonly events: TraceEvent[] = [];
  private readonly threads = new Set<string>();
  private readonly servicePid: number;
  private readonly netPid: number;
  private readonly pairs = new Map<string, number>();

  constructor(
    private readonly scenario: Scenario,
    readonly fromS = 0,
    readonly toS = Infinity,
  ) {
    if (!(toS > fromS)) throw new RangeError(`timeline window must have from < to (got ${fromS}:${toS})`);
    scenario.devices.forEach((d, i) => this.meta('process_name', i, undefined, `${d.id} (${d.spec.key})`));
    this.servicePid = scenario.devices.length;
    scenario.services.forEach((s, k) => this.meta('process_name', this.servicePid + k, undefined, `service ${s.name}`));
    this.netPid = this.servicePid + scenario.services.length;
    this.meta('process_name', this.netPid, undefined, 'network');
  }

  private meta(name: 'process_name' | 'thread_name', pid: number, tid: number | undefined, label: string): void {
    this.events.push({
      name,
      cat: '__metadata',
      ph: 'M',
      pid,
      ...(tid !== undefined ? { tid } : {}),
      args: { name: label },
    });
  }

  private overlaps(startS: number, endS: number): boolean {
    return endS >= this.fromS && startS <= this.toS;
  }

  /** An engine step (or a decode run of `steps` steps) of instance `inst` on device `device`. */
  step(device: number, inst: number, instId: string, startS: number, endS: number, args: Record<string, number>): void {
    if (!this.overlaps(startS, endS)) return;
    const key = `${device}/${inst}`;
    if (!this.threads.has(key)) {
      this.threads.add(key);
      this.meta('thread_name', device, inst, instId);
    }
    const name =
      args['prefillTokens']! > 0 ? 'prefill+decode' : args['steps']! > 1 ? `decode ×${args['steps']}` : 'decode';
    this.events.push({
      name,
      cat: 'step',
      ph: 'X',
      ts: startS * US,
      dur: (endS - startS) * US,
      pid: device,
      tid: inst,
      args,
    });
  }

  /** A request from arrival to its outcome. */
  request(service: number, id: number, arrivalS: number, endS: number, outcome: string): void {
    const end = Number.isFinite(endS) ? endS : this.scenario.horizonS;
    if (!this.overlaps(arrivalS, end)) return;
    const pid = this.servicePid + service;
    this.events.push({
      name: `req ${id}`,
      cat: 'request',
      ph: 'b',
      ts: arrivalS * US,
      pid,
      tid: 0,
      id,
      args: { outcome },
    });
    this.events.push({ name: `req ${id}`, cat: 'request', ph: 'e', ts: end * US, pid, tid: 0, id });
  }

  /** Bytes crossing the network from node `from` to node `to`, arriving at `endS`. */
  transfer(from: string, to: string, startS: number, endS: number, bytes: number): void {
    if (!this.overlaps(startS, endS)) return;
    const key = `${from} → ${to}`;
    let tid = this.pairs.get(key);
    if (tid === undefined) {
      tid = this.pairs.size;
      this.pairs.set(key, tid);
      this.meta('thread_name', this.netPid, tid, key);
    }
    this.events.push({
      name: `${bytes} B`,
      cat: 'transfer',
      ph: 'X',
      ts: startS * US,
      dur: (endS - startS) * US,
      pid: this.netPid,
      tid,
      args: { bytes },
    });
  }

  toJSON(): object {
    return {
      traceEvents: this.events,
      displayTimeUnit: 'ms',
      otherData: { scenario: this.scenario.name, windowS: [this.fromS, this.toS] },
    };
  }
}
