/**
 * Compute lanes: one per accelerator (GPU) of every device, so a box with G GPUs runs instances
 * on disjoint GPUs concurrently and checks memory per GPU. A stage of an instance claims `gpus`
 * lanes of its device at placement (tensor parallel over them) and runs its steps on all of them
 * at once. Work on one lane is served in order (FIFO), so instances co-located on one GPU
 * share it step by step — a step is never pre-empted (docs/sim-models.md "Lanes").
 */
export class Lanes {
  /** Per device: index of its first lane, and its lane count (= GPUs). */
  readonly base: Int32Array;
  readonly count: Int32Array;
  /** Per lane. */
  readonly busyUntil: Float64Array;
  readonly busy: Float64Array;
  /** Busy seconds within the run's horizon (the result's per-lane busy fraction). */
  readonly busyInRun: Float64Array;
  /** Instance running a multi-step decode run on the lane, or −1. */
  readonly owner: Int32Array;
  readonly weights: Float64Array;
  readonly memoryBytes: Float64Array;
  /** Stages placed on the lane (spreads new stages over idle GPUs). */
  readonly stages: Int32Array;
  /**
   * Share of the lane's accelerator claimed by its stages: a whole-GPU stage claims 1, a
   * fractional one (Stage.gpuFraction) its fraction. Fractional stages are packed onto lanes
   * where the claims stay ≤ 1 (pickShared); the time share itself is the engine's sharing
   * discipline (time-slice / fifo / priority), which is work-conserving: an idle co-tenant's
   * share goes to the busy one, so each gets at least its fraction while the claims sum ≤ 1.
   */
  readonly claimed: Float64Array;
  /** Instances ever placed on the lane (time-slicing asks whether a co-tenant is active). */
  readonly tenants: number[][];

  constructor(devices: readonly { readonly gpus: number; readonly memoryBytesPerGpu: number }[]) {
    this.base = new Int32Array(devices.length);
    this.count = Int32Array.from(devices, (d) => Math.max(1, d.gpus));
    let n = 0;
    devices.forEach((_, i) => {
      this.base[i] = n;
      n += this.count[i]!;
    });
    this.busyUntil = new Float64Array(n);
    this.busy = new Float64Array(n);
    this.busyInRun = new Float64Array(n);
    this.owner = new Int32Array(n).fill(-1);
    this.weights = new Float64Array(n);
    this.memoryBytes = new Float64Array(n);
    this.stages = new Int32Array(n);
    this.claimed = new Float64Array(n);
    this.tenants = Array.from({ length: n }, () => []);
    devices.forEach((d, i) => {
      for (let g = 0; g < this.count[i]!; g++) this.memoryBytes[this.base[i]! + g] = d.memoryBytesPerGpu;
    });
  }

  /**
   * The `g` lanes of device `d` for a new stage needing `bytesPerGpu` on each: the lanes with
   * the fewest stages, then the most free memory, then the lowest index; null when fewer than
   * `g` lanes have the memory.
   */
  pick(d: number, g: number, bytesPerGpu: number): Int32Array | null {
    const ids: number[] = [];
    for (let k = 0; k < this.count[d]!; k++) {
      const l = this.base[d]! + k;
      if (this.weights[l]! + bytesPerGpu <= this.memoryBytes[l]!) ids.push(l);
    }
    if (ids.length < g) return null;
    ids.sort((a, b) => this.stages[a]! - this.stages[b]! || this.weights[a]! - this.weights[b]! || a - b);
    return Int32Array.from(ids.slice(0, g)).sort();
  }

  /**
   * One lane of device `d` for a stage claiming `fraction` < 1 of an accelerator: among lanes with
   * the memory and with claims + fraction ≤ 1, the most claimed (pack shares onto one GPU and
   * leave the others whole), then the lowest index; when no lane has the room, the least claimed
   * lane with the memory (the plan over-subscribes; the sharing discipline still splits time).
   */
  pickShared(d: number, fraction: number, bytes: number): Int32Array | null {
    let fit = -1,
      any = -1;
    for (let k = 0; k < this.count[d]!; k++) {
      const l = this.base[d]! + k;
      if (this.weights[l]! + bytes > this.memoryBytes[l]!) continue;
      if (this.claimed[l]! + fraction <= 1 + 1e-9 && (fit < 0 || this.claimed[l]! > this.claimed[fit]!)) fit = l;
      if (any < 0 || this.claimed[l]! < this.claimed[any]!) any = l;
    }
    const l = fit >= 0 ? fit : any;
    return l < 0 ? null : Int32Array.of(l);
  }

  reserve(lanes: Int32Array, bytesPerGpu: number, instance: number, fraction = 1): void {
    for (const l of lanes) {
      this.weights[l] = this.weights[l]! + bytesPerGpu;
      this.stages[l] = this.stages[l]! + 1;
      this.claimed[l] = this.claimed[l]! + fraction;
      this.tenants[l]!.push(instance);
    }
  }

  release(lanes: Int32Array, bytesPerGpu: number, fraction = 1): void {
    for (const l of lanes) {
      this.weights[l] = Math.max(0, this.weights[l]! - bytesPerGpu);
      this.stages[l] = Math.max(0, this.stages[l]! - 1);
      this.claimed[l] = Math.max(0, this.claimed[l]! - fraction);
    }
  }

  /** A crash of device `d`: its lanes stop, forget their work and their weights. */
  crash(d: number, nowS: number): void {
    for (let k = 0; k < this.count[d]!; k++) {
      const l = this.base[d]! + k;
      this.busyUntil[l] = nowS;
      this.owner[l] = -1;
      this.weights[l] = 0;
      this.stages[l] = 0;
      this.claimed[l] = 0;
    }
  }

  /** Free weight memory of lanes `lanes` (KV budget). */
  free(lanes: Int32Array): number {
    let s = 0;
    for (const l of lanes) s += Math.max(0, this.memoryBytes[l]! - this.weights[l]!);
    return s;
  }
}
