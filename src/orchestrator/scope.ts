// The configuration's reach over inputs, read once per run: include/exclude globs, the size limit and
// whether ignore files count. Every source gets the same Scope, and the orchestrator checks every unit
// against it, so no command can forget a part of the configuration.
import { picomatch } from "../deferred-imports.js";
import type { Scope } from "../sources/source.js";
import { KeyfenceError } from "../errors.js";

/** Inputs larger than this are skipped with a notice unless the configuration says otherwise. */
export const DEFAULT_MAX_FILE_SIZE = 50 * 1024 * 1024;

export interface ScopeOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  maxFileSize?: number;
  gitignore?: boolean;
}

export function buildScope(o: ScopeOptions): Scope {
  const include = o.include?.length ? picomatch([...o.include], { dot: true }) : undefined;
  const exclude = o.exclude?.length ? picomatch([...o.exclude], { dot: true }) : undefined;
  const maxSize = o.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  // 0, a negative or a fractional limit would make every file "too large": a usage error.
  if (!Number.isSafeInteger(maxSize) || maxSize < 1) throw new KeyfenceError(`invalid maximum file size ${String(maxSize)} (use a whole number of bytes ≥ 1)`, { subject: "maxFileSize" });
  return {
    includes: include || exclude ? (p) => (!include || include(p)) && !exclude?.(p) : () => true,
    excludesFolder: exclude ? (p) => exclude(p) || exclude(`${p}/`) : () => false,
    ignoreFiles: o.gitignore !== false,
    maxSize,
    // Over the limit a unit is still scanned if it is text (unit-scan.ts); this says one was not.
    oversize: (path, size) => ({ path, reason: `not scanned: ${size} bytes is over the maximum file size of ${maxSize}`, incomplete: true }),
  };
}
