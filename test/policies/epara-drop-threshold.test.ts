/**
 * EPARA's drop threshold through the registered policy with its default parameters: a request
 * is dropped as slo-infeasible when the best estimate exceeds (1 + slo_margin) × SLO, and the
 * default slo_margin is 0.5 — a 1.5× threshold (docs/policies.md). The ratios sit on either side
 * of 1.5 and below 2.5, so moving the default (or the comparison) is caught.
 * One local orin instance; the chat SLO is TTFT 1 s. Unloaded the estimate is 0.38× SLO; each
 * queued request adds ≈ 1.48 s of wait (view-builder's orin figures), so 1 queued → 1.86×.
 */
import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../policies/index.js';
import { device, instance, link, nodeView, request, service, testRng, view, whole } from './view-builder.js';

const at = (queued: number, ttftS = 1) =>
  nodeView(
    view({
      now: 10,
      devices: [{ ...device('orin0', 'orin'), asOfS: 10 }],
      links: [link('orin0', 's1', 1e9, 0.0002)],
      services: [service('chat', { slo: { kind: 'token', ttftS, tpotS: 0.1 } })],
      instances: [instance('a', 'chat', whole('orin0', 32), { queued })],
    }),
  );
const route = (v: ReturnType<typeof at>, params = {}) =>
  POLICIES.epara.create(params).route(request('chat'), v, testRng(1));

describe('epara › drop threshold', () => {
  it('epara › default parameters › slo_margin is 0.5 (drop above 1.5× SLO)', () => {
    expect(POLICIES.epara.params.slo_margin!.default).toBe(0.5);
  });
  it('epara › best estimate 1.86× SLO › dropped slo-infeasible with default params; routed with margin 1.5', () => {
    expect(route(at(1))).toMatchObject({ kind: 'drop', reason: 'slo-infeasible', detail: 'best estimate 1.86× SLO' });
    expect(route(at(1), { slo_margin: 1.5 })).toMatchObject({ kind: 'instance', instanceId: 'a' });
  });
  it('epara › best estimate 1.33× SLO (TTFT SLO 1.4 s) › routed with default params, above SLO but within the margin', () => {
    const d = route(at(1, 1.4));
    expect(d).toMatchObject({ kind: 'instance', instanceId: 'a', reason: 'local 1.33× SLO' });
  });
  it('epara › unloaded › 0.38× SLO, routed locally', () => {
    expect(route(at(0))).toMatchObject({ kind: 'instance', instanceId: 'a', reason: 'local 0.38× SLO' });
  });
});
