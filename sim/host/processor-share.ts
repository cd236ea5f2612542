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
 * Between two changes of the set the schedule is fixed (jobs leave in a known order), so each
 * change — a job added or grown (`add`), a job cut short (`shorten`) — recomputes every active
 * job's end once; a departure at its predicted end needs no event of its own. The queue keeps,
 * per job, the end its owner's end event stands at (`markScheduled`), so after any change the
 * caller moves exactly the events whose predicted end differs (`endMovedAt`): a cut speeds up the
 * co-runners as an arrival slows them. Cost O(n²) per change for n jobs on the device (a few);
 * the state lives in typed arrays reused from change to change (no allocation per event).
 */
export class ProcessorShare {
  /** Active jobs: 0..n−1 of the arrays below. */
  private n = 0;
  /** Per active job: owner (instance index), work left at `asOfS`, thread cap, predicted end. */
  private owners = new Int32Array(4);
  private left = new Float64Array(4);
  private caps = new Float64Array(4);
  private ends = new Float64Array(4);
  /** Per active job: the time its owner's end event stands at (NaN: none yet), see markScheduled. */
  private scheduled = new Float64Array(4);
  /** Scratch of `run`: work left per job, speed per job, alive flags, jobs in water-filling order. */
  private work = new Float64Array(4);
  private speed = new Float64Array(4);
  private alive = new Uint8Array(4);
  private order = new Int32Array(4);
  private asOfS = 0;

  constructor(readonly cores: number) {}

  get active(): number {
    return this.n;
  }

  /** Latest predicted end of the active jobs (the device is busy until then), or −∞. */
  get busyUntil(): number {
    let m = -Infinity;
    for (let i = 0; i < this.n; i++) if (this.ends[i]! > m) m = this.ends[i]!;
    return m;
  }

  /** Predicted end of `owner`'s job, or NaN when it has none. */
  endOf(owner: number): number {
    const i = this.indexOf(owner);
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
   * True when job `i`'s predicted end differs from the time its end event stands at (or it has
   * none yet): after any change the caller re-schedules it and calls `markScheduled(i)`.
   */
  endMovedAt(i: number): boolean {
    return this.scheduled[i] !== this.ends[i];
  }

  /** Job `i`'s end event now stands at its predicted end. */
  markScheduled(i: number): void {
    this.scheduled[i] = this.ends[i]!;
  }

  /** Owners of the active jobs and their predicted ends (allocates: for tests and traces). */
  jobs(): { readonly owner: number; readonly endS: number }[] {
    const out: { owner: number; endS: number }[] = [];
    for (let i = 0; i < this.n; i++) out.push({ owner: this.owners[i]!, endS: this.ends[i]! });
    return out;
  }

  /**
   * Adds `workS` of work of `owner` (cap: its threads) at `nowS` — to its running job when it
   * has one (consecutive work of one engine) — and recomputes every job's end.
   */
  add(nowS: number, owner: number, workS: number, cap: number): void {
    this.advance(nowS);
    const i = this.indexOf(owner);
    if (i >= 0) this.left[i] = this.left[i]! + workS;
    else {
      if (this.n === this.owners.length) this.grow();
      const k = this.n++;
      this.owners[k] = owner;
      this.left[k] = workS;
      this.caps[k] = Math.max(1e-9, Math.min(cap, this.cores));
      this.ends[k] = nowS;
      this.scheduled[k] = NaN;
    }
    this.schedule();
  }

  /** Takes `workS` of work back from `owner`'s job (a decode run cut short) and recomputes the ends. */
  shorten(nowS: number, owner: number, workS: number): void {
    this.advance(nowS);
    const i = this.indexOf(owner);
    if (i < 0) return;
    this.left[i] = Math.max(0, this.left[i]! - workS);
    this.schedule();
  }

  /** The device crashed: every job is gone. */
  clear(nowS: number): void {
    this.n = 0;
    this.asOfS = nowS;
  }

  private indexOf(owner: number): number {
    for (let i = 0; i < this.n; i++) if (this.owners[i] === owner) return i;
    return -1;
  }

  /** Doubles the capacity of every per-job array (rare: only when more jobs run than ever before). */
  private grow(): void {
    const cap = this.owners.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const owners = new Int32Array(cap);
    owners.set(this.owners);
    this.owners = owners;
    this.left = f64(this.left);
    this.caps = f64(this.caps);
    this.ends = f64(this.ends);
    this.scheduled = f64(this.scheduled);
    this.work = new Float64Array(cap);
    this.speed = new Float64Array(cap);
    this.alive = new Uint8Array(cap);
    this.order = new Int32Array(cap);
  }

  /** Speed of each alive job (work seconds per second) into `speed`. */
  private speeds(): void {
    // Water-filling: the smallest caps are served whole while an equal share exceeds them.
    // Alive jobs by (cap, index), insertion sort (a few jobs).
    let m = 0;
    for (let j = 0; j < this.n; j++) {
      if (!this.alive[j]) continue;
      let p = m++;
      while (p > 0) {
        const q = this.order[p - 1]!;
        if (this.caps[q]! - this.caps[j]! <= 0) break;
        this.order[p] = q;
        p--;
      }
      this.order[p] = j;
    }
    let free = this.cores;
    let k = m;
    for (let o = 0; o < m; o++) {
      const j = this.order[o]!;
      const alloc = Math.min(this.caps[j]!, free / k);
      this.speed[j] = alloc / this.caps[j]!;
      free -= alloc;
      k--;
    }
  }

  /**
   * Runs the fixed schedule from `asOfS` to `untilS` (untilS = Infinity: to the end, recording
   * each job's end), leaving the work left at `untilS` per job index in `work`.
   */
  private run(untilS: number): void {
    const n = this.n;
    const work = this.work;
    const alive = this.alive;
    const speed = this.speed;
    let count = 0;
    for (let i = 0; i < n; i++) {
      work[i] = this.left[i]!;
      alive[i] = this.ends[i]! > this.asOfS || untilS === Infinity ? 1 : 0;
      count += alive[i]!;
    }
    let t = this.asOfS;
    while (count > 0) {
      this.speeds();
      let dt = Infinity;
      for (let j = 0; j < n; j++) if (alive[j]) dt = Math.min(dt, work[j]! / speed[j]!);
      if (t + dt > untilS) {
        for (let j = 0; j < n; j++) if (alive[j]) work[j] = work[j]! - (untilS - t) * speed[j]!;
        return;
      }
      t += dt;
      for (let j = 0; j < n; j++) {
        if (!alive[j]) continue;
        work[j] = work[j]! - dt * speed[j]!;
        if (work[j]! <= 1e-12 * Math.max(1, t)) {
          work[j] = 0;
          if (untilS === Infinity) this.ends[j] = t;
          alive[j] = 0;
          count--;
        }
      }
    }
  }

  /** Moves the state to `nowS`: work done meanwhile is subtracted, finished jobs leave. */
  private advance(nowS: number): void {
    if (nowS <= this.asOfS) return;
    this.run(nowS);
    let k = 0;
    for (let i = 0; i < this.n; i++) {
      if (!(this.ends[i]! > nowS && this.work[i]! > 0)) continue;
      this.owners[k] = this.owners[i]!;
      this.caps[k] = this.caps[i]!;
      this.ends[k] = this.ends[i]!;
      this.scheduled[k] = this.scheduled[i]!;
      this.left[k] = this.work[i]!;
      k++;
    }
    this.n = k;
    this.asOfS = nowS;
  }

  /** Recomputes every job's end from the state at `asOfS` (no later arrival assumed). */
  private schedule(): void {
    for (let i = 0; i < this.n; i++) if (this.left[i]! <= 0) this.ends[i] = this.asOfS;
    this.run(Infinity);
  }
}
