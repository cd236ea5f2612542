/**
 * Policy colours: a d3 ordinal scale over a fixed palette (Tableau 10), with the domain set from
 * the sorted policy list so a policy keeps its colour however the inputs were ordered.
 */
import { scaleOrdinal } from 'd3-scale';

export const PALETTE = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
  '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
] as const;

export type ColorOf = (policy: string) => string;

export function policyColors(policies: readonly string[]): ColorOf {
  const scale = scaleOrdinal<string, string>().domain(policies).range(PALETTE);
  return (p) => scale(p);
}

/** `#rrggbb` → `rgba(r,g,b,alpha)` for translucent confidence bands. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}
