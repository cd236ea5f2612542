/** Figures contributed by later subsystems (sweeps, trace replay); each adds its keys here. */
export function extraBenches(log: (msg: string) => void): Record<string, unknown> {
  void log;
  return {};
}
