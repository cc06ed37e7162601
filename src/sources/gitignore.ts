// .gitignore semantics for the walker: one `ignore` matcher per folder that has a .gitignore (plus
// .git/info/exclude at the root), each consulted with paths relative to its own folder. The walker
// prunes ignored folders, so a path is only ever checked against the matchers above it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Ignore } from "ignore";
import { ignore } from "../deferred-imports.js";

export interface IgnoreLayer {
  /** Folder (posix, relative to the walk root; "" for the root) whose .gitignore this is. */
  base: string;
  matcher: Ignore;
}

function readLines(file: string): string[] | undefined {
  try {
    return readFileSync(file, "utf8").split(/\r?\n/);
  } catch {
    return undefined;
  }
}

/** The layer for folder `base`, or undefined when it has no ignore file. */
export function ignoreLayerFor(root: string, base: string, isRoot: boolean): IgnoreLayer | undefined {
  const lines = readLines(join(root, base, ".gitignore")) ?? [];
  if (isRoot) lines.push(...(readLines(join(root, ".git", "info", "exclude")) ?? []));
  return lines.some((l) => l.trim() && !l.startsWith("#")) ? { base, matcher: ignore().add(lines) } : undefined;
}

/** True when any layer ignores `rel` (posix, relative to the walk root). */
export function isIgnored(layers: readonly IgnoreLayer[], rel: string, isDir: boolean): boolean {
  for (const { base, matcher } of layers) {
    const local = base ? rel.slice(base.length + 1) : rel;
    if (matcher.ignores(isDir ? `${local}/` : local)) return true;
  }
  return false;
}
