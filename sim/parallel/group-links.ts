/**
 * The links a cross-device tensor-parallel group synchronises over: each member's link to the
 * switch they share (the path root → switch → member), or the direct link of a two-device group.
 * A group with no common switch, or over a link that is down, cannot synchronise: the caller
 * refuses the placement with the reason returned here.
 */
import type { LinkConfig, Scenario } from '../../scenarios/index.js';

export type GroupLinks =
  | { readonly ok: true; readonly links: readonly LinkConfig[]; readonly direct: boolean }
  | { readonly ok: false; readonly why: string };

/** `members[0]` is the root. `up(link)` says whether a link is up now. */
export function groupLinks(scenario: Scenario, members: readonly string[], up: (l: LinkConfig) => boolean): GroupLinks {
  const between = (a: string, b: string): LinkConfig | undefined =>
    scenario.links.find((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a));
  if (members.length === 2) {
    const d = between(members[0]!, members[1]!);
    if (d !== undefined)
      return up(d) ? { ok: true, links: [d, d], direct: true } : { ok: false, why: `link ${d.id} is down` };
  }
  const switches = new Set(scenario.switches);
  const sitesOf = (m: string): string[] =>
    scenario.links
      .filter((l) => (l.a === m && switches.has(l.b)) || (l.b === m && switches.has(l.a)))
      .map((l) => (l.a === m ? l.b : l.a));
  const common = members.map(sitesOf).reduce((acc, s) => acc.filter((x) => s.includes(x)));
  const sw = common[0];
  if (sw === undefined) return { ok: false, why: `tensor-parallel group ${members.join('+')} has no common switch` };
  const links = members.map((m) => between(m, sw)!);
  const down = links.find((l) => !up(l));
  return down !== undefined ? { ok: false, why: `link ${down.id} is down` } : { ok: true, links, direct: false };
}
