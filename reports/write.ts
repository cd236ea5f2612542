/** File edges of the report: read input files, write the page atomically (temp + rename). */
import fs from 'node:fs';
import path from 'node:path';
import { readResultsText, readValidationText } from './read.js';
import type { ReadIssue, ResultEntry, ValidationReport } from './types.js';

/** Reads every input; unreadable files become issues rather than exceptions. */
export function readResultFiles(files: readonly string[]): { entries: ResultEntry[]; issues: ReadIssue[] } {
  const entries: ResultEntry[] = [];
  const issues: ReadIssue[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      issues.push({ source: file, line: 0, message: (err as Error).message });
      continue;
    }
    const out = readResultsText(text, file);
    entries.push(...out.entries);
    issues.push(...out.issues);
  }
  return { entries, issues };
}

export function readValidationFile(file: string): { ok: true; value: ValidationReport } | { ok: false; issues: ReadIssue[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, issues: [{ source: file, line: 0, message: (err as Error).message }] };
  }
  return readValidationText(text, file);
}

/** Writes `html` to `file` via a temp file in the same directory, so readers never see half a page. */
export function writeReport(file: string, html: string): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    fs.writeFileSync(tmp, html);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
