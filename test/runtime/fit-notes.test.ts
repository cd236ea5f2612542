/**
 * validate's step-cost note (runtime/validate/fit-notes.ts): each measured row against the
 * calibrated cost's prediction, as the engine runs it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, type ProfileRow } from '../../scenarios/index.js';
import { LlmStagePerf } from '../../sim/index.js';
import { stepCostFitNotes } from '../../runtime/validate/fit-notes.js';

const FILE = path.resolve(import.meta.dirname, '../../scenarios/testbed/llama-cpu-scenario.yaml');

describe('step cost fit notes', () => {
  const loaded = loadScenario(FILE);
  if (!loaded.ok) throw new Error('scenario');
  const sc = loaded.value;
  const chat = sc.services.find((s) => s.name === 'chat')!;
  const spec = sc.devices[0]!.spec;

  it('fit notes › an LLM service with rows › one note, each row with its measured rate', () => {
    const perf = new LlmStagePerf(chat.model, spec, 1, 1, 1);
    const exact: ProfileRow[] = [
      { deviceType: spec.key, batch: 1, promptTokens: 64, prefillTokPerS: 64 / perf.prefillS(64), source: 't' },
      {
        deviceType: spec.key,
        batch: 2,
        promptTokens: 64,
        outputTokens: 16,
        decodeTokPerS: 2 / perf.iterationS(0, 2, 2 * 72),
        source: 't',
      },
    ];
    const notes = stepCostFitNotes(sc, new Map([['chat', exact]]));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^chat: step cost vs its profile rows/);
    expect(notes[0]).toContain(`prefill b1 p64 ${exact[0]!.prefillTokPerS!.toFixed(0)}→`);
    expect(notes[0]).toContain(`decode b2 p64 ${exact[1]!.decodeTokPerS!.toFixed(0)}→`);
    // No rows, or a segmentation service only: no note.
    expect(stepCostFitNotes(sc, new Map())).toEqual([]);
    expect(stepCostFitNotes(sc, new Map([['cameras', exact]]))).toEqual([]);
  });

  it('fit notes › the worst row is named by its error', () => {
    const rows = chat.model.profiles.filter((r) => r.deviceType === spec.key);
    const notes = stepCostFitNotes(sc, new Map([['chat', rows]]));
    const m = /median \|error\| ([\d.]+)%, worst ([\d.]+)%/.exec(notes[0]!);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThanOrEqual(Number(m![1]));
  });
});
