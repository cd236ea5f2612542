/**
 * Issue 18 edge networks: Wi-Fi stations of one AP share its airtime, frames travel encoded
 * (`frame_bytes`), and the measured HC-05 link reproduces its source's round trips.
 */
import { describe, expect, it } from 'vitest';
import { formatIssues, parseScenario, type Scenario } from '../../scenarios/index.js';
import { RngStreams } from '../../sim/kernel/index.js';
import { LinkNetwork } from '../../sim/network/link-network.js';
import { serializerOf } from '../../sim/network/wifi-medium.js';

function load(text: string): Scenario {
  const r = parseScenario(text, 'net.yaml');
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

const two = (aps: string, second: string, kind = 'wifi5', extra = '', more = ''): string => `name: n
horizon_s: 10
switches: [${aps}]
devices:
  - { id: a, type: raspberry-pi-5-8gb }
  - { id: b, type: raspberry-pi-5-8gb }
links:
  - { a: a, b: ap1, type: ${kind} }
  - { a: b, b: ${second}, type: ${kind} }${more}
services:
  - { name: cams, kind: segmentation, model: yolo11n-seg, ingress: ap1, slo: { deadline_s: 1 }, arrivals: { process: periodic, streams: 1, fps: 1 }${extra} }
`;

describe('Wi-Fi shared medium', () => {
  it('wifi › two stations of one AP › one serializer for both links and both directions', () => {
    const s = serializerOf(load(two('ap1', 'ap1')));
    expect(new Set(s.slotOf).size).toBe(1);
    expect(new Set(serializerOf(load(two('ap1', 'ap1', '1gbe'))).slotOf).size).toBe(4);
  });
  it('wifi › simultaneous sends from the AP to two stations › the second waits for the first on the air', () => {
    const sc = load(two('ap1', 'ap1'));
    const net = new LinkNetwork(sc, new RngStreams(1).get('links:loss'));
    const ap = net.nodeIndex.get('ap1')!;
    const bytes = 1e6;
    const t1 = net.transfer(ap, net.nodeIndex.get('a')!, bytes, 0);
    const t2 = net.transfer(ap, net.nodeIndex.get('b')!, bytes, 0);
    const one = (bytes * 8) / sc.links[0]!.bandwidthBps;
    expect(t1).toBeCloseTo(one + sc.links[0]!.latencyS, 9);
    expect(t2).toBeCloseTo(2 * one + sc.links[1]!.latencyS, 9);
    // Ethernet ports of a switch are independent: both arrive at once.
    const eth = load(two('ap1', 'ap1', '1gbe'));
    const n2 = new LinkNetwork(eth, new RngStreams(1).get('links:loss'));
    const e1 = n2.transfer(ap, n2.nodeIndex.get('a')!, bytes, 0);
    const e2 = n2.transfer(ap, n2.nodeIndex.get('b')!, bytes, 0);
    expect(e2).toBe(e1);
  });
  it('wifi › stations of two APs › separate media', () => {
    const slots = serializerOf(
      load(two('ap1, ap2', 'ap2', 'wifi5', '', '\n  - { a: ap1, b: ap2, type: 1gbe }')),
    ).slotOf;
    expect(slots[0]).toBe(slots[1]);
    expect(slots[2]).toBe(slots[3]);
    expect(slots[0]).not.toBe(slots[2]);
  });
});

describe('encoded frames and HC-05', () => {
  it('frame_bytes › replaces the bytes a camera frame puts on the wire', () => {
    const sc = load(two('ap1', 'ap1', 'wifi5', ', frame_bytes: 60000'));
    expect(sc.services[0]!.model.inputBytes).toBe(60000);
    expect(load(two('ap1', 'ap1')).services[0]!.model.inputBytes).toBe(1228800);
  });
  it('frame_bytes › on an LLM service › located error', () => {
    const r = parseScenario(
      `name: n
horizon_s: 10
switches: [lan]
devices: [{ id: g, type: rtx-4090 }]
links: [{ a: g, b: lan, type: 10gbe }]
services:
  - { name: chat, kind: llm, model: llama-3.1-8b-q4, ingress: lan, slo: { ttft_s: 1, tpot_s: 0.1 }, arrivals: { process: poisson, rate_per_s: 1 }, frame_bytes: 1000 }
`,
      'net.yaml',
    );
    expect(r.ok ? '' : formatIssues(r.issues)).toMatch(
      /net\.yaml:7:\d+: services\[0\]\.frame_bytes: frame_bytes applies to segmentation/,
    );
  });
  it('hc05-spp-measured › 64-byte echo round trips within 8% of the measured rows', () => {
    const measured: [number, number][] = [
      [9600, 173.85],
      [38400, 65.72],
      [57600, 51.71],
      [115200, 37.69],
    ];
    for (const [baud, rttMs] of measured) {
      const sc = load(`name: n
horizon_s: 10
devices: [{ id: f, type: basys3-fpga }, { id: p, type: raspberry-pi-5-8gb }]
links: [{ a: f, b: p, type: hc05-spp-measured, baud: ${baud} }]
services:
  - { name: cams, kind: segmentation, model: yolo11n-seg, ingress: p, slo: { deadline_s: 1 }, arrivals: { process: periodic, streams: 1, fps: 1 } }
`);
      const net = new LinkNetwork(sc, new RngStreams(1).get('links:loss'));
      const f = net.nodeIndex.get('f')!;
      const p = net.nodeIndex.get('p')!;
      const there = net.transfer(p, f, 64, 0);
      const back = net.transfer(f, p, 64, there);
      expect(Math.abs((back * 1000) / rttMs - 1)).toBeLessThan(0.08);
    }
  });
});
