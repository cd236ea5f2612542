import { describe, expect, it } from 'vitest';
import {
  buildReport, capacityTable, escapeHtml, goodputCapacity, groupEntries, jsonForScript, readResultsText,
  readValidationText, scriptSafeSource, summarize, tQuantile975,
} from '../../reports/index.js';
import { fakeResult, fakeSweep } from './fixtures.js';

const PLOTLY_STUB = 'window.Plotly={newPlot:function(){return Promise.resolve();}};';

describe('stats', () => {
  it('summarize › three replicates › mean and t-based 95% half width', () => {
    const s = summarize([1, 2, 3]);
    expect(s.mean).toBe(2);
    expect(s.sd).toBeCloseTo(1, 12);
    // t(0.975, 2) = 4.303; half width = 4.303 * 1 / sqrt(3)
    expect(s.halfWidth).toBeCloseTo(4.303 / Math.sqrt(3), 6);
    expect(s.lo).toBeCloseTo(2 - s.halfWidth, 12);
  });
  it('summarize › one replicate or NaNs › no interval, NaNs ignored', () => {
    const s = summarize([5, Number.NaN, null]);
    expect(s.n).toBe(1);
    expect(s.mean).toBe(5);
    expect(Number.isNaN(s.halfWidth)).toBe(true);
    expect(summarize([]).n).toBe(0);
  });
  it('tQuantile975 › large df › approaches the normal quantile and stays above it', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(30)).toBeCloseTo(2.042, 3);
    expect(tQuantile975(40)).toBeCloseTo(2.021, 3);
    expect(tQuantile975(120)).toBeCloseTo(1.980, 3);
    expect(tQuantile975(1e6)).toBeGreaterThan(1.959);
    expect(tQuantile975(1e6)).toBeLessThan(1.961);
  });
});

describe('goodput capacity', () => {
  it('goodputCapacity › crossing between loads › linear interpolation', () => {
    const c = goodputCapacity([{ x: 2, attainment: 0.5 }, { x: 1, attainment: 0.95 }, { x: 0.5, attainment: 1 }], 0.9);
    // between (1, 0.95) and (2, 0.5): 1 + (0.05 / 0.45) * 1
    expect(c.kind).toBe('interpolated');
    if (c.kind === 'interpolated') expect(c.value).toBeCloseTo(1 + 0.05 / 0.45, 12);
  });
  it('goodputCapacity › non-monotone curve › uses the highest load meeting the target', () => {
    const c = goodputCapacity([{ x: 1, attainment: 0.95 }, { x: 2, attainment: 0.85 }, { x: 3, attainment: 0.92 }, { x: 4, attainment: 0.72 }]);
    expect(c.kind).toBe('interpolated');
    if (c.kind === 'interpolated') expect(c.value).toBeCloseTo(3.1, 12);
  });
  it('goodputCapacity › censored ranges › says at least / below instead of extrapolating', () => {
    expect(goodputCapacity([{ x: 1, attainment: 0.99 }, { x: 2, attainment: 0.91 }])).toEqual({ kind: 'atLeast', value: 2 });
    expect(goodputCapacity([{ x: 1, attainment: 0.5 }, { x: 2, attainment: 0.1 }])).toEqual({ kind: 'below', value: 1 });
    expect(goodputCapacity([])).toEqual({ kind: 'none' });
  });
  it('capacityTable › several policies › ratio to the best non-epara policy', () => {
    const pts = (k: number) => [{ x: 1, attainment: 1 }, { x: k, attainment: 0.9 }, { x: 10, attainment: 0 }];
    const { rows, bestBaseline } = capacityTable(new Map([['epara', pts(4)], ['rr', pts(2)], ['edgeshard', pts(3)]]));
    expect(bestBaseline).toBe('edgeshard');
    expect(rows.find((r) => r.policy === 'epara')!.ratioToBestBaseline).toBeCloseTo(4 / 3, 12);
    expect(rows.find((r) => r.policy === 'edgeshard')!.ratioToBestBaseline).toBe(1);
  });
});

describe('reading and grouping', () => {
  it('readResultsText › sweep JSONL with a failed cell and a garbage line › keeps the rest', () => {
    const text = fakeSweep(['rr', 'epara'], [1, 2], [1, 2, 3], true) + '{not json\n"just a string"\n';
    const { entries, issues } = readResultsText(text, 'sweep.jsonl');
    expect(entries).toHaveLength(13);
    expect(entries.filter((e) => e.error === 'worker crashed')).toHaveLength(1);
    expect(issues.map((i) => i.line)).toEqual([14, 15]);
  });
  it('readResultsText › a single pretty-printed result file › one entry at load 1', () => {
    const { entries, issues } = readResultsText(JSON.stringify(fakeResult('epara', 2, 7), null, 2), 'r.json');
    expect(issues).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ policy: 'epara', load: 1, seed: 7 });
  });
  it('groupEntries › shuffled input › epara first, loads ascending, seeds as replicates in seed order', () => {
    const { entries } = readResultsText(fakeSweep(['rr', 'epara', 'edgeshard'], [2, 0.5, 1], [3, 1, 2], true), 's');
    const g = groupEntries(entries.slice().reverse());
    expect(g.policies).toEqual(['epara', 'edgeshard', 'rr']);
    expect(g.xs).toEqual([0.5, 1, 2]);
    expect(g.cells).toHaveLength(9);
    expect(g.cells[0]!.runs.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(g.cells.find((c) => c.policy === 'rr' && c.x === 2)!.failed).toHaveLength(1);
  });
  it('groupEntries › --x names a coordinate › groups by that coordinate, missing ones unplaced', () => {
    const { entries } = readResultsText(fakeSweep(['epara'], [1, 2], [1], true), 's');
    const g = groupEntries(entries, 'rate');
    expect(g.xs).toEqual([4, 8]);
    expect(g.xLabel).toBe('rate');
    expect(g.unplaced).toHaveLength(1);
  });
  it('readValidationText › missing rows › an issue, not a throw', () => {
    expect(readValidationText('{"x":1}', 'v.json').ok).toBe(false);
    const v = readValidationText('{"rows":[{"policy":"epara","load":1,"metric":"goodput","sim":2,"measured":2.2,"relError":-0.09}],"medianAbsGoodputError":0.09}', 'v');
    expect(v.ok && v.value.rows[0]!.measured).toBe(2.2);
  });
});

describe('HTML escaping', () => {
  it('escape › hostile strings › neutralised in HTML text and script JSON', () => {
    expect(escapeHtml('<b a="1">&\'')).toBe('&lt;b a=&quot;1&quot;&gt;&amp;&#39;');
    const json = jsonForScript({ name: '</script><script>alert(1)</script>' });
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ name: '</script><script>alert(1)</script>' });
    expect(scriptSafeSource('var s="</SCRIPT>";')).toBe('var s="<\\/SCRIPT>";');
  });
  it('buildReport › policy named with </script> › the page has exactly the scripts it means to', () => {
    const evil = '</script><script>alert("x")</script>';
    const entries = [1, 2].flatMap((load) => [1, 2].map((seed) => {
      const r = { ...fakeResult('epara', load, seed), policy: evil };
      return { source: 's', key: `${load}-${seed}`, policy: evil, load, seed, coords: {}, result: r };
    }));
    const html = buildReport({ entries, plotlySource: PLOTLY_STUB, options: { title: '<i>t</i>' } });
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).not.toContain('<i>t</i>');
    const json = /<script type="application\/json" id="report-figures">([^]*?)<\/script>/.exec(html)![1]!;
    const figs = JSON.parse(json) as { data: { name?: string }[] }[];
    expect(figs[0]!.data[2]!.name).toBe(evil);
  });
  it('buildReport › same inputs in another order › same bytes', () => {
    const text = fakeSweep(['rr', 'epara'], [1, 2, 3], [1, 2, 3], true);
    const { entries } = readResultsText(text, 's');
    const a = buildReport({ entries, plotlySource: PLOTLY_STUB });
    const b = buildReport({ entries: entries.slice().reverse(), plotlySource: PLOTLY_STUB });
    expect(a).toBe(b);
    expect(a).toContain('worker crashed');
  });
});
