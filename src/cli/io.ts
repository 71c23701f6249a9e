// File I/O for the CLI: `-` means stdin/stdout, and output files are replaced
// atomically so a failed run never leaves a partial ruleset behind.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import path from 'node:path';
export { describeIoError } from '../diagnostics.js';

const STDOUT_NAMES = new Set(['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']);
const STDERR_NAMES = new Set(['/dev/stderr', '/dev/fd/2', '/proc/self/fd/2']);

export function readInput(file: string): string {
  return decodeText(file === '-' ? readFileSync(0) : readFileSync(file));
}

/**
 * The file's text, read as UTF-8. Dumps are ASCII as a rule: those bytes are
 * copied as they are (latin1, the same characters), which skips UTF-8
 * decoding: a few milliseconds per megabyte.
 */
export function decodeText(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/**
 * Writes `text` to `file`. Regular files (and files that do not exist yet) are
 * written to a temporary file beside them and renamed into place; special files
 * such as /dev/stdout or a FIFO are written directly, never replaced.
 */
export function writeOutput(file: string, text: string): void {
  // Our own stdout/stderr by name: write to the stream (opening /dev/stdout fails when it is a socket).
  if (file === '-' || STDOUT_NAMES.has(file)) {
    process.stdout.write(text);
    return;
  }
  if (STDERR_NAMES.has(file)) {
    process.stderr.write(text);
    return;
  }
  let special = false;
  try {
    special = !statSync(file).isFile();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (special) {
    writeFileSync(file, text);
    return;
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the temporary file may not exist */
    }
    throw e;
  }
}

