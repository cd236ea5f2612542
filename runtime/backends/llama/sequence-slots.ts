/**
 * A counting semaphore over an instance's parallel sequences: requests wait in FIFO order for a
 * free sequence. A waiter whose AbortSignal fires leaves the queue (rejecting), so a client that
 * disconnects while queued never takes a sequence. `close` rejects every waiter.
 */
export class SequenceSlots {
  private inUse = 0;
  private closed = false;
  private readonly waiters: Array<{ grant: () => void; fail: (e: Error) => void }> = [];

  constructor(private readonly total: number) {
    if (!Number.isInteger(total) || total < 1) throw new Error(`sequence slots must be an integer ≥ 1, got ${total}`);
  }

  busy(): number {
    return this.inUse;
  }
  queued(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function (call it exactly once; later calls do nothing). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.closed) return Promise.reject(new Error('instance closed'));
    if (signal?.aborted === true)
      return Promise.reject(new Error(`cancelled while queued: ${String(signal.reason ?? 'aborted')}`));
    const release = this.releaser();
    if (this.inUse < this.total && this.waiters.length === 0) {
      this.inUse++;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const w = {
        grant: (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: (e: Error): void => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`cancelled while queued: ${String(signal?.reason ?? 'aborted')}`));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiters.shift();
      if (next !== undefined)
        next.grant(); // the sequence passes straight to the next waiter
      else this.inUse--;
    };
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.fail(new Error('instance closed'));
  }
}
