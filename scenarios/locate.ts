/**
 * Maps a YAML path (`services[1].slo.ttft_s`) to line:column in the source text, using the node
 * ranges of a `yaml` Document and its LineCounter. A path that does not exist (a missing key)
 * resolves to the deepest node that does, which is where the user has to add it.
 */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

export interface Position {
  readonly line: number;
  readonly col: number;
}

export type Locator = (path: readonly PropertyKey[], atKey?: boolean) => Position;

/** Positions are 0:0 when there is no source text (objects built or overridden in code). */
export const NO_POSITION: Locator = () => ({ line: 0, col: 0 });

export function yamlLocator(doc: Document, lines: LineCounter): Locator {
  const at = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, col: p.col };
  };
  return (path, atKey = false) => {
    let node: unknown = doc.contents;
    let best = (node as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (pair === undefined) break;
        const keyNode = pair.key as Node;
        if (atKey && i === path.length - 1) return at(keyNode.range?.[0] ?? best);
        node = pair.value;
        const valueStart = (node as Node | null)?.range?.[0];
        best = valueStart ?? keyNode.range?.[0] ?? best;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        node = item;
        best = (item as Node).range?.[0] ?? best;
      } else {
        break;
      }
    }
    return at(best);
  };
}
