/** Link serializer arithmetic: bytes·8/bps + latency per hop, FIFO per direction, serial links. */
import { describe, expect, it } from 'vitest';
import { LinkNetwork, rngStream } from '../../sim/index.js';
import { device, link, scenario } from './fixtures.js';

const net = (links: Parameters<typeof scenario>[0]) => new LinkNetwork(scenario(links), rngStream(1, 'links:loss'));
const idx = (n: LinkNetwork, id: string) => n.nodeIndex.get(id)!;

describe('network › link serializer', () => {
  it('network › one transfer › bytes·8/bandwidth plus latency', () => {
    const n = net({ devices: [device('a'), device('b')], switches: [], links: [link('ab', 'a', 'b', 1e6, 0.01)] });
    // 1000 B × 8 / 1e6 b/s = 0.008 s, + 0.01 s propagation.
    expect(n.transfer(idx(n, 'a'), idx(n, 'b'), 1000, 0)).toBeCloseTo(0.018, 12);
  });

  it('network › two transfers on one direction › FIFO, the second waits for the wire', () => {
    const n = net({ devices: [device('a'), device('b')], switches: [], links: [link('ab', 'a', 'b', 1e6, 0.01)] });
    n.transfer(0, 1, 1000, 0);
    // Starts at 0.008, ends 0.016, arrives 0.026. The reverse direction is independent.
    expect(n.transfer(0, 1, 1000, 0)).toBeCloseTo(0.026, 12);
    expect(n.transfer(1, 0, 1000, 0)).toBeCloseTo(0.018, 12);
  });

  it('network › HC-05 at 9600 baud 8N1 › 7680 payload b/s', () => {
    // The loader turns baud × efficiency (8 data bits of 10 line bits) into bandwidthBps.
    const bps = 9600 * 0.8;
    const n = net({
      devices: [device('fpga'), device('pi')],
      switches: [],
      links: [link('bt', 'fpga', 'pi', bps, 0.02)],
    });
    // 96 B × 8 / 7680 = 0.1 s, + 0.02 s.
    expect(n.transfer(0, 1, 96, 5)).toBeCloseTo(5.12, 12);
  });

  it('network › two hops via a switch › store-and-forward serializes on each hop', () => {
    const n = net({
      devices: [device('a'), device('b')],
      switches: ['sw'],
      links: [link('a-sw', 'a', 'sw', 1e6, 0.001), link('sw-b', 'sw', 'b', 2e6, 0.002)],
    });
    // Hop 1: 0.008 + 0.001 = 0.009; hop 2: 0.004 + 0.002 → 0.015.
    expect(n.transfer(0, 1, 1000, 0)).toBeCloseTo(0.015, 12);
    expect(n.latency(0, 1)).toBeCloseTo(0.003, 12);
  });

  it('network › route choice › fewest hops, then least latency', () => {
    const n = net({
      devices: [device('a'), device('b')],
      switches: ['s1', 's2'],
      links: [
        link('a-s1', 'a', 's1', 1e9, 0.01),
        link('s1-b', 's1', 'b', 1e9, 0.01),
        link('a-s2', 'a', 's2', 1e9, 0.001),
        link('s2-b', 's2', 'b', 1e9, 0.001),
        link('ab', 'a', 'b', 1e3, 0.5),
      ],
    });
    expect(n.latency(0, 1)).toBeCloseTo(0.5, 12);
    const m = net({
      devices: [device('a'), device('b')],
      switches: ['s1', 's2'],
      links: [
        link('a-s1', 'a', 's1', 1e9, 0.01),
        link('s1-b', 's1', 'b', 1e9, 0.01),
        link('a-s2', 'a', 's2', 1e9, 0.001),
        link('s2-b', 's2', 'b', 1e9, 0.001),
      ],
    });
    expect(m.latency(0, 1)).toBeCloseTo(0.002, 12);
  });

  it('network › loss rate 1 › each hop is retransmitted once after 2×RTT', () => {
    const n = net({
      devices: [device('a'), device('b')],
      switches: [],
      links: [link('ab', 'a', 'b', 1e6, 0.01, { lossRate: 1 })],
    });
    // First try ends 0.008; timeout 4 × 0.01 → resend at 0.048, ends 0.056, arrives 0.066.
    expect(n.transfer(0, 1, 1000, 0)).toBeCloseTo(0.066, 12);
  });

  it('network › outage › a transfer waits until the link is up; degradation scales bandwidth', () => {
    const n = net({
      devices: [device('a'), device('b')],
      switches: [],
      links: [link('ab', 'a', 'b', 1e6, 0.01)],
      faults: [
        { kind: 'link-outage', link: 'ab', atS: 1, durationS: 4 },
        { kind: 'link-degrade', link: 'ab', atS: 10, durationS: 5, bandwidthFactor: 0.5 },
      ],
    });
    expect(n.transfer(0, 1, 1000, 2)).toBeCloseTo(5.018, 12);
    expect(n.transfer(0, 1, 1000, 11)).toBeCloseTo(11.026, 12);
    expect(n.isUp(0, 3)).toBe(false);
  });

  it('network › disconnected nodes › unreachable is Infinity', () => {
    const n = net({ devices: [device('a'), device('b')], switches: [], links: [] });
    expect(n.transfer(0, 1, 10, 0)).toBe(Infinity);
  });
});
