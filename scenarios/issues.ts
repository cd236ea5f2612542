/**
 * Scenario issues: what is wrong, where (file:line:col and the YAML path), and a hint. Loaders
 * collect every issue instead of stopping at the first, so a user fixes a file in one pass.
 */

export interface ScenarioIssue {
  readonly file: string;
  /** 1-based; 0 when the value has no source position (set programmatically, e.g. by a sweep). */
  readonly line: number;
  readonly col: number;
  /** Dotted YAML path, e.g. `services[1].slo.ttft_s`; '' for the document itself. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

export type LoadResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };

/** `(string | number)[]` → `services[1].slo.ttft_s`. */
export function pathToString(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** One line per issue: `file:line:col: path: message; hint`, in file order. */
export function formatIssues(issues: readonly ScenarioIssue[]): string {
  const sorted = [...issues].sort((x, y) => x.line - y.line || x.col - y.col);
  return sorted
    .map((i) => {
      // Line 0: no source position — the whole file (cannot read it) or a value set in code (sweeps).
      const where =
        i.line > 0 ? `${i.file}:${i.line}:${i.col}` : i.path === '' ? i.file : `${i.file} (set by sweep, no line)`;
      const path = i.path === '' ? '' : ` ${i.path}:`;
      return `${where}:${path} ${i.message}${i.hint !== undefined ? `; ${i.hint}` : ''}`;
    })
    .join('\n');
}

/** Optimal-string-alignment (restricted Damerau–Levenshtein) distance. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** A key's name without its unit suffix (`horizon_min` → `horizon`), for units-in-names hints. */
function stem(key: string): string {
  const i = key.lastIndexOf('_');
  return i > 0 ? key.slice(0, i) : key;
}

/**
 * The closest candidate, or undefined when none is close. A key whose stem matches a candidate's
 * (`horizon_min` vs `horizon_s`) wins outright: the user named the right thing in the wrong unit.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // The edit distance is O(len²) in memory: no name is this long, and a pasted blob must not stall.
  if (word.length > 128) return undefined;
  const w = word.toLowerCase();
  const sameStem = candidates.find((c) => c.includes('_') && stem(c) === stem(w));
  if (sameStem !== undefined) return sameStem;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(w, c.toLowerCase());
    if (dist < bestD) [best, bestD] = [c, dist];
  }
  const limit = Math.max(2, Math.floor(w.length / 3));
  return bestD <= limit ? best : undefined;
}

/** `did you mean "x"?` or the list of valid names when few, else undefined. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const c = closest(word, candidates);
  if (c !== undefined) return `did you mean "${c}"?`;
  if (candidates.length <= 12) return `valid: ${candidates.join(', ')}`;
  return undefined;
}
