/**
 * The aggregate decode rate of b sequences started together, over the window where all b decode
 * side by side: from the last sequence's first token (the end of the last prefill) to the first
 * sequence's last token. Outside it the steps are not b-wide decode steps — the first sequences
 * to be admitted decode in steps that also prefill the later ones' prompts (llama.cpp gathers
 * every pending token in one batch), and after the first finish fewer sequences decode — so a
 * rate over each request's whole decode span (first to last token) mixes prefill into decode:
 * on the llama testbed, 4 × 256-token prompts made 4 sequences look 3× slower than one.
 *
 * Steps in the window = the median over sequences of their tokens inside (start, end]; rate =
 * b × steps / (end − start). Token times are on one clock, the agent's (the profiler adds each
 * request's `startedAtS` to its tokens' `agentMs`): a client's clock would see a stream's tokens
 * in bursts when its event loop stalls (one burst made a 2-wide window look 500× too fast on a
 * loaded host). Too short a window (fewer than `minSteps`) gives null.
 */
export function lockstepDecodeRate(tokenTimes: readonly (readonly number[])[], minSteps = 4): number | null {
  if (tokenTimes.length === 0 || tokenTimes.some((t) => t.length === 0)) return null;
  const start = Math.max(...tokenTimes.map((t) => t[0]!));
  const end = Math.min(...tokenTimes.map((t) => t[t.length - 1]!));
  if (!(end > start)) return null;
  const inside = tokenTimes.map((t) => t.filter((x) => x > start && x <= end).length).sort((a, b) => a - b);
  const m = inside.length >> 1;
  const steps = inside.length % 2 === 1 ? inside[m]! : (inside[m - 1]! + inside[m]!) / 2;
  if (steps < minSteps) return null;
  return (tokenTimes.length * steps) / (end - start);
}
