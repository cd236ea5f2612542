import { describe, expect, it } from 'vitest';
import {
  bestBaselines,
  buildReport,
  capacityRatio,
  capacityRows,
  censorMark,
  escapeHtml,
  formatCapacity,
  goodputCapacity,
  groupEntries,
  identicalPolicies,
  jsonForScript,
  mixedSweeps,
  readResultsText,
  readValidationText,
  reportCsv,
  scriptSafeSource,
  summarize,
  tQuantile975,
} from '../../reports/index.js';
import { validationJson, type ValidationReport as LiveValidation } from '../../runtime/validate/index.js';
import { policyColors } from '../../reports/colors.js';
import { attainmentOf, seriesOf } from '../../reports/series.js';
import { attainmentFigure, goodputFigure } from '../../reports/figures-load.js';
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
    expect(tQuantile975(120)).toBeCloseTo(1.98, 3);
    expect(tQuantile975(1e6)).toBeGreaterThan(1.959);
    expect(tQuantile975(1e6)).toBeLessThan(1.961);
  });
});

describe('goodput capacity', () => {
  it('goodputCapacity › crossing between loads › linear interpolation', () => {
    const c = goodputCapacity(
      [
        { x: 2, attainment: 0.5 },
        { x: 1, attainment: 0.95 },
        { x: 0.5, attainment: 1 },
      ],
      0.9,
    );
    // between (1, 0.95) and (2, 0.5): 1 + (0.05 / 0.45) * 1
    expect(c.kind).toBe('interpolated');
    if (c.kind === 'interpolated') expect(c.value).toBeCloseTo(1 + 0.05 / 0.45, 12);
  });
  it('goodputCapacity › non-monotone curve › uses the highest load meeting the target', () => {
    const c = goodputCapacity([
      { x: 1, attainment: 0.95 },
      { x: 2, attainment: 0.85 },
      { x: 3, attainment: 0.92 },
      { x: 4, attainment: 0.72 },
    ]);
    expect(c.kind).toBe('interpolated');
    if (c.kind === 'interpolated') expect(c.value).toBeCloseTo(3.1, 12);
  });
  it('goodputCapacity › censored ranges › "≥ 2" and "< 0.5", never extrapolated, never a ratio', () => {
    const above = goodputCapacity([
      { x: 1, attainment: 0.99 },
      { x: 2, attainment: 0.91 },
    ]);
    const below = goodputCapacity([
      { x: 0.5, attainment: 0.5 },
      { x: 2, attainment: 0.1 },
    ]);
    expect(above).toEqual({ kind: 'atLeast', value: 2 });
    expect(below).toEqual({ kind: 'below', value: 0.5 });
    expect(goodputCapacity([])).toEqual({ kind: 'none' });
    expect([formatCapacity(above), formatCapacity(below)]).toEqual(['≥ 2', '< 0.5']);
    expect([censorMark(above), censorMark(below), censorMark({ kind: 'interpolated', value: 1.3 })]).toEqual([
      '>=',
      '<',
      '=',
    ]);
    const exact = { kind: 'interpolated', value: 1.5 } as const;
    expect(capacityRatio(exact, { kind: 'interpolated', value: 0.75 })).toBe(2);
    expect(Number.isNaN(capacityRatio(above, exact))).toBe(true);
    expect(Number.isNaN(capacityRatio(exact, above))).toBe(true);
    expect(Number.isNaN(capacityRatio(exact, below))).toBe(true);
  });
  it('bestBaselines › censored and tied capacities › ranked by bound, ties broken by attainment, remaining ties all named', () => {
    const at = (v: number) => ({ kind: 'atLeast', value: v }) as const;
    const ex = (v: number) => ({ kind: 'interpolated', value: v }) as const;
    expect(
      bestBaselines([
        { policy: 'epara', capacity: at(4), meanAttainment: 1 },
        { policy: 'a', capacity: ex(1.5), meanAttainment: 0.9 },
        { policy: 'b', capacity: at(2), meanAttainment: 0.8 },
      ]),
    ).toEqual(['b']);
    expect(
      bestBaselines([
        { policy: 'a', capacity: at(2), meanAttainment: 0.8 },
        { policy: 'b', capacity: at(2), meanAttainment: 0.9 },
      ]),
    ).toEqual(['b']);
    expect(
      bestBaselines([
        { policy: 'a', capacity: at(2), meanAttainment: 0.9 },
        { policy: 'b', capacity: at(2), meanAttainment: 0.9 },
      ]),
    ).toEqual(['a', 'b']);
    expect(
      bestBaselines([
        { policy: 'a', capacity: { kind: 'below', value: 0.5 }, meanAttainment: 0.9 },
        { policy: 'b', capacity: ex(0.6), meanAttainment: 0.1 },
      ]),
    ).toEqual(['b']);
  });
  it('capacityRows › a policy that starves chat › all-services capacity below the lowest load, however high its pooled attainment', () => {
    const { entries } = readResultsText(fakeSweep(['starves-chat', 'epara'], [1, 2], [1, 2]), 's');
    const g = groupEntries(entries);
    const rows = capacityRows(g, 0.9);
    const starver = rows.find((r) => r.policy === 'starves-chat')!;
    expect(starver.all).toEqual({ kind: 'below', value: 1 });
    expect(starver.services['chat']).toEqual({ kind: 'below', value: 1 });
    expect(starver.services['seg']).toEqual({ kind: 'atLeast', value: 2 });
    // The pooled total would call it excellent: frames outnumber chat 20:1.
    expect(g.cells.find((c) => c.policy === 'starves-chat')!.runs[0]!.totals.sloAttainment).toBeGreaterThan(0.9);
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
    expect(g.facets).toHaveLength(1);
    expect(g.cells).toHaveLength(9);
    expect(g.cells[0]!.runs.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(g.cells.find((c) => c.policy === 'rr' && c.x === 2)!.failed).toHaveLength(1);
  });
  it('groupEntries › a device-count axis › one facet per value, never pooled as seeds; live runs apart from simulated', () => {
    const { entries } = readResultsText(
      fakeSweep(['epara', 'rr'], [1, 2], [1, 2], false, { 'devices[1].count': [1, 2] }),
      's',
    );
    const live = { ...entries[0]!, key: 'live', result: { ...entries[0]!.result!, clock: 'live' as const } };
    const g = groupEntries([...entries, live]);
    expect(g.axes).toEqual(['devices[1].count']);
    expect(g.facets.map((f) => f.label)).toEqual([
      'devices[1].count = 1',
      'devices[1].count = 2',
      'devices[1].count = 1 · live',
    ]);
    for (const c of g.cells) expect(c.runs.length).toBe(c.facet.includes('live') ? 1 : 2);
  });
  it('groupEntries › two sweep files › their cells never pooled: the sweep hash separates configurations', () => {
    const a = readResultsText(fakeSweep(['epara'], [1], [1, 2], false, {}, 'aaaa'), 'a.jsonl').entries;
    const b = readResultsText(fakeSweep(['epara'], [1], [1, 2], false, {}, 'bbbb'), 'b.jsonl').entries;
    const g = groupEntries([...a, ...b]);
    expect(g.facets.map((f) => f.label)).toEqual(['sweep = aaaa', 'sweep = bbbb']);
    for (const c of g.cells) expect(c.runs).toHaveLength(2);
  });
  it('groupEntries › --x names a coordinate › groups by that coordinate, load becomes a facet, missing ones unplaced', () => {
    const { entries } = readResultsText(fakeSweep(['epara'], [1], [1], true, { rate: [4, 8] }), 's');
    const g = groupEntries(entries, 'rate');
    expect(g.xs).toEqual([4, 8]);
    expect(g.xLabel).toBe('rate');
    expect(g.axes).toEqual(['load']);
    expect(g.unplaced).toHaveLength(1);
  });
  it('mixedSweeps › one file with lines of two sweeps › an error naming both hashes', () => {
    const text =
      fakeSweep(['epara'], [1], [1], false, {}, 'aaaa1111') + fakeSweep(['rr'], [1], [1], false, {}, 'bbbb2222');
    const { entries } = readResultsText(text, 'results.jsonl');
    expect(mixedSweeps(entries)).toEqual([
      "results.jsonl mixes results of different sweeps (aaaa1111 and bbbb2222); report each sweep's file on its own",
    ]);
    expect(mixedSweeps(readResultsText(fakeSweep(['epara'], [1], [1]), 'r').entries)).toEqual([]);
  });
  it('identicalPolicies › two policies with the same runs › flagged together', () => {
    const text = fakeSweep(['epara', 'rr'], [1], [1]);
    const twin = text
      .trim()
      .split('\n')
      .filter((l) => l.includes('"policy":"rr"'))
      .map((l) => l.replaceAll('"rr"', '"rr-copy"'))
      .join('\n');
    const g = groupEntries(readResultsText(`${text}${twin}\n`, 's').entries);
    expect(identicalPolicies(g)).toEqual([['rr', 'rr-copy']]);
  });
  it('readValidationText › the exact JSON `validate --out` writes, with fields added later › every row kept', () => {
    const sim = fakeResult('epara', 1, 1);
    const live: LiveValidation = {
      schema: 'parasim.validation/1',
      scenario: 's',
      testbed: 't.yaml',
      seed: 1,
      policies: ['epara'],
      loads: [1],
      liveRuns: 1,
      profiles: [],
      notes: [],
      medianAbsGoodputError: 0.05,
      cells: [
        {
          policy: 'epara',
          load: 1,
          sim,
          measured: sim,
          goodputError: 0.05,
          rows: [
            { scope: 'chat', metric: 'goodputRps', sim: 2, measured: 2.2, absError: -0.2, relError: 0.0909 },
            { scope: 'total', metric: 'ttftP99S', sim: 1, measured: 0, absError: 1, relError: null },
          ],
        },
      ],
    } as unknown as LiveValidation;
    const json = JSON.parse(validationJson(live)) as Record<string, unknown>;
    const grown = JSON.stringify({ ...json, latencyErrors: { chat: { ttftP50S: 0.1 } } });
    const v = readValidationText(grown, 'validation.json');
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.medianAbsGoodputError).toBe(0.05);
    expect(v.value.rows).toHaveLength(2);
    expect(v.value.rows[0]).toEqual({
      policy: 'epara',
      load: 1,
      scope: 'chat',
      metric: 'goodputRps',
      sim: 2,
      measured: 2.2,
      relError: 0.0909,
    });
    expect(Number.isNaN(v.value.rows[1]!.relError)).toBe(true);
    expect(readValidationText('{"x":1}', 'v.json').ok).toBe(false);
  });
  it('readResultsText › a capacity-mode summary › read as a capacity table, not an issue', () => {
    const summary = {
      schema: 'parasim.capacity/1',
      sweep: 'h',
      target: 0.9,
      searches: [
        {
          kind: 'capacity',
          policy: 'epara',
          coords: {},
          load: 1.5,
          bound: 'bracketed',
          probes: [],
          services: { chat: { load: 1.5, bound: 'bracketed' } },
        },
      ],
    };
    const r = readResultsText(JSON.stringify(summary), 'results.capacity.json');
    expect(r.issues).toEqual([]);
    expect(r.capacity[0]!.searches[0]).toMatchObject({ policy: 'epara', load: 1.5, services: { chat: { load: 1.5 } } });
  });
});

describe('figures', () => {
  it('colours › 25 policies › 25 distinct colours; bands clipped to their range', () => {
    const names = Array.from({ length: 25 }, (_, i) => `p${i}`);
    const color = policyColors(names);
    expect(new Set(names.map(color)).size).toBe(25);
    const { entries } = readResultsText(fakeSweep(['least-loaded', 'rr'], [0.5, 0.8, 1.2, 4], [1, 2, 3]), 's');
    const g = groupEntries(entries);
    const ys = (f: { data: readonly Record<string, unknown>[] }) =>
      f.data.flatMap((t) => (t['y'] as (number | null)[]) ?? []).filter((v): v is number => typeof v === 'number');
    // Precondition: unclipped, the 95% band of this data pokes above 100%.
    expect(
      Math.max(...seriesOf(g, (r) => attainmentOf(r, 'chat')).flatMap((x) => x.points.map((p) => p.s.hi))),
    ).toBeGreaterThan(1);
    const att = attainmentFigure(g, 'chat', policyColors(g.policies), 0.9);
    expect(Math.max(...ys(att))).toBeLessThanOrEqual(1);
    expect(Math.min(...ys(att))).toBeGreaterThanOrEqual(0);
    expect(Math.min(...ys(goodputFigure(g, 'chat', policyColors(g.policies))))).toBeGreaterThanOrEqual(0);
  });
});

describe('csv', () => {
  it('reportCsv › device-count axis, two policies, two loads › a service column, every service and all, the axis kept apart', () => {
    const { entries } = readResultsText(
      fakeSweep(['epara', 'starves-chat'], [1, 2], [1, 2, 3], false, { 'devices[1].count': [1, 2] }),
      's',
    );
    const csv = reportCsv({ entries });
    const [head, ...rows] = csv
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(head!.slice(0, 7)).toEqual(['row', 'policy', 'service', 'devices[1].count', 'clock', 'load', 'seeds']);
    const col = (name: string): number => head!.indexOf(name);
    const points = rows.filter((r) => r[0] === 'point');
    // 2 policies × 2 counts × 2 loads × (2 services + all)
    expect(points).toHaveLength(24);
    expect(new Set(points.map((r) => r[col('service')]))).toEqual(new Set(['chat', 'seg', 'all']));
    expect(new Set(points.map((r) => r[col('devices[1].count')]))).toEqual(new Set(['1', '2']));
    for (const r of points) expect(r[col('seeds')]).toBe('3');
    // Output tokens/s: LLM services only.
    expect(points.find((r) => r[1] === 'epara' && r[2] === 'seg')![col('output_tok_per_s')]).toBe('');
    expect(Number(points.find((r) => r[1] === 'epara' && r[2] === 'chat')![col('output_tok_per_s')])).toBeGreaterThan(
      0,
    );
    const starvedAll = points.find((r) => r[1] === 'starves-chat' && r[2] === 'all')!;
    expect(starvedAll[col('attainment_mean')]).toBe('0');
    // 30% of starves-chat's chat requests are dropped: its p99 including drops is +∞.
    expect(points.find((r) => r[1] === 'starves-chat' && r[2] === 'chat')![col('e2e_p99_incl_drops_s')]).toBe('inf');
    const caps = rows.filter((r) => r[0] === 'capacity');
    expect(caps).toHaveLength(2 * 2 * 3);
    const starverCap = caps.find((r) => r[1] === 'starves-chat' && r[2] === 'all')!;
    expect([starverCap[col('capacity')], starverCap[col('censored')]]).toEqual(['1', '<']);
    const segCap = caps.find((r) => r[1] === 'starves-chat' && r[2] === 'seg')!;
    expect([segCap[col('capacity')], segCap[col('censored')]]).toEqual(['2', '>=']);
  });
});

describe('HTML escaping and page', () => {
  it('escape › hostile strings › neutralised in HTML text and script JSON', () => {
    expect(escapeHtml('<b a="1">&\'')).toBe('&lt;b a=&quot;1&quot;&gt;&amp;&#39;');
    const json = jsonForScript({ name: '</script><script>alert(1)</script>' });
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ name: '</script><script>alert(1)</script>' });
    expect(scriptSafeSource('var s="</SCRIPT>";')).toBe('var s="<\\/SCRIPT>";');
  });
  it('buildReport › policy named with </script> › the page has exactly the scripts it means to', () => {
    const evil = '</script><script>alert("x")</script>';
    const entries = [1, 2].flatMap((load) =>
      [1, 2].map((seed) => {
        const r = { ...fakeResult('epara', load, seed), policy: evil };
        return { source: 's', key: `${load}-${seed}`, policy: evil, load, seed, coords: {}, result: r };
      }),
    );
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
  it('buildReport › per-service page › a section per service, censored capacity shown with its mark, no ratio from it', () => {
    const { entries } = readResultsText(fakeSweep(['epara', 'starves-chat', 'rr'], [1, 2], [1, 2]), 's');
    const html = buildReport({ entries, plotlySource: PLOTLY_STUB, version: '9.9.9' });
    for (const h of ['Service chat', 'Service seg', 'All services', 'Placement', 'Devices and links'])
      expect(html).toContain(`<h2>${h}</h2>`);
    expect(html).toContain('<h3>chat: SLO attainment vs load</h3>');
    expect(html).toContain('ParaSim 9.9.9');
    expect(html).toContain('sweep sweep-a');
    const row = /<tr><td>starves-chat<\/td>(.*?)<\/tr>/.exec(html)![1]!;
    expect(row).toContain('&lt; 1');
    expect(row).not.toMatch(/×/);
    expect(html).toContain('12 runs of 3 policies (epara, rr, starves-chat) at 2 values of load');
    expect(html).not.toMatch(/\b1 runs\b|\b1 policies\b/);
  });
});
