// .gitignore semantics for the file walker: exact matching with the `ignore` package for every
// .gitignore in the tree, plus a conservative translation of the root file into fast-glob `ignore`
// globs so that huge ignored folders (node_modules, build output) are pruned instead of walked.
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import type { Ignore } from "ignore";
import { ignore } from "../deferred-imports.js";

export interface IgnoreRules {
  /** True when `rel` (posix, relative to the root) is ignored by some .gitignore above it. */
  ignores(rel: string, isDir?: boolean): boolean;
}

function readLines(file: string): string[] | undefined {
  try {
    return readFileSync(file, "utf8").split(/\r?\n/);
  } catch {
    return undefined;
  }
}

/** Exact matcher over the given .gitignore files (paths relative to root, posix). */
export function gitignoreRules(root: string, gitignoreFiles: readonly string[]): IgnoreRules {
  const byDir = new Map<string, Ignore>();
  for (const rel of gitignoreFiles) {
    const lines = readLines(join(root, rel));
    if (lines) byDir.set(posix.dirname(rel) === "." ? "" : posix.dirname(rel), ignore().add(lines));
  }
  const exclude = readLines(join(root, ".git", "info", "exclude"));
  if (exclude) {
    const base = byDir.get("") ?? ignore();
    byDir.set("", base.add(exclude));
  }
  return {
    ignores(rel: string, isDir = false): boolean {
      const parts = rel.split("/");
      // Any ignored ancestor directory hides everything below it.
      for (let i = 1; i <= parts.length; i++) {
        const sub = parts.slice(0, i).join("/");
        const dirFlag = i < parts.length || isDir;
        for (const [dir, ig] of byDir) {
          if (dir && !(sub === dir || sub.startsWith(dir + "/"))) continue;
          const local = dir ? sub.slice(dir.length + 1) : sub;
          if (!local) continue;
          if (ig.ignores(dirFlag ? local + "/" : local)) return true;
        }
      }
      return false;
    },
  };
}

/**
 * fast-glob `ignore` globs that prune what the root .gitignore certainly ignores. Only used when
 * the file has no negations (a `!` line could re-include something inside a pruned folder).
 */
export function pruningGlobs(root: string): string[] {
  const lines = readLines(join(root, ".gitignore"));
  if (!lines) return [];
  const patterns = lines.map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (patterns.some((p) => p.startsWith("!") || p.includes("\\"))) return [];
  const out: string[] = [];
  for (let p of patterns) {
    const dirOnly = p.endsWith("/");
    p = p.replace(/\/+$/, "");
    if (!p) continue;
    const anchored = p.startsWith("/") || p.includes("/");
    p = p.replace(/^\//, "");
    const base = anchored ? p : `**/${p}`;
    out.push(`${base}/**`);
    if (!dirOnly) out.push(base);
  }
  return out;
}
