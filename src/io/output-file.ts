// Where reports go. A new or regular file is written atomically (a temporary file in the same folder,
// then a rename), so a crash or a full disk never leaves a half-written SARIF for CI to upload. Anything
// else — a device (/dev/full, /dev/null), a FIFO, a symbolic link such as /dev/stdout — is written in
// place and never replaced: renaming over /dev/stdout or a device node would break every later step of
// a CI job. A report holding raw secrets (--show-secrets) is created readable by its owner only.
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { KeyfenceError } from "../errors.js";

export interface OutputOptions {
  /** The content holds raw secret values: mode 600, whatever the umask. */
  secret?: boolean;
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * The descriptor a name for the process's own streams stands for. It is written to directly: opening
 * /proc/self/fd/1 fails when it is a socket (as under many CI runners), and a new open of a file the
 * shell opened with `>>` would start at its beginning.
 */
function ownStream(target: string): number | undefined {
  if (target === "/dev/stdout") return 1;
  if (target === "/dev/stderr") return 2;
  const m = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d+)$/.exec(target);
  return m ? Number(m[1]) : undefined;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Every byte to `fd`; a non-blocking pipe that is full is waited on, not treated as an error. */
function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      Atomics.wait(sleeper, 0, 0, 5);
    }
  }
}

function writeInPlace(target: string, bytes: Buffer, options: OutputOptions, flags: number): void {
  // Non-blocking open: a FIFO nobody reads is an error (ENXIO), not a hang.
  const fd = openSync(target, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK | flags, options.secret ? 0o600 : 0o644);
  try {
    if (options.secret && fstatSync(fd).isFile()) fchmodSync(fd, 0o600);
    writeAll(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

function writeReplacing(target: string, content: string, options: OutputOptions): void {
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    mkdirSync(dirname(target), { recursive: true });
    const mode = options.secret ? 0o600 : 0o644;
    writeFileSync(tmp, content, { mode, flag: "wx" });
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Writes a report to `file`: atomically onto a new or regular file, in place onto anything else. */
export function writeFileAtomic(file: string, content: string, cwd: string, options: OutputOptions = {}): void {
  const target = resolve(cwd, file);
  try {
    const existing = lstatOrUndefined(target);
    if (!existing || existing.isFile()) writeReplacing(target, content, options);
    else if (existing.isDirectory()) throw Object.assign(new Error("is a folder"), { code: "EISDIR" });
    else if (ownStream(target) !== undefined) writeAll(ownStream(target)!, Buffer.from(content));
    else writeInPlace(target, Buffer.from(content), options, existing.isSymbolicLink() ? constants.O_TRUNC : 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENXIO" ? "a FIFO with no reader" : code === "ENOSPC" ? "no space left (ENOSPC)" : (code ?? "error");
    throw new KeyfenceError(`cannot write output (${why})`, { file });
  }
}

/**
 * Appends to a log-like file (audit log, step summary), created with `mode` when new. Refuses anything
 * but a regular file or a character device, so a FIFO cannot stall the run.
 */
export function appendToFile(file: string, content: string, cwd: string, what: string, mode = 0o644): void {
  const target = resolve(cwd, file);
  let fd: number | undefined;
  try {
    mkdirSync(dirname(target), { recursive: true });
    fd = openSync(target, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOCTTY | constants.O_NONBLOCK, mode);
    const stats = fstatSync(fd);
    if (!stats.isFile() && !stats.isCharacterDevice()) throw Object.assign(new Error("not a regular file"), { code: "not a regular file" });
    writeAll(fd, Buffer.from(content));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyfenceError(`cannot append to the ${what} (${code === "ENXIO" ? "a FIFO with no reader" : (code ?? "error")})`, { file });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
