/**
 * Network paths for policies (policies/network.ts): the route is the shortest by
 * `latency + 8000 bits / bandwidth` over links that are up, the cost of `bytes` is summed hop by
 * hop (`latency + 8·bytes / bandwidth`), unreachable is Infinity, and the per-snapshot route
 * caches follow in-place link changes (or, for a managed array, only after `linksChanged`).
 */
import { describe, expect, it } from 'vitest';
import type { LinkState } from '../../policies/index.js';
import {
  bottleneckTimeS,
  isLinkEndpoint,
  linksChanged,
  manageLinks,
  pathLatencyS,
  transferTimeS,
} from '../../policies/network.js';
import { link, testRng } from './view-builder.js';

const MB = 1e6;

/** a —(1 Gb/s, 1 ms)— s —(100 Mb/s, 10 ms)— b, plus an isolated c—d link. */
const chain = (): LinkState[] => [link('a', 's', 1e9, 0.001), link('s', 'b', 1e8, 0.01), link('c', 'd', 1e9, 0.001)];

describe('network › transfer times on a chain', () => {
  it('transferTimeS › two hops › latency + 8·bytes/bandwidth summed per hop (store and forward)', () => {
    // a→s: 0.001 + 8e6/1e9 = 0.009; s→b: 0.01 + 8e6/1e8 = 0.09 → 0.099 s.
    expect(transferTimeS(chain(), 'a', 'b', MB)).toBeCloseTo(0.099, 12);
    expect(transferTimeS(chain(), 'b', 'a', MB)).toBeCloseTo(0.099, 12);
    expect(transferTimeS(chain(), 'a', 's', MB)).toBeCloseTo(0.009, 12);
  });
  it('pathLatencyS › two hops › the sum of hop latencies (11 ms)', () => {
    expect(pathLatencyS(chain(), 'a', 'b')).toBeCloseTo(0.011, 12);
  });
  it('bottleneckTimeS › two hops › the slowest hop serialization (8e6/1e8 = 0.08 s), not the sum', () => {
    expect(bottleneckTimeS(chain(), 'a', 'b', MB)).toBeCloseTo(0.08, 12);
    expect(bottleneckTimeS(chain(), 'b', 'a', MB)).toBeCloseTo(0.08, 12);
  });
  it('same node › free', () => {
    expect(transferTimeS(chain(), 'a', 'a', MB)).toBe(0);
    expect(bottleneckTimeS(chain(), 's', 's', MB)).toBe(0);
  });
  it('no links in the view › one site, every transfer free', () => {
    expect(transferTimeS([], 'a', 'b', MB)).toBe(0);
    expect(bottleneckTimeS([], 'a', 'b', MB)).toBe(0);
  });
  it('unreachable (other component, unknown node) › Infinity', () => {
    expect(transferTimeS(chain(), 'a', 'c', MB)).toBe(Infinity);
    expect(bottleneckTimeS(chain(), 'a', 'd', MB)).toBe(Infinity);
    expect(transferTimeS(chain(), 'zz', 'a', 1)).toBe(Infinity);
  });
  it('a link that is down or has no bandwidth › not used', () => {
    const down = [link('a', 'b', 1e9, 0.001, { up: false })];
    expect(transferTimeS(down, 'a', 'b', MB)).toBe(Infinity);
    const zero = [link('a', 'b', 0, 0.001)];
    expect(transferTimeS(zero, 'a', 'b', MB)).toBe(Infinity);
    const withDetour = [
      link('a', 'b', 1e9, 0.001, { up: false }),
      link('a', 'x', 1e9, 0.002),
      link('x', 'b', 1e9, 0.002),
    ];
    expect(pathLatencyS(withDetour, 'a', 'b')).toBeCloseTo(0.004, 12);
  });
});

describe('network › route choice', () => {
  it('route › by latency + 1 kB probe › a direct slow-latency link loses to a two-hop fast one', () => {
    // direct: 0.05 + 8000/1e9 ≈ 0.05; via x: 2·(0.001 + 8e-6) ≈ 0.002 → the two hops.
    const links = [link('a', 'b', 1e9, 0.05), link('a', 'x', 1e9, 0.001), link('x', 'b', 1e9, 0.001)];
    expect(pathLatencyS(links, 'a', 'b')).toBeCloseTo(0.002, 12);
  });
  it('route › by the probe, not by the payload › a thin low-latency link wins even for a big transfer', () => {
    // direct: 0 latency, 1e7 b/s → probe 8e-4 s; via x: 2·(0.001 + 8e-6) = 0.002016 → direct.
    // For 1 MB the direct link costs 0.8 s against 0.018 s via x, but the route is already chosen.
    const links = [link('a', 'b', 1e7, 0), link('a', 'x', 1e9, 0.001), link('x', 'b', 1e9, 0.001)];
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.8, 12);
  });
  it('route › bandwidth term of the probe › decides between equal latencies', () => {
    // Both 1 ms; probe 8000/1e6 = 8 ms on the thin one, 8 µs on the fat two-hop → two hops.
    const links = [link('a', 'b', 1e6, 0.001), link('a', 'x', 1e9, 0.001), link('x', 'b', 1e9, 0.001)];
    expect(pathLatencyS(links, 'a', 'b')).toBeCloseTo(0.002, 12);
  });
});

/** Reference: Bellman–Ford on the probe cost, then the payload cost summed along that route. */
function reference(links: readonly LinkState[], from: string, to: string, bytes: number): number {
  if (from === to) return 0;
  const live = links.filter((l) => l.up && l.bandwidthBps > 0);
  const dist = new Map<string, number>([[from, 0]]);
  const via = new Map<string, LinkState>();
  for (let round = 0; round < live.length + 1; round++) {
    for (const l of live) {
      for (const [u, w] of [
        [l.a, l.b],
        [l.b, l.a],
      ] as const) {
        const du = dist.get(u);
        if (du === undefined) continue;
        const d = du + l.latencyS + 8000 / l.bandwidthBps;
        if (d < (dist.get(w) ?? Infinity)) {
          dist.set(w, d);
          via.set(w, l);
        }
      }
    }
  }
  if (!dist.has(to)) return Infinity;
  let t = 0;
  for (let n = to; n !== from;) {
    const l = via.get(n)!;
    t += l.latencyS + (8 * bytes) / l.bandwidthBps;
    n = l.a === n ? l.b : l.a;
  }
  return t;
}

function randomLinks(seed: number): LinkState[] {
  const r = testRng(seed);
  const n = 4 + r.int(9);
  const links: LinkState[] = [];
  for (let i = 0; i < n * 2; i++) {
    const a = r.int(n);
    const b = r.int(n);
    if (a === b) continue;
    links.push(
      link(`n${a}`, `n${b}`, 10 ** (6 + 3 * r.next()), 0.0001 + 0.02 * r.next(), { up: r.next() > 0.15, id: `l${i}` }),
    );
  }
  return links;
}

describe('network › against a reference shortest path (random graphs of 4–12 nodes)', () => {
  it('transferTimeS › every pair, both directions › equals Bellman–Ford on the probe cost', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const links = randomLinks(seed);
      const nodes = [...new Set(links.flatMap((l) => [l.a, l.b]))].sort();
      for (const from of nodes)
        for (const to of nodes) {
          const want = reference(links, from, to, MB);
          const got = transferTimeS(links, from, to, MB);
          if (want === Infinity) expect(got, `${seed} ${from}→${to}`).toBe(Infinity);
          else expect(got, `${seed} ${from}→${to}`).toBeCloseTo(want, 9);
        }
    }
  });
  it('transferTimeS › one source asking for more than 32 destinations › same answers as pairwise', () => {
    // A star of 40 leaves: the hub asks for every leaf (past the pairwise limit, a full table).
    const links = Array.from({ length: 40 }, (_, i) => link('hub', `leaf${i}`, 1e8 * (1 + i), 0.001 * (1 + (i % 7))));
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 40; i++) {
        const want = 0.001 * (1 + (i % 7)) + (8 * MB) / (1e8 * (1 + i));
        expect(transferTimeS(links, 'hub', `leaf${i}`, MB)).toBeCloseTo(want, 12);
        // Leaf → leaf through the hub, and back (read backwards from the hub's table when unambiguous).
        const j = (i + 1) % 40;
        const via = want + 0.001 * (1 + (j % 7)) + (8 * MB) / (1e8 * (1 + j));
        expect(transferTimeS(links, `leaf${i}`, `leaf${j}`, MB)).toBeCloseTo(via, 12);
        expect(transferTimeS(links, `leaf${i}`, 'hub', MB)).toBeCloseTo(want, 12);
      }
  });
  it('transferTimeS › two equally short routes › each direction takes its own first-found route', () => {
    // Probe costs (8000 bits): P (0.25 s, 32 kb/s) = 0.5, Q (0.375 s, 64 kb/s) = 0.5,
    // R (1 s, 16 kb/s) = 1.5, S (1.25 s, 32 kb/s) = 1.5: a–x–b (P, R) and a–y–b (S, Q) both cost 2.
    // From a, x settles first and sets b's route; from b, y settles first. For 1 MB the routes
    // differ: P+R = 250.25 + 501 = 751.25 s, S+Q = 251.25 + 125.375 = 376.625 s. With a tie, a's
    // full table must not be read backwards for b → a.
    const links = [
      link('a', 'x', 32000, 0.25),
      link('x', 'b', 16000, 1),
      link('a', 'y', 32000, 1.25),
      link('y', 'b', 64000, 0.375),
      ...Array.from({ length: 33 }, (_, i) => link('a', `leaf${i}`, 1e9, 0.001)),
    ];
    for (let i = 0; i < 33; i++) expect(transferTimeS(links, 'a', `leaf${i}`, 0)).toBeCloseTo(0.001, 12);
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(751.25, 9);
    expect(transferTimeS(links, 'b', 'a', MB)).toBeCloseTo(376.625, 9);
    // Without the tie (S made slower), b → a is read from a's table: the P, R route.
    const untied = links.map((l) => (l.b === 'y' ? { ...l, latencyS: 1.3 } : l));
    for (let i = 0; i < 33; i++) transferTimeS(untied, 'a', `leaf${i}`, 0);
    expect(transferTimeS(untied, 'a', 'b', MB)).toBeCloseTo(751.25, 9);
    expect(transferTimeS(untied, 'b', 'a', MB)).toBeCloseTo(751.25, 9);
    expect(bottleneckTimeS(untied, 'b', 'a', MB)).toBeCloseTo(500, 9);
  });
});

describe('network › equal-distance tie order', () => {
  it('route › two intermediate nodes at the same distance › the one first by id relays (x before y)', () => {
    // a–x and a–y both probe 1 s, x–b and y–b too: b is reached first through x (settled first, by
    // id), and the tie through y does not replace it. Payload costs differ: via x 2·(0.5 + 250) s,
    // via y 2·(0.75 + 125) s for 1 MB.
    const links = [
      link('a', 'y', 64000, 0.875),
      link('y', 'b', 64000, 0.875),
      link('a', 'x', 16000, 0.5),
      link('x', 'b', 16000, 0.5),
    ];
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(1001, 9);
    const renamed = links.map((l) => ({ ...l, a: l.a === 'x' ? 'z' : l.a, b: l.b === 'x' ? 'z' : l.b }));
    expect(transferTimeS(renamed, 'a', 'b', MB)).toBeCloseTo(251.75, 9);
  });
});

describe('network › cached routes follow the links', () => {
  it('unmanaged array mutated in place › the next query sees it (fingerprint)', () => {
    const links = chain();
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.099, 12);
    links[1] = { ...links[1]!, up: false };
    expect(transferTimeS(links, 'a', 'b', MB)).toBe(Infinity);
    links[1] = { ...links[1]!, up: true, bandwidthBps: 1e9 };
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.009 + 0.018, 12);
    links[1] = { ...links[1]!, latencyS: 0.02 };
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.009 + 0.028, 12);
  });
  it('a new array with the same links › same answers; with other links › other answers', () => {
    expect(transferTimeS(chain(), 'a', 'b', MB)).toBeCloseTo(0.099, 12);
    const faster = chain().map((l) => (l.b === 'b' ? { ...l, bandwidthBps: 1e9 } : l));
    expect(transferTimeS(faster, 'a', 'b', MB)).toBeCloseTo(0.027, 12);
    expect(transferTimeS(chain(), 'a', 'b', MB)).toBeCloseTo(0.099, 12);
  });
  it('signature cache full (more than 8 snapshots) › older snapshots still answer correctly', () => {
    const variants = Array.from({ length: 12 }, (_, i) => [link('a', 'b', 1e9, 0.001 * (i + 1))]);
    for (let round = 0; round < 2; round++)
      variants.forEach((v, i) => expect(pathLatencyS(v, 'a', 'b')).toBeCloseTo(0.001 * (i + 1), 12));
  });
  it('managed array › an in-place change is seen only after linksChanged', () => {
    const links = chain();
    manageLinks(links);
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.099, 12);
    links[1] = { ...links[1]!, up: false };
    // The host promised to say when it changes the array: until it does, the cached route stands.
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.099, 12);
    linksChanged(links);
    expect(transferTimeS(links, 'a', 'b', MB)).toBe(Infinity);
    links[1] = { ...links[1]!, up: true };
    linksChanged(links);
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.099, 12);
  });
  it('manageLinks on an array already queried › its next change is re-checked', () => {
    const links = chain();
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.099, 12);
    links[0] = { ...links[0]!, latencyS: 0.005 };
    manageLinks(links);
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.103, 12);
    links[0] = { ...links[0]!, latencyS: 0.001 };
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.103, 12);
  });
  it('linksChanged on an unknown array › harmless', () => {
    const links = chain();
    linksChanged(links);
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.099, 12);
  });
  it('link objects mutated in place after a query › the cached routes are unaffected until re-checked', () => {
    const links = chain();
    manageLinks(links);
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.099, 12);
    (links[1] as { bandwidthBps: number }).bandwidthBps = 1e9;
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.099, 12);
    linksChanged(links);
    expect(transferTimeS(links, 'a', 'b', MB)).toBeCloseTo(0.027, 12);
  });
});

describe('network › link endpoints', () => {
  it('isLinkEndpoint › ends of up and down links › true; others false; a pushed link is seen', () => {
    const links = [link('a', 'b', 1e9, 0.001), link('c', 'd', 1e9, 0.001, { up: false })];
    expect(['a', 'b', 'c', 'd', 'e'].map((n) => isLinkEndpoint(links, n))).toEqual([true, true, true, true, false]);
    links.push(link('e', 'a', 1e9, 0.001));
    expect(isLinkEndpoint(links, 'e')).toBe(true);
    expect(isLinkEndpoint([], 'a')).toBe(false);
  });
});
