/**
 * YAML text → yaml Document + LineCounter (for file:line:col) + syntax issues. Shared by the
 * scenario loader and the catalog loader.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { ScenarioIssue } from './issues.js';

export interface Parsed { readonly doc: Document; readonly lines: LineCounter; readonly issues: ScenarioIssue[] }

export function parseYaml(text: string, file: string): Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues = [...doc.errors, ...doc.warnings].map((e): ScenarioIssue => {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    const firstLine = e.message.split('\n')[0] ?? e.message;
    return { file, line: pos.line, col: pos.col, path: '', message: `YAML syntax: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}` };
  });
  if (issues.length === 0 && (doc.contents === null)) {
    issues.push({ file, line: 1, col: 1, path: '', message: 'the file is empty; a scenario is a YAML mapping' });
  }
  return { doc, lines, issues };
}
