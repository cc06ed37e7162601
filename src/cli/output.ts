import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { KeyfenceError } from "../errors.js";

/**
 * Writes a report file atomically: a temporary file in the same folder, then a rename, so a
 * crash or a full disk never leaves a half-written SARIF for CI to upload.
 */
export function writeFileAtomic(file: string, content: string, cwd: string): void {
  const target = resolve(cwd, file);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(tmp, content, { mode: 0o644 });
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new KeyfenceError(`cannot write output (${(err as NodeJS.ErrnoException).code ?? "error"})`, { file });
  }
}
