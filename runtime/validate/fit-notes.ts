/**
 * How well the simulated step cost reproduces the rows it was fitted on: per LLM service, each
 * measured row (mean over the profiles of the run) against the calibrated cost's prediction —
 * prefill p / prefill(p), decode b / step(0, b, b·(p + out/2)), as the engine runs them
 * (sim/models/perf.ts, LlmStagePerf). A model is a claim about hardware: its error is printed.
 */
import type { ProfileRow, Scenario } from '../../scenarios/index.js';
import { LlmStagePerf } from '../../sim/index.js';

const DEFAULT_OUTPUT = 16;

/** One note per LLM service with rows: median and worst |error| and each row's figures. */
export function stepCostFitNotes(scenario: Scenario, profiles: ReadonlyMap<string, readonly ProfileRow[]>): string[] {
  const notes: string[] = [];
  for (const svc of scenario.services) {
    const rows = profiles.get(svc.name);
    if (svc.kind !== 'llm' || rows === undefined || rows.length === 0) continue;
    const byKey = new Map<string, { row: ProfileRow; values: number[]; prefill: boolean }>();
    for (const r of rows) {
      for (const prefill of [true, false]) {
        const v = prefill ? r.prefillTokPerS : r.decodeTokPerS;
        if (v === undefined) continue;
        const key = `${r.deviceType}/${prefill ? 'prefill' : 'decode'}/b${r.batch}/p${r.promptTokens ?? '-'}`;
        const e = byKey.get(key) ?? { row: r, values: [], prefill };
        e.values.push(v);
        byKey.set(key, e);
      }
    }
    const errs: number[] = [];
    const parts: string[] = [];
    for (const [key, e] of byKey) {
      const spec = scenario.devices.find((d) => d.spec.key === e.row.deviceType)?.spec;
      if (spec === undefined) continue;
      const perf = new LlmStagePerf(
        { ...svc.model, profiles: rows.filter((r) => r.deviceType === e.row.deviceType) },
        spec,
        1,
        spec.gpus,
        1,
        undefined,
        svc.framework,
      );
      const p = e.row.promptTokens ?? 64;
      const b = Math.max(1, e.row.batch);
      const ctx = p + (e.row.outputTokens ?? DEFAULT_OUTPUT) / 2;
      const predicted = e.prefill ? p / perf.prefillS(p) : b / perf.iterationS(0, b, b * ctx);
      const measured = e.values.reduce((a, x) => a + x, 0) / e.values.length;
      const err = (predicted - measured) / measured;
      errs.push(Math.abs(err));
      parts.push(`${key.split('/').slice(1).join(' ')} ${measured.toFixed(0)}→${predicted.toFixed(0)} tok/s`);
    }
    if (errs.length === 0) continue;
    const s = [...errs].sort((a, b) => a - b);
    const med = s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    notes.push(
      `${svc.name}: step cost vs its profile rows (measured→simulated, mean over the run): median |error| ${(med * 100).toFixed(1)}%, worst ${(s[s.length - 1]! * 100).toFixed(1)}%: ${parts.join('; ')}`,
    );
  }
  return notes;
}
