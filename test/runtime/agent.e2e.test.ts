/** The device agent over real HTTP on 127.0.0.1 with the built-in onnx backend. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Agent } from '../../runtime/agent/index.js';
import { OnnxBackend } from '../../runtime/backends/index.js';
import {
  AgentStateSchema,
  ErrorBodySchema,
  GenerateChunkSchema,
  InstanceInfoSchema,
  SegmentResponseSchema,
} from '../../runtime/protocol/index.js';
import type { AgentState, GenerateChunk } from '../../runtime/protocol/index.js';

const TOKEN = 'test-token-123';
let agent: Agent;
let url: string;
const auth = { authorization: `Bearer ${TOKEN}` };

const errOf = async (r: Response): Promise<{ code: string; message: string }> =>
  ErrorBodySchema.parse(await r.json()).error;
const infoOf = async (r: Response) => InstanceInfoSchema.parse(await r.json());

async function state(): Promise<AgentState> {
  const r = await fetch(`${url}/v1/state`, { headers: auth });
  return AgentStateSchema.parse(await r.json());
}

async function waitFor(id: string, want: string, timeoutMs = 20_000): Promise<AgentState> {
  const t0 = Date.now();
  for (;;) {
    const s = await state();
    if (s.instances.some((i) => i.instanceId === id && i.state === want)) return s;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`instance ${id} never reached ${want}: ${JSON.stringify(s.instances)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function post(p: string, body: unknown): Promise<Response> {
  return fetch(`${url}${p}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  process.env['PARASIM_MODEL_DIR'] = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-agent-test-'));
  agent = new Agent({
    backend: new OnnxBackend({ threads: 1 }),
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    threads: 1,
    slowdown: 1,
    name: 'test-dev',
  });
  url = await agent.listen();
});
afterAll(async () => {
  await agent.close();
});

describe('agent', () => {
  it('agent › wrong or missing token › 401 on every endpoint', async () => {
    // Wrong tokens of the same length as the right one (last or first character changed), so a
    // compare that looked only at the length would let them in; and one of another length.
    const wrong = [`${TOKEN.slice(0, -1)}4`, `X${TOKEN.slice(1)}`, 'wrong'];
    for (const w of wrong.slice(0, 2)) expect(w).toHaveLength(TOKEN.length);
    for (const p of ['/v1/state', '/v1/instances', '/nope']) {
      for (const w of wrong) {
        const r = await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${w}` } });
        expect(r.status).toBe(401);
        expect((await errOf(r)).code).toBe('unauthorized');
      }
    }
    expect((await fetch(`${url}/v1/state`)).status).toBe(401);
  });

  it('agent › oversized body › 413 with a JSON message and the agent keeps serving', async () => {
    const r = await fetch(`${url}/v1/instances`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(r.status).toBe(413);
    expect((await errOf(r)).message).toMatch(/exceeds the limit/);
    expect((await state()).deviceId).toBe('test-dev');
  });

  it('agent › malformed JSON or wrong fields › 400 saying what is wrong', async () => {
    const r = await fetch(`${url}/v1/instances`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"instanceId": ',
    });
    expect(r.status).toBe(400);
    expect((await errOf(r)).message).toMatch(/malformed JSON/);
    const r2 = await post('/v1/instances', { instanceId: 'a', service: 's', kind: 'llm' });
    expect(r2.status).toBe(400);
    expect((await errOf(r2)).message).toMatch(/model/);
    expect((await state()).health).toBe('ok');
  });

  it('agent › deploy › pending then ready observed via /v1/state; unknown model fails', async () => {
    const r = await post('/v1/instances', { instanceId: 'lm-1', service: 'chat', kind: 'llm', model: 'lm-tiny' });
    expect(r.status).toBe(202);
    expect((await infoOf(r)).state).toBe('pending');
    const s = await waitFor('lm-1', 'ready');
    expect(s.instances.find((i) => i.instanceId === 'lm-1')!.memoryBytes).toBeGreaterThan(0);
    expect(s.memory.freeBytes).toBeLessThan(s.memory.totalBytes);
    expect(
      (await post('/v1/instances', { instanceId: 'lm-1', service: 'chat', kind: 'llm', model: 'lm-tiny' })).status,
    ).toBe(409);
    await post('/v1/instances', { instanceId: 'bad', service: 'chat', kind: 'llm', model: '../../etc/passwd' });
    const f = await waitFor('bad', 'failed');
    expect(f.instances.find((i) => i.instanceId === 'bad')!.error).toMatch(/unknown model/);
  });

  it('agent › generate › streams exactly outputTokens tokens with increasing timestamps', async () => {
    await waitFor('lm-1', 'ready');
    const r = await post('/v1/instances/lm-1/generate', { promptTokens: 16, outputTokens: 12, requestId: 'r1' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/ndjson/);
    const arrivals: number[] = [];
    const chunks: GenerateChunk[] = [];
    const reader = r.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        chunks.push(GenerateChunkSchema.parse(JSON.parse(buf.slice(0, nl))));
        arrivals.push(performance.now());
        buf = buf.slice(nl + 1);
      }
    }
    const tokens = chunks.filter((c) => c.type === 'token');
    expect(tokens).toHaveLength(12);
    expect(tokens.map((t) => t.index)).toEqual([...Array(12).keys()]);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!.agentMs).toBeGreaterThan(tokens[i - 1]!.agentMs);
    const last = chunks.at(-1)!;
    expect(last.type).toBe('done');
    if (last.type === 'done') expect(last.tokens).toBe(12);
    // Same prompt seed → same tokens (the generated model is deterministic).
    const again = await (await post('/v1/instances/lm-1/generate', { promptTokens: 16, outputTokens: 12 })).text();
    const ids2 = again
      .trim()
      .split('\n')
      .map((l) => GenerateChunkSchema.parse(JSON.parse(l)))
      .flatMap((c) => (c.type === 'token' ? [c.tokenId] : []));
    expect(ids2).toEqual(tokens.map((t) => (t.type === 'token' ? t.tokenId : -1)));
  });

  it('agent › segment › JSON synthetic frames and raw bytes give a mask summary per frame', async () => {
    await post('/v1/instances', { instanceId: 'seg-1', service: 'seg', kind: 'segmentation', model: 'seg-tiny' });
    await waitFor('seg-1', 'ready');
    const r = await post('/v1/instances/seg-1/segment', { frames: 2, width: 32, height: 24 });
    expect(r.status).toBe(200);
    const body = SegmentResponseSchema.parse(await r.json());
    expect(body.masks).toHaveLength(2);
    const raw = new Uint8Array(1 * 8 * 8 * 3).fill(200);
    const r2 = await fetch(`${url}/v1/instances/seg-1/segment?frames=1&width=8&height=8`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: raw,
    });
    expect(r2.status).toBe(200);
    expect(SegmentResponseSchema.parse(await r2.json()).masks).toHaveLength(1);
    const r3 = await fetch(`${url}/v1/instances/seg-1/segment?frames=2&width=8&height=8`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: raw,
    });
    expect(r3.status).toBe(400);
  });

  it('agent › undeploy during a request › draining until the request finishes, then gone', async () => {
    await post('/v1/instances', { instanceId: 'lm-2', service: 'chat', kind: 'llm', model: 'lm-small' });
    await waitFor('lm-2', 'ready');
    const gen = post('/v1/instances/lm-2/generate', { promptTokens: 8, outputTokens: 40 });
    const res = await gen;
    const bodyP = res.text();
    const d = await fetch(`${url}/v1/instances/lm-2`, { method: 'DELETE', headers: auth });
    expect(d.status).toBe(202);
    expect((await infoOf(d)).state).toBe('draining');
    expect((await post('/v1/instances/lm-2/generate', { promptTokens: 8, outputTokens: 2 })).status).toBe(409);
    const lines = (await bodyP)
      .trim()
      .split('\n')
      .map((l) => GenerateChunkSchema.parse(JSON.parse(l)));
    expect(lines.filter((c) => c.type === 'token')).toHaveLength(40);
    expect(lines.at(-1)!.type).toBe('done');
    await waitFor('lm-2', 'gone');
  });
});
