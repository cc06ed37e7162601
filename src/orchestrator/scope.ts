// The configuration's reach over inputs, read once per run: include/exclude globs, the size limit and
// whether ignore files count. Every source gets the same Scope, and the orchestrator checks every unit
// against it, so no command can forget a part of the configuration.
import { picomatch } from "../deferred-imports.js";
import type { Scope } from "../sources/source.js";

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
  return {
    includes: include || exclude ? (p) => (!include || include(p)) && !exclude?.(p) : () => true,
    excludesFolder: exclude ? (p) => exclude(p) || exclude(`${p}/`) : () => false,
    ignoreFiles: o.gitignore !== false,
    maxSize,
    oversize: (path, size) => ({ path, reason: `skipped: ${size} bytes is over the maximum file size of ${maxSize}`, incomplete: false }),
  };
}
