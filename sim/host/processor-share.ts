/**
 * Processor sharing of a CPU device (scenario `device_sharing: processor-sharing`): the engines on
 * a device run at once, as an OS runs the threads of llama.cpp and onnxruntime side by side, and
 * each running job (an engine step or batch) progresses at its share of the device's cores —
 * instead of waiting in the FIFO of the device's lanes. Kleinrock's processor-sharing queue (the
 * limit of round-robin time slicing as the quantum goes to 0; Linux CFS approximates it with
 * millisecond slices), generalised to thread budgets: the device has C cores (its lanes), a job
 * may use at most `cap` of them (the engine's threads = the lanes its stage claims), and the cores
 * are shared max-min fairly (water-filling). A job's work is its duration alone on the device
 * (the profile's time, measured with the engine's threads); it progresses at alloc / cap.
 *
 * Between two arrivals the schedule is fixed (jobs leave in a known order), so each arrival
 * recomputes every active job's end once and the caller moves the end events that changed; a
 * departure needs no event of its own. Cost O(n²) per arrival for n jobs on the device (a few).
 */
export class ProcessorShare {
  /** Per active job: owner (instance index), work left at `asOfS`, thread cap, predicted end. */
  private owners: number[] = [];
  private left: number[] = [];
  private caps: number[] = [];
  private ends: number[] = [];
  /** Per active job: its predicted end just before the last `add` (read by `endMovedAt`). */
  private endsBeforeAdd: number[] = [];
  private asOfS = 0;

  constructor(readonly cores: number) {}

  get active(): number {
    return this.owners.length;
  }

  /** Latest predicted end of the active jobs (the device is busy until then), or −∞. */
  get busyUntil(): number {
    let m = -Infinity;
    for (const e of this.ends) if (e > m) m = e;
    return m;
  }

  /** Predicted end of `owner`'s job, or NaN when it has none. */
  endOf(owner: number): number {
    const i = this.owners.indexOf(owner);
    return i < 0 ? NaN : this.ends[i]!;
  }

  /** Owner of active job `i` (0 ≤ i < active). */
  ownerAt(i: number): number {
    return this.owners[i]!;
  }

  /** Predicted end of active job `i`. */
  endAt(i: number): number {
    return this.ends[i]!;
  }

  /**
   * True when the last `add` moved job `i`'s predicted end (or created the job): its end event
   * must be re-scheduled. Index-based, so the caller's per-arrival loop allocates nothing.
   */
  endMovedAt(i: number): boolean {
    return i >= this.endsBeforeAdd.length || this.endsBeforeAdd[i] !== this.ends[i];
  }

  /** Owners of the active jobs and their predicted ends (read after `add`/`shorten`). */
  jobs(): { readonly owner: number; readonly endS: number }[] {
    return this.owners.map((o, i) => ({ owner: o, endS: this.ends[i]! }));
  }

  /**
   * Adds `workS` of work of `owner` (cap: its threads) at `nowS` — to its running job when it
   * has one (consecutive work of one engine) — and recomputes every job's end.
   */
  add(nowS: number, owner: number, workS: number, cap: number): void {
    this.advance(nowS);
    // The jobs kept by `advance` keep their predicted ends: these are what `endMovedAt` compares.
    this.endsBeforeAdd.length = this.ends.length;
    for (let k = 0; k < this.ends.length; k++) this.endsBeforeAdd[k] = this.ends[k]!;
    const i = this.owners.indexOf(owner);
    if (i >= 0) this.left[i] = this.left[i]! + workS;
    else {
      this.owners.push(owner);
      this.left.push(workS);
      this.caps.push(Math.max(1e-9, Math.min(cap, this.cores)));
      this.ends.push(nowS);
    }
    this.schedule();
  }

  /** Takes `workS` of work back from `owner`'s job (a decode run cut short) and recomputes the ends. */
  shorten(nowS: number, owner: number, workS: number): void {
    this.advance(nowS);
    const i = this.owners.indexOf(owner);
    if (i < 0) return;
    this.left[i] = Math.max(0, this.left[i]! - workS);
    this.schedule();
  }

  /** The device crashed: every job is gone. */
  clear(nowS: number): void {
    this.owners = [];
    this.left = [];
    this.caps = [];
    this.ends = [];
    this.endsBeforeAdd = [];
    this.asOfS = nowS;
  }

  /** Speed of each job (work seconds per second) for the jobs whose index is in `alive`. */
  private speeds(alive: readonly number[]): Map<number, number> {
    // Water-filling: the smallest caps are served whole while an equal share exceeds them.
    const order = [...alive].sort((a, b) => this.caps[a]! - this.caps[b]! || a - b);
    const out = new Map<number, number>();
    let free = this.cores;
    let n = order.length;
    for (const j of order) {
      const alloc = Math.min(this.caps[j]!, free / n);
      out.set(j, alloc / this.caps[j]!);
      free -= alloc;
      n--;
    }
    return out;
  }

  /**
   * Runs the fixed schedule from `asOfS` to `untilS` (untilS = Infinity: to the end, recording
   * each job's end): returns the work left at `untilS` per job index.
   */
  private run(untilS: number): number[] {
    const left = [...this.left];
    let alive = left.map((_, i) => i).filter((i) => this.ends[i]! > this.asOfS || untilS === Infinity);
    let t = this.asOfS;
    while (alive.length > 0) {
      const v = this.speeds(alive);
      let dt = Infinity;
      for (const j of alive) dt = Math.min(dt, left[j]! / v.get(j)!);
      if (t + dt > untilS) {
        for (const j of alive) left[j] = left[j]! - (untilS - t) * v.get(j)!;
        return left;
      }
      t += dt;
      const next: number[] = [];
      for (const j of alive) {
        left[j] = left[j]! - dt * v.get(j)!;
        if (left[j]! <= 1e-12 * Math.max(1, t)) {
          left[j] = 0;
          if (untilS === Infinity) this.ends[j] = t;
        } else next.push(j);
      }
      alive = next;
    }
    return left;
  }

  /** Moves the state to `nowS`: work done meanwhile is subtracted, finished jobs leave. */
  private advance(nowS: number): void {
    if (nowS <= this.asOfS) return;
    const left = this.run(nowS);
    const keep = left.map((_, i) => i).filter((i) => this.ends[i]! > nowS && left[i]! > 0);
    this.owners = keep.map((i) => this.owners[i]!);
    this.caps = keep.map((i) => this.caps[i]!);
    this.ends = keep.map((i) => this.ends[i]!);
    this.left = keep.map((i) => left[i]!);
    this.asOfS = nowS;
  }

  /** Recomputes every job's end from the state at `asOfS` (no later arrival assumed). */
  private schedule(): void {
    for (let i = 0; i < this.ends.length; i++) if (this.left[i]! <= 0) this.ends[i] = this.asOfS;
    this.run(Infinity);
  }
}
