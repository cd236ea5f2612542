/**
 * Property test of every loader against structurally random documents (issue 17): scenario,
 * sweep and trace files built by mutating small valid ones — wrong types, missing keys, huge,
 * negative and non-finite numbers, unicode keys and values, shared subtrees written as YAML
 * anchors/aliases, alias bombs and raw text damage. For each document, what the CLI would do
 * (the command handlers, in process) must end in success or a located error with exit code 1:
 * never another exception (exit 70), never a stack trace, never a partial output file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../cli/cli-error.js';
import { runCommand } from '../../cli/commands/run.js';
import { checkCommand } from '../../cli/commands/schema.js';
import { expandGrid, loadSweepFile } from '../../sweeps/index.js';
import { runCell } from '../../sweeps/worker.js';
import { formatIssues } from '../../scenarios/index.js';

/** Fixed in CI (a failure reproduces); PARASIM_FUZZ_SEED / PARASIM_FUZZ_RUNS explore further. */
const SEED = Number(process.env['PARASIM_FUZZ_SEED'] ?? 17);
const SCALE = Number(process.env['PARASIM_FUZZ_RUNS'] ?? 1);
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-fuzz-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

/** A small valid scenario: a run takes milliseconds, so valid mutants can be simulated. */
const BASE_SCENARIO = {
  name: 'fuzz',
  seed: 1,
  horizon_s: 2,
  switches: ['lan'],
  devices: [
    { id: 'gpu', type: 'rtx-4090' },
    { id: 'pi', type: 'raspberry-pi-5-8gb', count: 2 },
  ],
  links: [
    { a: 'gpu', b: 'lan', type: '10gbe' },
    { a: 'pi', b: 'lan', type: 'wifi5' },
  ],
  policy: { name: 'round-robin' },
  services: [
    {
      name: 'chat',
      kind: 'llm',
      model: 'tinyllama-1.1b-q4',
      ingress: 'lan',
      slo: { ttft_s: 1, tpot_s: 0.2 },
      arrivals: { process: 'poisson', rate_per_s: 3 },
      prompt_tokens: { dist: 'fixed', value: 32 },
      output_tokens: { dist: 'fixed', value: 4 },
    },
    {
      name: 'cam',
      kind: 'segmentation',
      model: 'yolov8n-seg',
      ingress: 'lan',
      slo: { deadline_s: 0.5 },
      arrivals: { process: 'periodic', streams: 1, fps: 2 },
    },
  ],
  faults: [{ kind: 'device-crash', device: 'pi-0', at_s: 1, recover_after_s: 0.5 }],
};

const BASE_SWEEP = {
  base: 'base.yaml',
  seeds: [1, 2],
  set: { horizon_s: 1 },
  grid: { 'policy.name': ['round-robin', 'least-loaded'], load: [0.5, 1] },
};

// ------------------------------------------------------------------ random values and mutations
const ALIAS_BOMB = [
  'bomb0: &b0 ["x","x","x","x","x","x","x","x"]',
  ...Array.from(
    { length: 8 },
    (_, i) => `bomb${i + 1}: &b${i + 1} [${Array.from({ length: 8 }, () => `*b${i}`).join(',')}]`,
  ),
].join('\n');

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, -0, 1e300, -1e300, 1e12, 2 ** 53 + 1, 0.1, 100_000_000, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.double({ noNaN: false }),
  fc.integer(),
);
const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'ü✓🚀',
    '../../etc/passwd',
    'rtx-4090',
    'lan',
    'gpu',
    'csv',
    'trace',
    'poisson',
    'x'.repeat(5000),
  ),
);
const leaf = fc.oneof(hostileNumber, hostileString, fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
const hostileValue = fc.oneof(
  { depthSize: 'small' },
  leaf,
  fc.array(leaf, { maxLength: 3 }),
  fc.dictionary(hostileString, leaf, { maxKeys: 3 }),
);

type Mutation =
  | { readonly op: 'set'; readonly at: number; readonly value: unknown }
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'addKey'; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly op: 'share'; readonly at: number; readonly from: number }
  | { readonly op: 'duplicateItem'; readonly at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('addKey' as const), at: fc.nat(), key: hostileString, value: hostileValue }),
  fc.record({ op: fc.constant('share' as const), at: fc.nat(), from: fc.nat() }),
  fc.record({ op: fc.constant('duplicateItem' as const), at: fc.nat() }),
);

type Container = Record<string, unknown> | unknown[];
interface Slot {
  readonly parent: Container;
  readonly key: string | number;
}

/** Every (container, key) of the tree, in a stable order. */
function slots(root: Container): Slot[] {
  const out: Slot[] = [];
  const seen = new Set<unknown>();
  const walk = (c: Container): void => {
    if (seen.has(c)) return;
    seen.add(c);
    const keys: Array<string | number> = Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c);
    for (const k of keys) {
      out.push({ parent: c, key: k });
      const v = (c as Record<string | number, unknown>)[k];
      if (v !== null && typeof v === 'object') walk(v as Container);
    }
  };
  walk(root);
  return out;
}

function containers(root: Container): Container[] {
  return [
    root,
    ...slots(root)
      .map((s) => (s.parent as Record<string | number, unknown>)[s.key])
      .filter((v): v is Container => v !== null && typeof v === 'object'),
  ];
}

function mutate(base: object, ms: readonly Mutation[]): Record<string, unknown> {
  const doc = structuredClone(base) as Record<string, unknown>;
  for (const m of ms) {
    const all = slots(doc);
    if (all.length === 0) break;
    const s = all[m.at % all.length]!;
    const p = s.parent as Record<string | number, unknown>;
    switch (m.op) {
      case 'set':
        p[s.key] = m.value;
        break;
      case 'delete':
        if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
        else delete p[s.key];
        break;
      case 'addKey': {
        const cs = containers(doc).filter((c) => !Array.isArray(c)) as Array<Record<string, unknown>>;
        cs[m.at % cs.length]![m.key] = m.value;
        break;
      }
      case 'share': {
        // The same object at two places: `yaml` writes it once with an anchor and then an alias.
        const cs = containers(doc);
        p[s.key] = cs[m.from % cs.length];
        break;
      }
      case 'duplicateItem':
        if (Array.isArray(s.parent)) s.parent.push(s.parent[s.key as number]);
        break;
    }
  }
  return doc;
}

/** Raw text damage after serialization: an alias bomb, a cut, a stray indent or an undefined alias. */
const textDamage = fc.oneof(
  { weight: 6, arbitrary: fc.constant((t: string) => t) },
  { weight: 1, arbitrary: fc.constant((t: string) => `${t}\n${ALIAS_BOMB}\n`) },
  { weight: 1, arbitrary: fc.nat().map((n) => (t: string) => t.slice(0, n % (t.length + 1))) },
  {
    weight: 1,
    arbitrary: fc.nat().map((n) => (t: string) => {
      const ls = t.split('\n');
      const i = n % ls.length;
      ls[i] = `   ${ls[i]}`;
      return ls.join('\n');
    }),
  },
  { weight: 1, arbitrary: fc.constant((t: string) => `${t}\nextra: *nowhere\n`) },
);

function toYaml(doc: unknown): string {
  try {
    return stringify(doc, { aliasDuplicateObjects: true });
  } catch {
    return String(doc);
  }
}

// ------------------------------------------------------------------ what "handled" means
/** Runs a command handler as the CLI would; returns its exit code or fails on anything but a CliError. */
async function exitCodeOf(fn: () => unknown): Promise<{ code: number; message: string }> {
  try {
    await fn();
    return { code: 0, message: '' };
  } catch (err) {
    if (err instanceof CliError) return { code: err.exitCode, message: err.message };
    throw new Error(`exit 70 (internal error): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

/** A located message: every line names the file (file:line:col or file: …), and no stack frames. */
function expectLocated(message: string, files: readonly string[]): void {
  expect(message).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m);
  expect(message).not.toMatch(/internal error|TypeError|ReferenceError|RangeError|Cannot read properties/);
  const lines = message.split('\n').filter((l) => l.trim() !== '' && !/^\d+ issue\(s\):$/.test(l));
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines)
    expect(
      files.some((f) => l.includes(f)),
      `not located: ${l.slice(0, 300)}`,
    ).toBe(true);
}

function leftovers(dir: string): string[] {
  return fs.readdirSync(dir);
}

let quiet: Array<{ mockRestore(): void }> = [];
beforeAll(() => {
  quiet = [
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true),
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true),
  ];
});
afterAll(() => {
  for (const q of quiet) q.mockRestore();
});

let n = 0;
const fresh = (): string => {
  const d = path.join(TMP, `c${n++}`);
  fs.mkdirSync(d);
  return d;
};

describe('loaders › structurally random documents', () => {
  it('scenario files: `run` succeeds or exits 1 with located issues, leaving no partial file', async () => {
    const seen = { ok: 0, located: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), textDamage, async (ms, damage) => {
        const dir = fresh();
        const file = path.join(dir, 'scenario.yaml');
        fs.writeFileSync(file, damage(toYaml(mutate(BASE_SCENARIO, ms))));
        const outDir = path.join(dir, 'out');
        fs.mkdirSync(outDir);
        const r = await exitCodeOf(() =>
          runCommand.handler({
            scenario: file,
            out: path.join(outDir, 'r.json'),
            records: path.join(outDir, 'r.jsonl'),
            _: [],
            $0: 'parasim',
          } as never),
        );
        if (r.code === 0) {
          seen.ok++;
          expect(leftovers(outDir).sort()).toEqual(['r.json', 'r.jsonl']);
        } else {
          seen.located++;
          expect(r.code).toBe(1);
          expectLocated(r.message, [file]);
          expect(leftovers(outDir)).toEqual([]);
        }
      }),
      { numRuns: 80 * SCALE, seed: SEED },
    );
    // Both paths are exercised: some mutants still run, most are refused.
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.located).toBeGreaterThan(seen.ok);
  });

  it('sweep files: load succeeds or gives located issues; every cell of a loaded sweep runs or fails located', async () => {
    const dir = fresh();
    const base = path.join(dir, 'base.yaml');
    fs.writeFileSync(base, toYaml(BASE_SCENARIO));
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), textDamage, (ms, damage) => {
        const file = path.join(dir, `sweep-${n++}.yaml`);
        fs.writeFileSync(file, damage(toYaml(mutate(BASE_SWEEP, ms))));
        let loaded: ReturnType<typeof loadSweepFile>;
        try {
          loaded = loadSweepFile(file);
        } catch (err) {
          throw new Error(
            `exit 70 (internal error): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
          );
        }
        if (!loaded.ok) {
          expectLocated(formatIssues(loaded.issues), [file, base]);
          return;
        }
        if (loaded.value.mode.kind !== 'grid') return;
        const cells = expandGrid(loaded.value).slice(0, 4);
        for (const c of cells) {
          const out = runCell({ scenario: c.scenario, file: base });
          if (!out.ok) expectLocated(out.message, [base]);
        }
      }),
      { numRuns: 60 * SCALE, seed: SEED },
    );
  });

  it('trace files: `check` succeeds or exits 1 naming the trace file and row', async () => {
    const row = fc.oneof(
      fc.tuple(hostileNumber, fc.nat(5000), fc.nat(5000)).map(([t, p, o]) => `${t},${p},${o}`),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constantFrom(
        '',
        '"unclosed,1,2',
        '1,2',
        '1,2,3,4',
        '2023-02-30 00:00:00,1,1',
        'NaN,1,1',
        '-5,1,1',
        `${'9'.repeat(400)},1,1`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 8 }),
        fc.boolean(),
        fc.constantFrom('s', 'ms', 'iso'),
        async (rows, header, unit) => {
          const dir = fresh();
          const trace = path.join(dir, 'trace.csv');
          fs.writeFileSync(trace, `${header ? 't,p,o\n' : ''}${rows.join('\n')}\n`);
          const scenario = structuredClone(BASE_SCENARIO) as unknown as { services: Array<Record<string, unknown>> };
          scenario.services[0]!['arrivals'] = {
            process: 'trace',
            format: 'csv',
            path: 'trace.csv',
            columns: { time: 't', time_unit: unit, prompt_tokens: 'p', output_tokens: 'o' },
          };
          const file = path.join(dir, 'scenario.yaml');
          fs.writeFileSync(file, toYaml(scenario));
          const r = await exitCodeOf(() => checkCommand.handler({ scenario: file, _: [], $0: 'parasim' } as never));
          if (r.code !== 0) {
            expect(r.code).toBe(1);
            expectLocated(r.message, [trace, file]);
          }
        },
      ),
      { numRuns: 80 * SCALE, seed: SEED },
    );
  });
});
