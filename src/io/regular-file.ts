// Inputs that must be files — configuration, `extends`, rule packs, baselines, saved reports, the CI
// event payload — are read only when they are regular files. A FIFO or /dev/zero named there would
// otherwise block on open or read forever. The file is opened non-blocking and checked on its
// descriptor, so nothing can swap it between the check and the read.
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { KeyfenceError, displayPath } from "../errors.js";

const KINDS: [(s: import("node:fs").Stats) => boolean, string][] = [
  [(s) => s.isDirectory(), "a folder"],
  [(s) => s.isFIFO(), "a FIFO (named pipe)"],
  [(s) => s.isCharacterDevice(), "a character device"],
  [(s) => s.isBlockDevice(), "a block device"],
  [(s) => s.isSocket(), "a socket"],
];

/** What a non-regular file is, in words. */
export function kindOf(stats: import("node:fs").Stats): string {
  return KINDS.find(([is]) => is(stats))?.[1] ?? "not a regular file";
}

/**
 * The bytes of `file` when it is a regular file (symbolic links followed); a KeyfenceError naming it
 * otherwise. `what` says what the file was meant to be ("configuration", "baseline", …).
 */
export function readRegularFile(file: string, what: string): Buffer {
  const shown = displayPath(file);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyfenceError(code === "ENOENT" ? "file not found" : `cannot read ${what} (${code ?? "error"})`, { file: shown });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new KeyfenceError(`${what} must be a regular file, not ${kindOf(stats)}`, { file: shown });
    return readFileSync(fd);
  } catch (err) {
    if (err instanceof KeyfenceError) throw err;
    throw new KeyfenceError(`cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? "error"})`, { file: shown });
  } finally {
    closeSync(fd);
  }
}
