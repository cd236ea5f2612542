/**
 * Policy colours and dash patterns. Colours: Tableau 20 (10 strong + 10 light), assigned over the
 * sorted policy list so a policy keeps its colour however the inputs were ordered; past 20
 * policies, evenly spaced hues, so there are always as many distinct colours as policies. Dash
 * patterns separate facets (or, with one facet, repeat the policy order) so lines stay apart in
 * grey-scale print too.
 */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#1f3b5c',
  '#a0522d',
  '#8b1a1a',
  '#2f6f6a',
  '#2e5e2a',
  '#8c7a1e',
  '#6a3d7c',
  '#c2185b',
  '#5d4037',
  '#616161',
] as const;

export const DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'] as const;

export type ColorOf = (policy: string) => string;

function hueColor(i: number, n: number): string {
  return `hsl(${Math.round((360 * i) / n)},65%,45%)`;
}

export function policyColors(policies: readonly string[]): ColorOf {
  const index = new Map(policies.map((p, i) => [p, i]));
  return (p) => {
    const i = index.get(p) ?? 0;
    return policies.length <= PALETTE.length ? PALETTE[i]! : hueColor(i, policies.length);
  };
}

/** `#rrggbb` → `rgba(r,g,b,alpha)` for translucent confidence bands (hsl colours get hsla). */
export function withAlpha(color: string, alpha: number): string {
  if (color.startsWith('hsl(')) return color.replace('hsl(', 'hsla(').replace(')', `,${alpha})`);
  const n = Number.parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}
