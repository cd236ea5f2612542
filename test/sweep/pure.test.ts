import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { advance, newSearch, nextLoads, probeAttainments, serviceCapacities } from '../../sweeps/capacity.js';
import { cellKey, coordinatesText, gridPoints, inShard, parseShard, type CellInfo } from '../../sweeps/cells.js';
import { stableJson } from '../../sweeps/canonical.js';
import { parseFieldPath, pathProblem, setAtPath } from '../../sweeps/field-path.js';
import { scaleLoad } from '../../scenarios/load-scale.js';
import {
  errorLineText,
  mergeParts,
  readResultLines,
  resultLineText,
  type ResultLine,
} from '../../sweeps/results-file.js';
import type { Axis, CapacityMode } from '../../sweeps/sweep-file.js';

describe('field paths', () => {
  it('field paths › dotted and indexed text › parse into segments', () => {
    expect(parseFieldPath('devices[2].count')).toEqual(['devices', 2, 'count']);
    expect(parseFieldPath('policy.params.sync_period_s')).toEqual(['policy', 'params', 'sync_period_s']);
    expect(parseFieldPath('services[0].arrivals.rate_per_s')).toEqual(['services', 0, 'arrivals', 'rate_per_s']);
    for (const bad of ['', '.a', 'a.', 'a..b', '[0]', 'a[x]', 'a b']) expect(parseFieldPath(bad)).toBeNull();
  });

  it('field paths › checked against a base › names the missing segment', () => {
    const base = { devices: [{ id: 'a', count: 1 }], policy: { name: 'epara' } };
    expect(pathProblem(base, ['devices', 0, 'count'])).toBeNull();
    expect(pathProblem(base, ['policy', 'params', 'sync_period_s'])).toBeNull();
    expect(pathProblem({ devices: [] }, ['policy', 'name'])).toBeNull();
    expect(pathProblem(base, ['devcies', 0])).toContain('"devcies" does not exist');
    expect(pathProblem(base, ['devices', 3, 'count'])).toContain('index 3 is out of range');
    expect(pathProblem(base, ['devices', 0, 'cnt'])).toContain('"cnt" does not exist');
  });

  it('field paths › set › creates policy.params and leaves siblings alone', () => {
    const obj: Record<string, unknown> = { policy: { name: 'epara' } };
    setAtPath(obj, ['policy', 'params', 'sync_period_s'], 2);
    expect(obj).toEqual({ policy: { name: 'epara', params: { sync_period_s: 2 } } });
  });
});

describe('load scaling', () => {
  it('load axis › every arrival process › scales its offered load by m', () => {
    const s = {
      services: [
        { arrivals: { process: 'poisson', rate_per_s: 2 } },
        { arrivals: { process: 'gamma', rate_per_s: 3, cv: 2 } },
        { arrivals: { process: 'diurnal', mean_rate_per_s: 4, amplitude: 0.5, period_s: 60 } },
        { arrivals: { process: 'onoff', on_rate_per_s: 5, mean_on_s: 1, mean_off_s: 1 } },
        { arrivals: { process: 'periodic', streams: 3, fps: 10 } },
        { arrivals: { process: 'trace', format: 'csv', path: 'x.csv' } },
        {
          arrivals: {
            process: 'trace',
            format: 'csv',
            path: 'x.csv',
            transform: { rate_scale: 2, max_prompt_tokens: 9 },
          },
        },
      ],
    };
    scaleLoad(s, 1.5);
    const a = s.services.map((x) => x.arrivals as Record<string, unknown>);
    expect([a[0]!['rate_per_s'], a[1]!['rate_per_s'], a[2]!['mean_rate_per_s'], a[3]!['on_rate_per_s']]).toEqual([
      3, 4.5, 6, 7.5,
    ]);
    expect(a[4]).toEqual({ process: 'periodic', streams: 3, fps: 15 });
    expect(a[5]!['transform']).toEqual({ rate_scale: 1.5 });
    expect(a[6]!['transform']).toEqual({ rate_scale: 3, max_prompt_tokens: 9 });
  });
});

describe('cells', () => {
  const axes: Axis[] = [
    { kind: 'field', name: 'policy.name', path: ['policy', 'name'], values: ['a', 'b'] },
    { kind: 'load', name: 'load', values: [1, 2, 3] },
  ];

  it('grid expansion › two axes › first axis varies slowest, in file order', () => {
    expect(gridPoints(axes).map((p) => `${String(p['policy.name'])}${String(p['load'])}`)).toEqual([
      'a1',
      'a2',
      'a3',
      'b1',
      'b2',
      'b3',
    ]);
  });

  it('cell keys › same object with keys in another order › same key; other value › other key', () => {
    expect(cellKey({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(cellKey({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(cellKey({ a: 1 })).not.toBe(cellKey({ a: 2 }));
    expect(cellKey({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
    expect(stableJson({ b: 1, a: [true, null] })).toBe('{"a":[true,null],"b":1}');
  });

  it('shards › any N from 1 to 7 › every cell in exactly one shard', () => {
    for (let n = 1; n <= 7; n++) {
      const owners = Array.from({ length: 500 }, (_, i) =>
        Array.from({ length: n }, (_, s) => s).filter((s) => inShard(i, { index: s, count: n })),
      );
      expect(
        owners.every((o) => o.length === 1),
        `N=${n}`,
      ).toBe(true);
      // Balanced: shard sizes differ by at most one.
      const sizes = Array.from({ length: n }, (_, s) => owners.filter((o) => o[0] === s).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '1/0', 'a/2', '1', '-1/2']) expect(parseShard(bad)).toBeNull();
  });

  it('coordinates text › grid point and seed › names every axis then the seed', () => {
    expect(coordinatesText({ coords: { 'policy.name': 'x', load: 2 }, seed: 3 })).toBe('policy.name=x, load=2, seed=3');
  });
});

function info(index: number, total: number, sweep = 's1'): CellInfo {
  return { index, total, sweep, policy: 'p', load: 1, seed: index, coords: {} };
}
function line(index: number, total: number, sweep = 's1'): ResultLine {
  const cell = info(index, total, sweep);
  return { key: `k${index}`, cell, failed: false, text: resultLineText(`k${index}`, cell, '{"x":1}') };
}

describe('results files', () => {
  it('results file › killed writer left a partial last line › resume reading drops it, merge reading refuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-pure-'));
    const file = path.join(dir, 'r.jsonl');
    const full = `${line(0, 3).text}\n${errorLineText('k1', info(1, 3), 'boom')}\n`;
    fs.writeFileSync(file, `${full}${line(2, 3).text.slice(0, 20)}`);
    const resumed = readResultLines(file, true);
    expect(resumed.ok && resumed.droppedPartial).toBe(true);
    expect(resumed.ok && resumed.lines.map((l) => [l.cell.index, l.failed])).toEqual([
      [0, false],
      [1, true],
    ]);
    const strict = readResultLines(file, false);
    expect(strict.ok).toBe(false);
    expect(!strict.ok && strict.message).toContain('r.jsonl:3: incomplete last line');
    fs.rmSync(dir, { recursive: true });
  });

  it('merge › complete parts › cells in canonical order', () => {
    const r = mergeParts([
      { file: 'p1', lines: [line(1, 4), line(3, 4)] },
      { file: 'p0', lines: [line(2, 4), line(0, 4)] },
    ]);
    expect(r.ok && r.lines.map((l) => l.cell.index)).toEqual([0, 1, 2, 3]);
  });

  it('merge › missing, duplicated or foreign cells › refused with the reason', () => {
    const missing = mergeParts([{ file: 'p0', lines: [line(0, 3), line(2, 3)] }]);
    expect(!missing.ok && missing.problems.join()).toContain('1 of 3 cells missing: 1');
    const dup = mergeParts([
      { file: 'p0', lines: [line(0, 2), line(1, 2)] },
      { file: 'p1', lines: [line(1, 2)] },
    ]);
    expect(!dup.ok && dup.problems.join()).toContain('cell 1 appears twice (p0 and p1)');
    const foreign = mergeParts([
      { file: 'p0', lines: [line(0, 2)] },
      { file: 'p1', lines: [line(1, 2, 's2')] },
    ]);
    expect(!foreign.ok && foreign.problems.join()).toContain('p1: cell 1 is from another sweep');
  });
});

describe('goodput capacity search', () => {
  const mode: CapacityMode = {
    kind: 'goodput-capacity',
    target: 0.9,
    policies: ['p'],
    minLoad: 0.5,
    maxLoad: 4,
    tolerance: 0.1,
  };
  /** Drives a search against per-service attainment(load) until it ends. */
  function search(
    attainment: (load: number) => number,
    other?: (load: number) => number,
  ): ReturnType<typeof newSearch> {
    const s = newSearch('p', {}, mode);
    for (let guard = 0; guard < 100; guard++) {
      const loads = nextLoads(s, mode);
      if (loads.length === 0) break;
      advance(
        s,
        loads.map((load) => {
          const perSeed = [{ chat: attainment(load), ...(other ? { cams: other(load) } : {}) }];
          return { load, ...probeAttainments(perSeed), cells: [] };
        }),
        mode,
      );
    }
    return s;
  }

  it("capacity › two services, chat falls at 1.2, cams at 3 › all-services capacity is chat's; per service kept apart", () => {
    const s = search(
      (m) => (m <= 1.2 ? 0.95 : 0.2),
      (m) => (m <= 3 ? 0.99 : 0.5),
    );
    expect(s.bound).toBe('bracketed');
    expect(s.capacity!).toBeLessThanOrEqual(1.2);
    expect(s.capacity!).toBeGreaterThan(1.2 - mode.tolerance);
    const per = serviceCapacities(s.probes, mode.target);
    expect(per['chat']).toEqual({ load: s.capacity, bound: 'bracketed' });
    // cams met at every probe up to the highest one below 3, missed at max 4.
    const camsMet = s.probes.filter((p) => p.load <= 3).map((p) => p.load);
    expect(per['cams']).toEqual({ load: Math.max(...camsMet), bound: 'bracketed' });
    expect(serviceCapacities([{ load: 1, attainment: 1, services: { a: 1 }, cells: [] }], 0.9)['a']).toEqual({
      load: 1,
      bound: 'at-max',
    });
    expect(serviceCapacities([{ load: 1, attainment: 0, services: { a: 0 }, cells: [] }], 0.9)['a']).toEqual({
      load: null,
      bound: 'below-min',
    });
  });

  it('probe attainment › seeds averaged per service, then the lowest service', () => {
    expect(
      probeAttainments([
        { a: 1, b: 0.8 },
        { a: 0.5, b: 1 },
      ]),
    ).toEqual({ attainment: 0.75, services: { a: 0.75, b: 0.9 } });
    expect(probeAttainments([{}])).toEqual({ attainment: null, services: {} });
  });

  it('capacity › attainment falling through the target at 1.7 › brackets it within tolerance', () => {
    const s = search((m) => (m <= 1.7 ? 0.95 : 0.5));
    expect(s.bound).toBe('bracketed');
    expect(s.capacity!).toBeLessThanOrEqual(1.7);
    expect(s.capacity!).toBeGreaterThan(1.7 - mode.tolerance);
  });

  it('capacity › target met at max or missed at min › censored bounds', () => {
    expect(search(() => 1)).toMatchObject({ capacity: 4, bound: 'at-max' });
    expect(search(() => 0)).toMatchObject({ capacity: null, bound: 'below-min' });
  });
});
