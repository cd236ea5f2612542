/** A YAML/JSON mapping (not null, not an array): the shape every scenario and sweep object has. */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
