/** File edges of the report: read input files, check output paths, write atomically (temp + rename). */
import fs from 'node:fs';
import path from 'node:path';
import { readResultsText, readValidationText } from './read.js';
import type { ReadOutcome } from './read.js';
import type { ReadIssue, ValidationReport } from './types.js';

/** Reads every input; unreadable files become issues rather than exceptions. */
export function readResultFiles(files: readonly string[]): ReadOutcome {
  const out: ReadOutcome = { entries: [], issues: [], capacity: [] };
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      out.issues.push({ source: file, line: 0, message: (err as Error).message });
      continue;
    }
    const r = readResultsText(text, file);
    out.entries.push(...r.entries);
    out.issues.push(...r.issues);
    out.capacity.push(...r.capacity);
  }
  return out;
}

export function readValidationFile(
  file: string,
): { ok: true; value: ValidationReport } | { ok: false; issues: ReadIssue[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, issues: [{ source: file, line: 0, message: (err as Error).message }] };
  }
  return readValidationText(text, file);
}

/**
 * Why `file` cannot be written, or null: its folder must exist and be a folder, and the path must
 * not be a folder itself. Checked before any work so a long report never fails at the end.
 */
export function outputPathProblem(file: string): string | null {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    // Walk up: a regular file on the way means "below a regular file", else the folder is missing.
    for (let d = path.dirname(dir); ; d = path.dirname(d)) {
      try {
        if (fs.statSync(d).isFile()) return `${file}: cannot write below ${d}, which is a regular file`;
        break;
      } catch {
        if (d === path.dirname(d)) break;
      }
    }
    return `${file}: folder ${dir} does not exist`;
  }
  if (!st.isDirectory()) return `${file}: cannot write below ${dir}, which is a regular file`;
  try {
    if (fs.statSync(abs).isDirectory()) return `${file}: is a directory`;
  } catch {
    // does not exist yet: fine
  }
  return null;
}

/** Writes `text` to `file` via a temp file in the same directory, so readers never see half a file. */
export function writeAtomically(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The page (kept under its old name for callers). */
export const writeReport = writeAtomically;
