/**
 * Pipelines over llama.cpp RPC (sim/parallel/rpc-hop.ts): each stage boundary of each step pays
 * three round trips on the path plus the fitted dispatch cost, on top of the hidden-state
 * transfer other frameworks pay; and stages do not overlap at batch > 1 (one graph in flight).
 * Measured through `calibrate` (the closed-loop benchmark of one row), against the formula.
 */
import { describe, expect, it } from 'vitest';
import { builtinCatalog, formatIssues } from '../../scenarios/index.js';
import { calibrate, parseCalibrationRows } from '../../sim/index.js';
import { RPC_ROUND_TRIPS, RPC_STAGE_S, rpcHopS } from '../../sim/parallel/rpc-hop.js';

const C = builtinCatalog();
const HEAD =
  'device_key,model_key,nodes,parallelism,link_key,batch,prompt_tokens,output_tokens,prefill_tok_s,decode_tok_s,framework';

function decode(nodes: number, framework: string, batch = 1, link = '10gbe'): number {
  const par = nodes === 1 ? 'none' : 'pp';
  const rows = parseCalibrationRows(
    `${HEAD}\nrtx-3090,llama-2-13b-q4,${nodes},${par},${nodes === 1 ? '' : link},${batch},64,32,,1,${framework}\n`,
    'T.csv',
    C,
  );
  if (!rows.ok) throw new Error(formatIssues(rows.issues));
  const rep = calibrate(rows.value, C, 'T.csv');
  if (rep.rows.length === 0) throw new Error(JSON.stringify(rep.unexpressible));
  return rep.rows[0]!.simulated;
}

describe('pipeline › llama.cpp RPC hops', () => {
  it('rpc hop › formula › three round trips of the path plus the dispatch cost', () => {
    expect(rpcHopS(0.1e-3)).toBeCloseTo(RPC_ROUND_TRIPS * 2 * 0.1e-3 + RPC_STAGE_S, 15);
    expect(RPC_ROUND_TRIPS).toBe(3);
  });

  it('rpc hop › per token, each boundary adds hop_rpc under llama.cpp and nothing more under generic', () => {
    // Two devices through one switch over 10GbE: path 2 × 50 µs one-way.
    const hop = rpcHopS(2 * 0.05e-3);
    for (const nodes of [2, 4]) {
      const extraLlama = 1 / decode(nodes, 'llama.cpp') - 1 / decode(1, 'llama.cpp');
      const extraGeneric = 1 / decode(nodes, 'generic') - 1 / decode(1, 'generic');
      // The generic pipeline pays only hidden-state transfers (tens of µs per boundary).
      expect(extraGeneric).toBeLessThan(0.5e-3 * (nodes - 1));
      expect(extraLlama - extraGeneric).toBeCloseTo((nodes - 1) * hop, 4);
    }
  });

  it('rpc hop › a slower path costs more round trips: Wi-Fi hops cost 6 × 2 ms more than 10GbE ones', () => {
    const wifi = 1 / decode(2, 'llama.cpp', 1, 'wifi5');
    const gbe = 1 / decode(2, 'llama.cpp', 1, '10gbe');
    const wifiGeneric = 1 / decode(2, 'generic', 1, 'wifi5');
    const gbeGeneric = 1 / decode(2, 'generic', 1, '10gbe');
    expect(wifi - gbe - (wifiGeneric - gbeGeneric)).toBeCloseTo(rpcHopS(4e-3) - rpcHopS(0.1e-3), 4);
  });

  it('rpc hop › batch 4 on 4 stages › one graph in flight under llama.cpp; micro-batches (each reading the weights) under generic', () => {
    const gainLlama = decode(4, 'llama.cpp', 4) / decode(4, 'llama.cpp', 1);
    const gainGeneric = decode(4, 'generic', 4) / decode(4, 'generic', 1);
    // Memory-bound decode: a step of 4 sequences costs about one of 1, so the sequential llama.cpp
    // pipeline gains nearly 4× from the batch; the generic one splits it into 4 micro-batches that
    // each read the stage's weights again, (4 + 3) stage steps instead of 4: it gains less.
    expect(gainLlama).toBeGreaterThan(3.5);
    expect(gainLlama).toBeLessThanOrEqual(4);
    expect(gainGeneric).toBeLessThan(gainLlama);
  });
});
