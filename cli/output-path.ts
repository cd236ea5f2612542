/**
 * Output paths are checked before any work: otherwise `run --out DIR` fails only after the whole
 * simulation (and may leave a `.NAME.tmp-PID` behind), and a path under /proc makes Node 20's
 * recursive mkdirSync spin forever. A path passes when it is not a directory, its folder exists
 * (or, with `createParents`, its nearest existing ancestor is a directory) and can be written,
 * and it is not on a kernel pseudo-filesystem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.js';

/** Kernel pseudo-filesystems: writing a result there is a mistake, and mkdir -p there can hang. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

export interface OutputPathOptions {
  /** Missing folders between the nearest existing ancestor and the file will be created by the writer. */
  readonly createParents?: boolean;
  /** The file may already exist (it is overwritten or resumed); default true. */
  readonly mayExist?: boolean;
}

/** Why `file` (named by `flag` in the message) cannot be written, or null when it can. */
export function outputPathProblem(file: string, flag: string, o: OutputPathOptions = {}): string | null {
  if (file === '') return `${flag}: empty path`;
  const abs = path.resolve(file);
  const pseudo = PSEUDO_ROOTS.find((r) => abs === r || abs.startsWith(`${r}/`));
  if (pseudo !== undefined) return `${flag} ${file}: ${pseudo} is a kernel pseudo-filesystem, not a place for results`;
  const st = statOrNull(abs);
  if (st !== null) {
    if (st.isDirectory()) return `${flag} ${file}: is a directory; name a file`;
    if (!st.isFile()) return `${flag} ${file}: exists and is not a regular file`;
  }
  let dir = path.dirname(abs);
  let missing = 0;
  for (;;) {
    const d = statOrNull(dir);
    if (d !== null) {
      if (!d.isDirectory()) return `${flag} ${file}: ${dir} is not a directory`;
      break;
    }
    if (lstatError(dir) === 'ENOTDIR') return `${flag} ${file}: a parent of ${dir} is a regular file, not a directory`;
    missing++;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (missing > 0 && o.createParents !== true) return `${flag} ${file}: directory ${path.dirname(abs)} does not exist`;
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    return `${flag} ${file}: directory ${dir} is not writable`;
  }
  if (st !== null) {
    try {
      fs.accessSync(abs, fs.constants.W_OK);
    } catch {
      return `${flag} ${file}: the file is not writable`;
    }
  }
  return null;
}

/** Throws a usage error (exit 2) naming the flag when the path cannot be written. */
export function checkOutputPath(file: string | undefined, flag: string, o: OutputPathOptions = {}): void {
  if (file === undefined) return;
  const problem = outputPathProblem(file, flag, o);
  if (problem !== null) throw new CliError(problem, 2);
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

function lstatError(p: string): string | undefined {
  try {
    fs.lstatSync(p);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
}

/**
 * A folder the command will create or reuse (`testbed up`'s run dir): not a file, not on a pseudo
 * filesystem, and its nearest existing ancestor a writable directory.
 */
export function checkOutputDir(dir: string, what: string): void {
  const abs = path.resolve(dir);
  const st = statOrNull(abs);
  if (st !== null && !st.isDirectory()) throw new CliError(`${what} ${dir}: exists and is not a directory`, 2);
  if (st !== null) {
    const pseudo = PSEUDO_ROOTS.find((r) => abs === r || abs.startsWith(`${r}/`));
    if (pseudo !== undefined) throw new CliError(`${what} ${dir}: ${pseudo} is a kernel pseudo-filesystem`, 2);
    try {
      fs.accessSync(abs, fs.constants.W_OK | fs.constants.X_OK);
    } catch {
      throw new CliError(`${what} ${dir}: not writable`, 2);
    }
    return;
  }
  // Checked as if a file inside it were written with its parents created.
  const problem = outputPathProblem(path.join(abs, 'x'), what, { createParents: true });
  if (problem !== null) throw new CliError(problem.replace(`${path.join(abs, 'x')}: `, `${dir}: `), 2);
}
