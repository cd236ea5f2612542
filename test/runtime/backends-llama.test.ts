/**
 * The llama backend in-process on the ~20 M-parameter built-in model (1 thread): the GGUF the
 * project writes loads in llama.cpp and generates exactly N tokens; parallel sequences batch;
 * bad files, budgets and cancellations are clear errors and the backend keeps serving.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_LLAMA_MODELS,
  LlamaBackend,
  checkGguf,
  checkLlamaOptions,
  ensureBuiltinGguf,
  paramCount,
} from '../../runtime/backends/index.js';
import type { LoadedModel, StepExecutor } from '../../runtime/backends/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-llama-test-'));
process.env['PARASIM_MODEL_DIR'] ??= path.join(os.tmpdir(), 'parasim-models-test');
const noExec: StepExecutor = { step: async (fn) => ({ value: await fn(), timing: { waitMs: 0, busyMs: 0 } }) };
const opts = { threads: 1, sequences: 2, contextTokens: 256, memoryBytes: 512 * 2 ** 20 };
const backend = new LlamaBackend(opts);
let model: LoadedModel;

beforeAll(async () => {
  const r = await backend.load({ instanceId: 'a', service: 'chat', kind: 'llm', model: 'llama-20m' });
  if (!r.ok) throw new Error(r.error);
  model = r.model;
});
afterAll(async () => {
  await model.close();
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const gen = async (promptTokens: number, outputTokens: number, signal?: AbortSignal, onTok?: (n: number) => void) => {
  const toks: number[] = [];
  const stats = await model.generate!(
    { promptTokens, outputTokens, seed: 3 },
    noExec,
    (t) => {
      toks.push(t);
      onTok?.(toks.length);
    },
    signal ?? new AbortController().signal,
  );
  return { toks, stats };
};

describe('llama backend › built-in GGUF', () => {
  it('llama-20m › written file › is a valid GGUF of ~20 M parameters with every tensor in the file', () => {
    const file = ensureBuiltinGguf('llama-20m');
    const c = checkGguf(file);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.value.architecture).toBe('llama');
    expect(c.value.tensors).toBe(2 + 9 * BUILTIN_LLAMA_MODELS['llama-20m'].layers + 1);
    const n = paramCount(BUILTIN_LLAMA_MODELS['llama-20m']);
    expect(n).toBeGreaterThan(18e6);
    expect(n).toBeLessThan(22e6);
    // q8_0 is 34 bytes per 32 weights; norms are f32
    expect(c.value.fileBytes).toBeGreaterThan((n * 34) / 32);
    expect(c.value.fileBytes).toBeLessThan(((n * 34) / 32) * 1.02 + 1e5);
  });

  it('generate › N tokens › yields exactly N and reports prefill and decode time', async () => {
    const { toks, stats } = await gen(32, 12);
    expect(toks).toHaveLength(12);
    expect(toks.every((t) => Number.isInteger(t) && t >= 0 && t < 260)).toBe(true);
    expect(stats.prefillMs).toBeGreaterThan(0);
    expect(stats.decodeMs).toBeGreaterThan(0);
  });

  it('generate › more requests than sequences › the third waits for a free sequence (admitted then), all finish', async () => {
    const order: string[] = [];
    const run = (id: string) =>
      model.generate!(
        { promptTokens: 16, outputTokens: 24 },
        noExec,
        () => order.push(`${id} token`),
        new AbortController().signal,
        () => order.push(`${id} admitted`),
      ).then((s) => {
        order.push(`${id} done`);
        return s;
      });
    const [a, b, c] = await Promise.all([run('a'), run('b'), run('c')]);
    expect(order.filter((e) => e.endsWith('done'))).toEqual(['a done', 'b done', 'c done']);
    // Admitted once each, before its first token; c only once a sequence is free.
    for (const id of ['a', 'b', 'c']) {
      expect(order.filter((e) => e === `${id} admitted`)).toHaveLength(1);
      expect(order.indexOf(`${id} admitted`)).toBeLessThan(order.indexOf(`${id} token`));
    }
    // (a sequence frees at its request's last token)
    expect(order.indexOf('c admitted')).toBeGreaterThan(
      Math.min(order.lastIndexOf('a token'), order.lastIndexOf('b token')),
    );
    // c could only start once a or b had finished: it queued for at least most of their run
    expect(c!.queueMs).toBeGreaterThan(0.5 * Math.min(a!.prefillMs + a!.decodeMs, b!.prefillMs + b!.decodeMs));
    expect(a!.queueMs).toBeLessThan(c!.queueMs);
  });

  it('generate › 4 at once, 6 and 60 tokens › a short one ends at its last token, not when the long ones do', async () => {
    // node-llama-cpp's dispose waits for the context lock its batch loop holds while others
    // generate (≥ 3 sequences); awaiting it held the short responses until the long ones ended.
    const wide = new LlamaBackend({ ...opts, sequences: 4 });
    const r = await wide.load({ instanceId: 'w', service: 'chat', kind: 'llm', model: 'llama-20m' });
    if (!r.ok) throw new Error(r.error);
    const t0 = performance.now();
    const ends = await Promise.all(
      [6, 6, 60, 60].map((n, k) =>
        r.model.generate!(
          { promptTokens: 64, outputTokens: n, seed: k },
          noExec,
          () => {},
          new AbortController().signal,
        ).then(() => performance.now() - t0),
      ),
    );
    const short = Math.max(ends[0]!, ends[1]!);
    const long = Math.min(ends[2]!, ends[3]!);
    // The long ones decode ~54 more steps after the short ones' last token.
    expect(short).toBeLessThan(0.75 * long);
    await r.model.close();
    await wide.close();
  });

  it('generate › prompt + output beyond the context › rejects naming the sizes', async () => {
    await expect(gen(250, 10)).rejects.toThrow(/needs 260 tokens of context.*a sequence has 256/);
  });
});

describe('llama backend › cancellation', () => {
  it('abort mid-generation › stops, frees the sequence, and the next request is served', async () => {
    const ac = new AbortController();
    let seen = 0;
    await expect(
      gen(16, 200, ac.signal, (n) => {
        seen = n;
        if (n === 5) ac.abort('client disconnected');
      }),
    ).rejects.toThrow(/cancelled after 5 of 200 tokens: client disconnected/);
    expect(seen).toBe(5);
    expect((model as unknown as { busySequences(): number }).busySequences()).toBe(0);
    const { toks } = await gen(16, 4);
    expect(toks).toHaveLength(4);
  });

  it('abort while queued › leaves the queue without taking a sequence', async () => {
    const ac = new AbortController();
    const long = [gen(16, 40), gen(16, 40)];
    const queued = gen(16, 4, ac.signal);
    ac.abort('gone');
    await expect(queued).rejects.toThrow(/cancelled while queued: gone/);
    await Promise.all(long);
    expect((model as unknown as { busySequences(): number }).busySequences()).toBe(0);
  });
});

describe('llama backend › bad input', () => {
  const load = (m: string, b: LlamaBackend = backend) =>
    b.load({ instanceId: 'x', service: 'chat', kind: 'llm', model: m });

  it('missing path › clear error', async () => {
    const r = await load(path.join(dir, 'nope.gguf'));
    expect(r).toEqual({ ok: false, error: `${path.join(dir, 'nope.gguf')}: no such file` });
  });

  it('not a GGUF file › clear error', async () => {
    const f = path.join(dir, 'text.gguf');
    fs.writeFileSync(f, 'hello, not a model\n');
    const r = await load(f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(`${f}: not a GGUF file (the first 4 bytes are not "GGUF")`);
  });

  it('truncated GGUF › clear error naming the sizes', async () => {
    const full = fs.readFileSync(ensureBuiltinGguf('llama-20m'));
    const f = path.join(dir, 'cut.gguf');
    fs.writeFileSync(f, full.subarray(0, full.length >> 1));
    const r = await load(f);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatch(
        new RegExp(
          `^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated: its tensors need ${full.length} bytes, the file has ${full.length >> 1}$`,
        ),
      );
    const g = path.join(dir, 'head.gguf');
    fs.writeFileSync(g, full.subarray(0, 100));
    const h = await load(g);
    expect(!h.ok && h.error).toMatch(/truncated or corrupt GGUF header/);
  });

  it('unknown model name › lists the built-ins', async () => {
    const r = await load('gpt-17');
    expect(!r.ok && r.error).toMatch(
      /unknown model "gpt-17": built-in llama models are llama-20m, llama-100m, llama-400m/,
    );
  });

  it('model too big for the memory budget › refused before loading, naming need and budget', async () => {
    const small = new LlamaBackend({ ...opts, memoryBytes: 8 * 2 ** 20 });
    const r = await load('llama-20m', small);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatch(
        /^model llama-20m needs \d+\.\d MB \(weights 19\.\d MB \+ KV cache \d+\.\d MB for 4 sequence IDs \(2 parallel × 2\) × 256 tokens\); the agent's memory budget has 8\.0 MB free of 8\.0 MB$/,
      );
    await small.close();
  });

  it('thread budget above the cores › refused', () => {
    const c = checkLlamaOptions({ ...opts, threads: 3 }, 2);
    expect(c).toEqual({ ok: false, message: 'llama: threads 3 exceeds the 2 cores of this host' });
  });

  it('after every bad load › the loaded instance still serves', async () => {
    const { toks } = await gen(8, 3);
    expect(toks).toHaveLength(3);
  });
});
