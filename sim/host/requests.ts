/**
 * The request table: struct-of-arrays, indexed by request number (0..n−1 in arrival order), so
 * the hot path moves integers, not objects. Grows by doubling. `outcome` −1 = not decided yet.
 */
export const OUTCOMES = ['ok', 'late', 'dropped', 'failed', 'inflight'] as const;
export const PENDING = -1;

export class RequestTable {
  size = 0;
  service = new Int32Array(0);
  instance = new Int32Array(0);
  /** Closed-loop client that sent the request (index into ClosedLoop), −1 for open arrivals. */
  client = new Int32Array(0);
  prompt = new Int32Array(0);
  output = new Int32Array(0);
  /** Tokens generated so far (LLM). */
  generated = new Int32Array(0);
  /** Tokens still to prefill before the next decode (prompt, or prompt + generated after a preemption). */
  prefillLeft = new Int32Array(0);
  arrival = new Float64Array(0);
  start = new Float64Array(0);
  firstToken = new Float64Array(0);
  finish = new Float64Array(0);
  outcome = new Int8Array(0);
  /** Device whose server overhead the request drew (request-overhead.ts), −1 none yet. */
  overheadDevice = new Int32Array(0);
  /** Index into `reasons` (−1 none). */
  reason = new Int16Array(0);
  private readonly reasonIndex = new Map<string, number>();
  readonly reasons: string[] = [];

  constructor(capacity = 1024) {
    this.grow(capacity);
  }

  /** Appends a request and returns its index. */
  add(service: number, arrivalS: number, prompt: number, output: number): number {
    if (this.size === this.arrival.length) this.grow(this.arrival.length * 2);
    const i = this.size++;
    this.service[i] = service;
    this.instance[i] = -1;
    this.client[i] = -1;
    this.prompt[i] = prompt;
    this.output[i] = output;
    this.generated[i] = 0;
    this.prefillLeft[i] = prompt;
    this.arrival[i] = arrivalS;
    this.start[i] = NaN;
    this.firstToken[i] = NaN;
    this.finish[i] = NaN;
    this.outcome[i] = PENDING;
    this.reason[i] = -1;
    this.overheadDevice[i] = -1;
    return i;
  }

  reasonId(reason: string): number {
    let id = this.reasonIndex.get(reason);
    if (id === undefined) {
      id = this.reasons.length;
      this.reasons.push(reason);
      this.reasonIndex.set(reason, id);
    }
    return id;
  }

  private grow(n: number): void {
    const f = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.service = i32(this.service);
    this.instance = i32(this.instance);
    this.client = i32(this.client);
    this.overheadDevice = i32(this.overheadDevice);
    this.prompt = i32(this.prompt);
    this.output = i32(this.output);
    this.generated = i32(this.generated);
    this.prefillLeft = i32(this.prefillLeft);
    this.arrival = f(this.arrival);
    this.start = f(this.start);
    this.firstToken = f(this.firstToken);
    this.finish = f(this.finish);
    const o = new Int8Array(n);
    o.set(this.outcome);
    this.outcome = o;
    const r = new Int16Array(n);
    r.set(this.reason);
    this.reason = r;
  }
}

const NO_INDICES = new Int32Array(0);

/**
 * FIFO of request indices (ring buffer, grows). Starts empty and allocates on the first push:
 * `buf` is then rewritten within the first few events of a run, so V8 learns early that the field
 * is not constant (a first rewrite once the hot paths are optimized would discard them).
 */
export class IndexQueue {
  private buf = NO_INDICES;
  private head = 0;
  length = 0;

  push(x: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length++) & (this.buf.length - 1)] = x;
  }
  private grow(): void {
    const b = new Int32Array(Math.max(16, this.buf.length * 2));
    for (let i = 0; i < this.length; i++) b[i] = this.buf[(this.head + i) & (this.buf.length - 1)]!;
    this.buf = b;
    this.head = 0;
  }
  /** Puts `x` back at the head (a preempted sequence is the next to be admitted). */
  unshift(x: number): void {
    if (this.length === this.buf.length) this.grow();
    this.head = (this.head - 1 + this.buf.length) & (this.buf.length - 1);
    this.buf[this.head] = x;
    this.length++;
  }
  peek(): number {
    return this.buf[this.head]!;
  }
  shift(): number {
    const x = this.buf[this.head]!;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.length--;
    return x;
  }
  clear(): void {
    this.head = 0;
    this.length = 0;
  }
}
