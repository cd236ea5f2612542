/**
 * `parasim validate --trace` (runtime/validate/trace-override.ts): the llama testbed scenario's
 * chat service replays another trace — another window of the same file, a trace of another
 * format — scaled to the same mean rate over the horizon; bad input comes back as issues.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenarioObject, validateScenarioObject } from '../../scenarios/index.js';
import { traceFirstWindow } from '../../traces/index.js';
import { withTraceOverride } from '../../runtime/validate/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FILE = path.join(ROOT, 'scenarios/testbed/llama-cpu-scenario.yaml');
const base = (): Record<string, unknown> => {
  const r = readScenarioObject(FILE);
  if (!r.ok) throw new Error('scenario unreadable');
  return r.value as Record<string, unknown>;
};

/** Mean chat rate over the first `h` seconds of a scenario object. */
function chatRate(obj: Record<string, unknown>, h: number): number {
  const v = validateScenarioObject(obj, FILE);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  const a = v.value.services.find((s) => s.name === 'chat')!.arrivals;
  if (a.process !== 'trace') throw new Error('not a trace');
  return traceFirstWindow(a, h).ratePerS;
}

describe('trace override', () => {
  const H = 30;
  const own = chatRate(base(), H);

  it('trace override › another window of the code trace › same mean rate as the scenario', () => {
    const o = withTraceOverride(
      base(),
      FILE,
      { path: path.join(ROOT, 'traces/data/azure-llm-2023-code.csv'), startS: 0 },
      H,
    );
    if (!o.ok) throw new Error(o.issues.join('\n'));
    expect(own).toBeGreaterThan(0.5);
    expect(Math.abs(chatRate(o.value, H) - own) / own).toBeLessThan(0.1);
    expect(o.note).toContain('chat: replays');
    // The scenario's token clipping stays.
    const svc = (o.value['services'] as Record<string, Record<string, Record<string, unknown>>>[]).find(
      (s) => (s as unknown as Record<string, unknown>)['name'] === 'chat',
    )!;
    expect(svc['arrivals']!['transform']).toMatchObject({ max_prompt_tokens: 256, max_output_tokens: 64 });
  });

  it('trace override › a trace of another format at a chosen rate', () => {
    const o = withTraceOverride(
      base(),
      FILE,
      {
        path: path.join(ROOT, 'traces/data/azure-functions-2021-head199.csv'),
        format: 'azure-functions-2021',
        ratePerS: 1,
      },
      H,
    );
    if (!o.ok) throw new Error(o.issues.join('\n'));
    expect(Math.abs(chatRate(o.value, H) - 1)).toBeLessThan(0.15);
  });

  it('trace override › bad input › issues naming the file or flag', () => {
    const missing = withTraceOverride(base(), FILE, { path: '/nonexistent/trace.csv' }, H);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.issues.join('\n')).toContain('/nonexistent/trace.csv');
    const empty = withTraceOverride(
      base(),
      FILE,
      { path: path.join(ROOT, 'traces/data/azure-llm-2023-code.csv'), startS: 1e7 },
      H,
    );
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.issues.join('\n')).toContain('--trace-start-s');
    const service = withTraceOverride(base(), FILE, { path: 'x.csv', service: 'cameras' }, H);
    expect(service.ok).toBe(false);
  });
});
