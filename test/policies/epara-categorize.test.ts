/**
 * EPARA's categorizer at its boundaries (policies/epara/categorize.ts): which devices count
 * (alive, with figures, holding the weights), when a service becomes multi-GPU, and when an
 * e2e SLO is loose enough (4× slack) and the demand high enough (above one replica's capacity)
 * for frequency-sensitive. Figures from view-builder (see epara.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { categorize } from '../../policies/epara/categorize.js';
import { device, link, service, view } from './view-builder.js';

const trio = () => [device('gpu0', 'gpu4'), device('orin0', 'orin'), device('pi0', 'pi')];
const trioLinks = [link('gpu0', 's1', 1e10, 0.0001), link('orin0', 's1', 1e9, 0.0002), link('pi0', 's1', 1e9, 0.0002)];

describe('epara › categorize boundaries', () => {
  const v = view({ devices: trio(), links: trioLinks, services: [] });
  it('reason › names the SLO kind and why', () => {
    expect(categorize(v, service('chat')).reason).toBe('token SLO; fits one GPU');
    expect(categorize(v, service('big')).reason).toBe('token SLO; one GPU misses the SLO, tensor parallel meets it');
    expect(categorize(v, service('huge')).reason).toBe('e2e SLO; no single GPU holds the weights');
    expect(categorize(v, service('seg')).reason).toBe('frame SLO; fits one GPU');
  });
  it('token SLO › latency-sensitive even with slack and demand that would make an e2e SLO loose', () => {
    // One GPU of gpu0 is at ≈ 0.22 of chat's TPOT bound (4× slack) and 50 req/s exceed its ≈ 4.5.
    expect(categorize(v, service('chat', { demandRps: 50 })).category.sensitivity).toBe('latency');
  });
  it('weights › over 0.9 of the memory › does not count as fitting (60 GB on a 64 GB orin)', () => {
    const m = service('chat', { model: { ...service('chat').model, weightBytes: 60e9 } });
    const solo = view({ devices: [device('orin0', 'orin')], services: [] });
    expect(categorize(solo, m).reason).toBe('token SLO; no single GPU holds the weights');
  });
  it('e2e › a single-GPU service is judged by its one-GPU replica, not the TP box', () => {
    // gpu0 alone: one GPU ≈ 2.85 s (ratio 0.36 of 8 s: not 4× loose), TP4 ≈ 0.88 s (would be).
    const solo = view({ devices: [device('gpu0', 'gpu4')], services: [] });
    const r = categorize(solo, service('chat', { slo: { kind: 'e2e', e2eS: 8 }, demandRps: 10 }));
    expect(r.category).toEqual({ sensitivity: 'latency', gpus: 'single' });
  });
  it('weights › exactly 0.9 of one GPU › fits it (single)', () => {
    const o = device('orin0', 'orin');
    const m = service('chat', { model: { ...service('chat').model, weightBytes: 1 * o.memoryBytesPerGpu * 0.9 } });
    expect(categorize(view({ devices: [o], services: [] }), m).reason).toBe('token SLO; fits one GPU');
  });
  it('best replica › the better device listed later still wins', () => {
    // orin first (e2e ≈ 4.9 s), gpu0 second (≈ 2.85 s on one GPU): a 12 s SLO is 4× loose only for gpu0.
    const ds = [device('orin0', 'orin'), device('gpu0', 'gpu4')];
    const s = service('chat', { slo: { kind: 'e2e', e2eS: 12 }, demandRps: 20 });
    expect(categorize(view({ devices: ds, services: [] }), s).category.sensitivity).toBe('frequency');
  });
  it('multi-GPU › only when tensor parallel meets the SLO: both missing › single', () => {
    const tight = service('big', { slo: { kind: 'token', ttftS: 2, tpotS: 0.001 } });
    expect(categorize(v, tight).category.gpus).toBe('single');
  });
  it('multi-GPU › the TP box dead › single (the 64 GB orin holds it and nothing better is alive)', () => {
    const devices = trio().map((d) => (d.id === 'gpu0' ? { ...d, alive: false } : d));
    expect(categorize(view({ devices, links: trioLinks, services: [] }), service('big')).category.gpus).toBe('single');
  });
  it('multi-GPU › a device without figures does not count, however large', () => {
    // 120 GB would fit this 1 TB board, but the model has no figures for its type.
    const devices = [...trio(), device('f', 'fpga', { memoryBytesPerGpu: 1e12 })];
    expect(categorize(view({ devices, links: trioLinks, services: [] }), service('huge')).category.gpus).toBe('multi');
  });
  it('multi-GPU › the only device that holds the weights is dead › multi', () => {
    const devices = [device('orin0', 'orin', { alive: false }), device('pi0', 'pi')];
    const r = categorize(view({ devices, services: [] }), service('big', { slo: { kind: 'e2e', e2eS: 1000 } }));
    expect(r.category.gpus).toBe('multi');
  });

  // orin alone, no network: chat's e2e = 512/1500 + 128/28 s; capacity 1 / (512/1500 + 128/112).
  const e2e = 512 / 1500 + 128 / 28;
  const cap = 1 / (512 / 1500 + 128 / 112);
  const solo = view({ devices: [device('orin0', 'orin')], services: [] });
  const chatE2e = (e2eS: number, demandRps: number) => service('chat', { slo: { kind: 'e2e', e2eS }, demandRps });
  it('e2e › SLO exactly 4× the unloaded latency and demand above one replica › frequency', () => {
    expect(categorize(solo, chatE2e(4 * e2e, 1)).category.sensitivity).toBe('frequency');
  });
  it('e2e › slack just under 4× › latency', () => {
    expect(categorize(solo, chatE2e(3.99 * e2e, 1)).category.sensitivity).toBe('latency');
  });
  it('e2e › demand exactly one replica’s capacity › latency (volume must exceed it)', () => {
    expect(categorize(solo, chatE2e(10 * e2e, cap)).category.sensitivity).toBe('latency');
    expect(categorize(solo, chatE2e(10 * e2e, cap * 1.01)).category.sensitivity).toBe('frequency');
  });
  it('e2e › multi-GPU service › judged by the tensor-parallel replica', () => {
    // big: one orin ≈ 44 s unloaded misses a 20 s SLO; gpu0 at TP4 ≈ 4.4 s meets it with 4.5×
    // slack, and 5 req/s exceeds its ≈ 2.9 req/s: frequency. Judged by the orin, it would not be.
    const big = service('big', { slo: { kind: 'e2e', e2eS: 20 }, demandRps: 5 });
    expect(categorize(v, big).category).toEqual({ sensitivity: 'frequency', gpus: 'multi' });
    expect(categorize(v, { ...big, demandRps: 2 }).category.sensitivity).toBe('latency');
  });
  it('e2e › no single box holds the model › latency whatever the slack', () => {
    const huge = service('huge', { slo: { kind: 'e2e', e2eS: 1e6 }, demandRps: 100 });
    expect(categorize(v, huge).category).toEqual({ sensitivity: 'latency', gpus: 'multi' });
  });
});
