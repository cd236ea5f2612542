/**
 * HTTP plumbing of the agent: bearer-token check (constant-time), bounded body reading, JSON
 * answers and the protocol's error body. A body over the limit is answered 413 at once; the rest
 * of it is drained (up to a bound, then the socket is closed) so the client can read the answer.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodType } from 'zod';
import type { ErrorCode } from '../protocol/index.js';
import { ERROR_STATUS, MAX_BODY_BYTES } from '../protocol/index.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, code: ErrorCode, message: string): void {
  sendJson(res, ERROR_STATUS[code], { error: { code, message } });
}

/** True when the request carries `Authorization: Bearer <token>` (or no token is configured). */
export function authorized(req: IncomingMessage, token: string | null): boolean {
  if (token === null) return true;
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(h);
  if (m === null) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; code: ErrorCode; message: string };

/** Reads the whole body, at most `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<BodyResult> {
  const tooBig: BodyResult = {
    ok: false,
    code: 'payload_too_large',
    message: `request body exceeds the limit of ${limit} bytes (raise it with agent --max-body-bytes)`,
  };
  const declared = Number(req.headers['content-length'] ?? NaN);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    let drained = 0;
    const finish = (r: BodyResult): void => resolve(r);
    if (Number.isFinite(declared) && declared > limit) {
      over = true;
      finish(tooBig);
    }
    req.on('data', (chunk: Buffer) => {
      if (over) {
        drained += chunk.length;
        if (drained > 8 * limit) req.destroy();
        return;
      }
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        finish(tooBig);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) finish({ ok: true, body: Buffer.concat(chunks) });
    });
    req.on('error', () => {
      if (!over) finish({ ok: false, code: 'bad_request', message: 'request body could not be read' });
    });
  });
}

/** Parses JSON and validates it; the message says what is wrong (parse error or each field). */
export function parseJson<T>(
  body: Buffer,
  schema: ZodType<T>,
): { ok: true; value: T } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, message: body.length === 0 ? 'malformed JSON: the body is empty' : `malformed JSON: ${why}` };
  }
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issues = r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`);
  return { ok: false, message: `invalid request body: ${issues.join('; ')}` };
}
