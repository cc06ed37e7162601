// The walk streams (so workers start before the tree is walked) and is synchronous per folder; its
// order must be depth-first in byte order of names, and .gitignore files below the root still apply.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { walkFolder, type SourceNotice } from "../src/sources/files.js";
import { buildScope } from "../src/orchestrator/scope.js";

let root: string;
let gitDir: string;
const files = [
  "a.js", "a/b.js", "a/b/c.js", "a-b/x.js", "a0.txt", "@scope/pkg/index.js", "[brackets]/(parens)/f.js",
  "B.md", "b/z.js", "sub/keep.js", "sub/drop.log", "sub/deep/drop.log", "z/y/x/w.js", ".hidden/h.js",
];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "keyfence-walk-"));
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), "x\n");
  }
  writeFileSync(join(root, "sub", ".gitignore"), "*.log\n");
  writeFileSync(join(root, ".gitignore"), "z/\n");
  // A worktree's .git is a file; it is never scanned, nor is a .git folder below the root. The root is
  // a git work tree (its .git file points at a repository elsewhere), so its .gitignore files apply.
  gitDir = mkdtempSync(join(tmpdir(), "keyfence-walk-git-"));
  execFileSync("git", ["init", "-q", `--separate-git-dir=${gitDir}`, root], { stdio: "ignore" });
  mkdirSync(join(root, "a", ".git"), { recursive: true });
  writeFileSync(join(root, "a", ".git", "config"), "x\n");
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(gitDir, { recursive: true, force: true });
});

/** Depth-first, siblings in byte order: paths compared segment by segment. */
function walkOrder(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = Buffer.compare(Buffer.from(x[i]!), Buffer.from(y[i]!));
    if (c) return c;
  }
  return x.length - y.length;
}

async function walk(gitignore: boolean): Promise<string[]> {
  const notices: SourceNotice[] = [];
  const out: string[] = [];
  for (const e of walkFolder(root, buildScope({ gitignore }), notices)) out.push(e.rel);
  return out;
}

describe("folder walk", () => {
  it("yields files depth-first, siblings in byte order of their names", async () => {
    const got = await walk(false);
    const expected = [...files, "sub/.gitignore", ".gitignore"].sort(walkOrder);
    expect(got).toEqual(expected);
  });

  it("applies the root's and nested .gitignore files", async () => {
    const got = await walk(true);
    expect(got).toContain("sub/keep.js");
    expect(got).not.toContain("sub/drop.log");
    expect(got).not.toContain("sub/deep/drop.log");
    expect(got.some((p) => p.startsWith("z/"))).toBe(false);
    expect(got).toEqual([...got].sort(walkOrder));
  });
});
