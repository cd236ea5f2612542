/**
 * EdgeShard's cost of a tensor-parallel group (policies/baselines/edgeshard.ts `groupCost`),
 * compared with its DP chain: latency = in + stretched compute + out; throughput = the largest of
 * the in/out serialization and the stretched busy time; the stretch 1/(1 − u) takes the busiest
 * member's planned load. Four Pis on a switch (view-builder figures).
 */
import { describe, expect, it } from 'vitest';
import type { Stage } from '../../policies/index.js';
import { edgeShardPlan, groupCost } from '../../policies/baselines/edgeshard.js';
import { MAX_RHO } from '../../policies/split-latency.js';
import { device, link, service, view } from './view-builder.js';

const pis = ['p0', 'p1', 'p2', 'p3'].map((id) => device(id, 'pi'));
const links = pis.map((d) => link(d.id, 's1', 1e9, 0.0001));
const v = view({ devices: pis, links, services: [] });
const chat = service('chat', { demandRps: 0.01 });
const pair: Stage = { device: 'p0', peers: ['p1'], firstLayer: 0, endLayer: 32, gpus: 1 };
// in: 2048 B prompt, out: one 4-byte token (latency) or 512 B (throughput), over one 1 Gb/s hop.
const io = 0.0001 + (8 * 2048) / 1e9 + 0.0001 + 32 / 1e9;

describe('edgeshard › TP group cost', () => {
  it('latency › a peer’s planned load u = 0.5 › the compute part doubles, the network part stays', () => {
    const idle = groupCost(v, chat, pair, 'latency', new Map());
    const busy = groupCost(v, chat, pair, 'latency', new Map([['p1', 0.5]]));
    expect(busy - io).toBeCloseTo(2 * (idle - io), 9);
    // The busiest member counts: a lighter load on the root changes nothing.
    expect(
      groupCost(
        v,
        chat,
        pair,
        'latency',
        new Map([
          ['p0', 0.25],
          ['p1', 0.5],
        ]),
      ),
    ).toBeCloseTo(busy, 12);
    // Overload is capped at 0.99; negative load is none.
    expect(groupCost(v, chat, pair, 'latency', new Map([['p1', 7]])) - io).toBeCloseTo((idle - io) / (1 - MAX_RHO), 6);
    expect(groupCost(v, chat, pair, 'latency', new Map([['p1', -1]]))).toBeCloseTo(idle, 12);
  });
  it('throughput › the busy time stretched by the busiest member’s load', () => {
    const idle = groupCost(v, chat, pair, 'throughput', new Map());
    expect(groupCost(v, chat, pair, 'throughput', new Map([['p0', 0.5]]))).toBeCloseTo(2 * idle, 9);
  });
  it('unknown root or member without figures › Infinity', () => {
    expect(groupCost(v, chat, { ...pair, device: 'nope' }, 'latency', new Map())).toBe(Infinity);
    const withF = view({
      devices: [...pis, device('f', 'fpga')],
      links: [...links, link('f', 's1', 1e9, 0)],
      services: [],
    });
    expect(groupCost(withF, chat, { ...pair, peers: ['f'] }, 'latency', new Map())).toBe(Infinity);
  });
  it('plan › throughput pipelines carry micro-batches = stages, and the reason says so', () => {
    // big (40 GB) over two boards of 21.6 GB budget each: only a 2-stage pipeline holds it.
    const boards = ['a', 'b'].map((id) => device(id, 'orin', { memoryBytesPerGpu: 24e9 }));
    const bv = view({
      devices: boards,
      links: boards.map((d) => link(d.id, 's1', 1e10, 0.0001)),
      services: [service('big')],
    });
    const p = edgeShardPlan(bv, 'throughput');
    const inst = p.instances[0]!;
    expect(inst.stages.map((st) => st.device)).toEqual(['b', 'a']);
    expect(inst.microBatches).toBe(2);
    expect(p.reason).toMatch(/, 2 micro-batches$/);
    const lat = edgeShardPlan(bv, 'latency').instances[0]!;
    expect(lat.microBatches).toBeUndefined();
  });
  it('plan › nothing can hold the model › no instance, the reason says why', () => {
    const p = edgeShardPlan(view({ devices: [device('p', 'pi')], services: [service('big')] }), 'latency');
    expect(p).toEqual({ instances: [], reason: 'edgeshard-latency DP; big: no feasible partition' });
  });
});
