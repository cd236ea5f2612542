/**
 * The request handler's estimate of a peer instance's backlog between two syncs (join-the-
 * shortest-queue with delayed information). The last synced snapshot says the instance held
 * `q0` requests at `asOfS`; since then this handler has sent it requests at known times, and the
 * instance has kept serving. The estimate is the fluid Lindley recursion over this handler's
 * own dispatches, with departures at the instance's estimated capacity μ (1 / bottleneck time):
 *
 *   b(asOf) = q0;   b(t_k) = max(0, b(t_{k−1}) − μ·(t_k − t_{k−1})) + 1;   b(now) = max(0, b(t_n) − μ·(now − t_n)).
 *
 * Counting dispatches without departures (the earlier formulation) makes a fast instance look
 * `rate × age` deep after `age` seconds without a sync — 80 frames/s × 2 s = 160 queued frames
 * for a segmentation replica that clears each in milliseconds — so the handler dropped work it
 * had capacity for, and the longer a sync was late or lost, the more it dropped. Departures at
 * the planning capacity can only be optimistic by as much as that capacity is; requests sent by
 * other handlers since the snapshot are invisible here (they show up at the next sync).
 * State per instance is rebuilt from the dispatch log whenever a newer snapshot arrives, so the
 * result depends only on (snapshot, dispatch times, now), never on call order.
 */

interface Track {
  /** Dispatch times not older than the snapshot in use (ascending). */
  readonly sends: number[];
  asOfS: number;
  /** Backlog right after the last dispatch accounted for, and its time. */
  value: number;
  atS: number;
  /** Number of `sends` already folded into `value`. */
  folded: number;
}

export class DispatchBacklog {
  private readonly tracks = new Map<string, Track>();

  /** Records that this handler sent one request to `instanceId` at `nowS`. */
  record(instanceId: string, nowS: number): void {
    let t = this.tracks.get(instanceId);
    if (t === undefined) {
      t = { sends: [], asOfS: -Infinity, value: 0, atS: nowS, folded: 0 };
      this.tracks.set(instanceId, t);
    }
    t.sends.push(nowS);
  }

  /**
   * Estimated requests at the instance at `nowS`, given its snapshot (`queued` as of `asOfS`)
   * and its capacity `muRps` (requests/s; ≤ 0 means it never drains).
   */
  estimate(instanceId: string, queued: number, asOfS: number, nowS: number, muRps: number): number {
    const t = this.tracks.get(instanceId);
    if (t === undefined) return Math.max(0, queued);
    if (t.asOfS !== asOfS) {
      // A newer snapshot: dispatches before it are part of its `queued`; replay the rest.
      let drop = 0;
      while (drop < t.sends.length && t.sends[drop]! < asOfS) drop++;
      t.sends.splice(0, drop);
      t.asOfS = asOfS;
      t.value = Math.max(0, queued);
      t.atS = asOfS;
      t.folded = 0;
    }
    // An instance with no finite bottleneck drains instantly (avoid ∞ · 0).
    const mu = Number.isFinite(muRps) ? Math.max(0, muRps) : Number.MAX_VALUE;
    while (t.folded < t.sends.length) {
      const s = t.sends[t.folded++]!;
      t.value = Math.max(0, t.value - mu * Math.max(0, s - t.atS)) + 1;
      t.atS = s;
    }
    return Math.max(0, t.value - mu * Math.max(0, nowS - t.atS));
  }
}
