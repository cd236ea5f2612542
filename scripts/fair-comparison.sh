#!/bin/sh
# Reproduces the per-service comparison in docs/policies.md: every policy (defaults) on each
# scenarios/fair/*.yaml scenario, 5 seeds, 600 simulated seconds, plus EPARA without GPU sharing
# (an ablation of the fractional claims). Needs a built dist/ (`npx tsc -b`). Writes
# out/fair-runs.jsonl and prints the per-service tables. On split-70b.yaml the policies that place
# whole models run too: the 70B gets no instance there and its requests count as dropped.
set -e
cd "$(dirname "$0")/.."
mkdir -p out
POLICIES='epara;epara:gpu_sharing=false;edgeshard-latency;edgeshard-throughput;adaptive-split;cloud-edge-opt;cloud-edge-even;edge-solo;device-group;least-loaded;round-robin;power-of-two'
: > out/fair-runs.jsonl.tmp
for s in edge-site edge-cloud factory split-70b; do
  node scripts/compare-policies.mjs run "scenarios/fair/$s.yaml" 1,2,3,4,5 "$POLICIES" >> out/fair-runs.jsonl.tmp
done
mv out/fair-runs.jsonl.tmp out/fair-runs.jsonl
node scripts/compare-policies.mjs lowest < out/fair-runs.jsonl
node scripts/compare-policies.mjs services < out/fair-runs.jsonl
