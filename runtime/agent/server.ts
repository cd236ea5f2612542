/**
 * The device agent's HTTP service (docs/agent-protocol.md): routes, the heartbeat state, and the
 * streaming generate endpoint. Every request is authenticated first; every failure is a JSON
 * error value and never stops the server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentState, BackendKind, DeployRequest, GenerateChunk } from '../protocol/index.js';
import {
  DeployRequestSchema,
  GenerateRequestSchema,
  PROTOCOL_VERSION,
  SegmentRequestSchema,
} from '../protocol/index.js';
import type { Backend, SegmentInput } from '../backends/types.js';
import { CancelledError, syntheticFrames } from '../backends/types.js';
import { WallClock, sleepMs } from '../clock/index.js';
import { Executor } from './executor.js';
import { InstanceTable } from './instances.js';
import { authorized, parseJson, readBody, sendError, sendJson } from './http-io.js';

export const AGENT_VERSION = '0.1.0';

export interface AgentOptions {
  readonly backend: Backend;
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  /** null only with --insecure-no-token. */
  readonly token: string | null;
  readonly name?: string;
  readonly threads: number;
  readonly slowdown: number;
  readonly memoryBytes?: number;
  /** A client must send its request headers within this (slowloris); default 10 s. */
  readonly headersTimeoutMs?: number;
  /** … and its whole request (headers and body) within this; default 30 s. The response may stream longer. */
  readonly requestTimeoutMs?: number;
  /** Largest request body read (MAX_BODY_BYTES, 1 MiB); raw segmentation frames may need more. */
  readonly maxBodyBytes?: number;
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** On close, in-flight requests get this long to write their `error` line before connections are cut. */
const CLOSE_GRACE_MS = 2000;

export class Agent {
  private readonly server: http.Server;
  private readonly clock = new WallClock();
  private readonly exec: Executor;
  private readonly table: InstanceTable;
  private readonly startedAtMs: number;
  private deviceId = '';
  /** Generate/segment requests running now: aborted on client disconnect or agent close. */
  private readonly inflight = new Map<AbortController, Promise<void>>();

  constructor(private readonly opts: AgentOptions) {
    this.exec = new Executor(opts.slowdown);
    this.table = new InstanceTable(opts.backend, this.exec);
    this.startedAtMs = this.clock.epochMs();
    const headersTimeout = opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
    // Node checks these timeouts every connectionsCheckingInterval (30 s by default): an incomplete
    // request was held ≥ 76 s. The response itself may stream for as long as the generation takes.
    this.server = http.createServer(
      {
        headersTimeout,
        requestTimeout: Math.max(headersTimeout, opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
        connectionsCheckingInterval: Math.min(1000, headersTimeout),
      },
      (req, res) => {
        this.handle(req, res).catch((err: unknown) => {
          if (!res.headersSent) sendError(res, 'internal', err instanceof Error ? err.message : String(err));
          else res.end();
        });
      },
    );
  }

  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        const a = this.server.address() as AddressInfo;
        this.deviceId = this.opts.name ?? `${this.opts.host}:${a.port}`;
        resolve(`http://${this.opts.host}:${a.port}`);
      });
    });
  }

  /**
   * Stops: new connections are refused, running requests are cancelled and get a short grace to
   * write their `error` line (a SIGTERM no longer cuts a stream silently), then connections close.
   */
  async close(): Promise<void> {
    const closed = new Promise<void>((r) => {
      this.server.close(() => r());
    });
    for (const ac of this.inflight.keys()) ac.abort(new CancelledError('agent shutting down'));
    const grace = new AbortController();
    await Promise.race([Promise.allSettled([...this.inflight.values()]), sleepMs(CLOSE_GRACE_MS, grace.signal)]);
    grace.abort();
    this.server.closeAllConnections();
    await closed;
    await this.table.closeAll();
    await this.opts.backend.close();
  }

  get backendKind(): BackendKind {
    return this.opts.backend.kind;
  }

  state(): AgentState {
    const instances = this.table.list();
    const total = this.opts.memoryBytes ?? os.totalmem();
    const h = this.opts.backend.health();
    return {
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      deviceId: this.deviceId,
      backend: this.opts.backend.kind,
      startedAtMs: this.startedAtMs,
      nowMs: this.clock.epochMs(),
      generation: this.table.generation,
      threads: this.opts.threads,
      slowdown: this.opts.slowdown,
      memory: { totalBytes: total, freeBytes: Math.max(0, total - this.table.memoryInUse()) },
      queueLength: instances.reduce((s, i) => s + i.queueLength, 0),
      running: instances.reduce((s, i) => s + i.running, 0),
      health: h.health,
      ...(h.detail !== undefined ? { healthDetail: h.detail } : {}),
      utilization: this.exec.utilization(),
      utilizationWindowMs: this.exec.windowMs,
      instances,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorized(req, this.opts.token)) {
      req.resume();
      sendError(res, 'unauthorized', 'missing or wrong bearer token (Authorization: Bearer <token>)');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://agent');
    const parts = url.pathname
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    const method = req.method ?? 'GET';
    if (parts[0] !== 'v1') return this.notFound(req, res, url.pathname);
    if (parts.length === 2 && parts[1] === 'state') {
      if (method !== 'GET') return this.notAllowed(req, res, 'GET');
      req.resume();
      return sendJson(res, 200, this.state());
    }
    if (parts[1] !== 'instances') return this.notFound(req, res, url.pathname);
    if (parts.length === 2) {
      if (method !== 'POST') return this.notAllowed(req, res, 'POST');
      return this.deploy(req, res);
    }
    const id = parts[2]!;
    if (parts.length === 3) {
      if (method === 'GET') {
        req.resume();
        const info = this.table.get(id);
        return info === undefined ? sendError(res, 'not_found', `no instance ${id}`) : sendJson(res, 200, info);
      }
      if (method === 'DELETE') {
        req.resume();
        const info = this.table.undeploy(id);
        return info === undefined ? sendError(res, 'not_found', `no instance ${id}`) : sendJson(res, 202, info);
      }
      return this.notAllowed(req, res, 'GET, DELETE');
    }
    if (parts.length === 4 && (parts[3] === 'generate' || parts[3] === 'segment')) {
      if (method !== 'POST') return this.notAllowed(req, res, 'POST');
      return parts[3] === 'generate' ? this.generate(req, res, id) : this.segment(req, res, id, url);
    }
    return this.notFound(req, res, url.pathname);
  }

  private notFound(req: IncomingMessage, res: ServerResponse, path: string): void {
    req.resume();
    sendError(res, 'not_found', `no endpoint ${path}`);
  }

  private notAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
    req.resume();
    res.setHeader('allow', allow);
    sendError(res, 'method_not_allowed', `method ${req.method ?? ''} not allowed here; use ${allow}`);
  }

  private async deploy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isJson(req)) return refuseMediaType(req, res);
    const body = await readBody(req, this.opts.maxBodyBytes);
    if (!body.ok) return sendError(res, body.code, body.message);
    const p = parseJson<DeployRequest>(body.body, DeployRequestSchema);
    if (!p.ok) return sendError(res, 'bad_request', p.message);
    const r = this.table.deploy(p.value);
    if (!r.ok) return sendError(res, 'conflict', r.message);
    sendJson(res, 202, r.info);
  }

  /**
   * Runs `body` with a signal that aborts when the client goes away before the response is
   * complete, or when the agent closes; the request is tracked until `body` settles.
   */
  private async cancellable(res: ServerResponse, body: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const ac = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) ac.abort(new CancelledError('client disconnected'));
    };
    res.on('close', onClose);
    const run = body(ac.signal);
    const tracked = run.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.set(ac, tracked);
    try {
      await run;
    } finally {
      this.inflight.delete(ac);
      res.off('close', onClose);
    }
  }

  private generate(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    return this.cancellable(res, (signal) => this.generateWith(req, res, id, signal));
  }

  private async generateWith(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    signal: AbortSignal,
  ): Promise<void> {
    const t0 = this.clock.preciseS();
    if (!isJson(req)) return refuseMediaType(req, res);
    const body = await readBody(req, this.opts.maxBodyBytes);
    if (!body.ok) return sendError(res, body.code, body.message);
    const p = parseJson(body.body, GenerateRequestSchema);
    if (!p.ok) return sendError(res, 'bad_request', p.message);
    const a = this.table.acquire(id);
    if (!a.ok) return sendError(res, a.code, a.message);
    if (a.model.generate === undefined) {
      a.release();
      return sendError(res, 'bad_request', `instance ${id} is not an LLM instance; use /segment`);
    }
    const ms = (): number => (this.clock.preciseS() - t0) * 1000;
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.flushHeaders();
    const write = (c: GenerateChunk): void => {
      if (!res.destroyed) res.write(`${JSON.stringify(c)}\n`);
    };
    let index = 0;
    try {
      const stats = await a.model.generate(
        p.value,
        a.exec,
        (tokenId, text) => {
          write({ type: 'token', index: index++, tokenId, ...(text !== undefined ? { text } : {}), agentMs: ms() });
        },
        signal,
        () => write({ type: 'admitted', agentMs: ms() }),
      );
      if (index !== p.value.outputTokens) {
        write({
          type: 'error',
          code: 'backend_error',
          message: `backend produced ${index} of ${p.value.outputTokens} tokens`,
          agentMs: ms(),
        });
      } else {
        write({
          type: 'done',
          ...(p.value.requestId !== undefined ? { requestId: p.value.requestId } : {}),
          tokens: index,
          ...stats,
          agentMs: ms(),
          startedAtS: t0,
        });
      }
    } catch (err) {
      const code = err instanceof CancelledError ? 'cancelled' : 'backend_error';
      write({ type: 'error', code, message: err instanceof Error ? err.message : String(err), agentMs: ms() });
    } finally {
      a.release();
      res.end();
    }
  }

  private segment(req: IncomingMessage, res: ServerResponse, id: string, url: URL): Promise<void> {
    return this.cancellable(res, (signal) => this.segmentWith(req, res, id, url, signal));
  }

  private async segmentWith(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    url: URL,
    signal: AbortSignal,
  ): Promise<void> {
    const t0 = this.clock.preciseS();
    const body = await readBody(req, this.opts.maxBodyBytes);
    if (!body.ok) return sendError(res, body.code, body.message);
    const input = this.segmentInput(req, body.body, url);
    if (!input.ok) return sendError(res, input.code, input.message);
    const a = this.table.acquire(id);
    if (!a.ok) return sendError(res, a.code, a.message);
    try {
      if (a.model.segment === undefined)
        return sendError(res, 'bad_request', `instance ${id} is not a segmentation instance; use /generate`);
      const out = await a.model.segment(input.value, a.exec, signal);
      const { frames, width, height } = input.value;
      sendJson(res, 200, {
        ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
        frames,
        width,
        height,
        masks: out.masks,
        queueMs: out.queueMs,
        computeMs: out.computeMs,
        agentMs: (this.clock.preciseS() - t0) * 1000,
      });
    } catch (err) {
      sendError(res, 'backend_error', err instanceof Error ? err.message : String(err));
    } finally {
      a.release();
    }
  }

  private segmentInput(
    req: IncomingMessage,
    body: Buffer,
    url: URL,
  ):
    | { ok: true; value: SegmentInput; requestId?: string }
    | { ok: false; code: 'bad_request' | 'unsupported_media_type'; message: string } {
    const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/octet-stream') {
      const q = SegmentRequestSchema.safeParse({
        frames: Number(url.searchParams.get('frames')),
        width: Number(url.searchParams.get('width')),
        height: Number(url.searchParams.get('height')),
      });
      if (!q.success)
        return {
          ok: false,
          code: 'bad_request',
          message: `raw frames need ?frames=&width=&height=: ${q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        };
      const need = q.data.frames * q.data.width * q.data.height * 3;
      if (body.length !== need)
        return {
          ok: false,
          code: 'bad_request',
          message: `raw body has ${body.length} bytes; frames×height×width×3 = ${need}`,
        };
      return { ok: true, value: { ...q.data, pixels: new Uint8Array(body.buffer, body.byteOffset, body.length) } };
    }
    if (type !== 'application/json')
      return {
        ok: false,
        code: 'unsupported_media_type',
        message: `content-type ${type}: use application/json or application/octet-stream`,
      };
    const p = parseJson(body, SegmentRequestSchema);
    if (!p.ok) return { ok: false, code: 'bad_request', message: p.message };
    const { frames, width, height } = p.value;
    return {
      ok: true,
      value: { frames, width, height, pixels: syntheticFrames(frames, width, height, p.value.seed ?? 0) },
      ...(p.value.requestId !== undefined ? { requestId: p.value.requestId } : {}),
    };
  }
}

/** A JSON endpoint's body must be JSON: no Content-Type (read as JSON) or application/json. */
function isJson(req: IncomingMessage): boolean {
  const h = req.headers['content-type'];
  return h === undefined || h.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function refuseMediaType(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  sendError(
    res,
    'unsupported_media_type',
    `content-type ${req.headers['content-type'] ?? ''}: this endpoint takes application/json`,
  );
}
