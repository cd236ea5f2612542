/**
 * Wi-Fi as a shared medium (issue 18): the stations of one access point take turns on the air, so
 * every Wi-Fi link attached to the same switch (the AP) — both directions of each, since 802.11 is
 * half-duplex — shares one FIFO serializer. Each transfer still occupies the air for bytes·8 / its
 * own link's rate, so a slow station holds the medium longer (the 802.11 "performance anomaly",
 * Heusse et al., INFOCOM 2003). Contention overhead beyond what the link's `efficiency` already
 * takes off (the catalog rates are iperf3 goodputs) is not modelled. Wi-Fi links between two
 * devices (ad hoc) keep their own serializer per direction.
 *
 * `serializerOf(scenario)` maps each directed hop index (2·link + direction) to a serializer slot;
 * the link network keeps one busy-until per slot.
 */
import type { Scenario } from '../../scenarios/index.js';

export interface Serializers {
  /** Serializer slot per directed hop (2·link + direction). */
  readonly slotOf: Int32Array;
  readonly slots: number;
}

export function serializerOf(scenario: Scenario): Serializers {
  const links = scenario.links;
  const slotOf = new Int32Array(links.length * 2);
  const switches = new Set(scenario.switches);
  const apSlot = new Map<string, number>();
  let next = links.length * 2;
  links.forEach((l, i) => {
    slotOf[2 * i] = 2 * i;
    slotOf[2 * i + 1] = 2 * i + 1;
    if (l.spec.kind !== 'wifi') return;
    const ap = switches.has(l.b) ? l.b : switches.has(l.a) ? l.a : null;
    if (ap === null) return;
    let slot = apSlot.get(ap);
    if (slot === undefined) {
      slot = next++;
      apSlot.set(ap, slot);
    }
    slotOf[2 * i] = slot;
    slotOf[2 * i + 1] = slot;
  });
  return { slotOf, slots: next };
}
