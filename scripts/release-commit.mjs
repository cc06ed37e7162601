#!/usr/bin/env node
// Makes a release commit: HEAD's tree plus the built dist/ (which .gitignore keeps out of branches),
// as a child of HEAD, and tags it. Nothing else changes: no branch moves, the work tree and the index
// are untouched. The GitHub Action, the GitLab template and the pre-commit framework's `language: node`
// hook reference such a tag, so they install only runtime dependencies (`npm ci --omit=dev`) and never
// run a compiler.
//
//   node scripts/release-commit.mjs v0.1.0 [--move v0]   # build, commit, tag (and move a major tag)
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [tag, ...rest] = process.argv.slice(2);
const move = rest[0] === "--move" ? rest[1] : undefined;
if (!tag || !/^v\d+\.\d+\.\d+(-[\w.]+)?$/.test(tag) || (rest.length && !move)) {
  console.error("usage: node scripts/release-commit.mjs vX.Y.Z [--move vX]");
  process.exit(2);
}

function git(args, env = {}) {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`git ${args.join(" ")}: ${r.stderr.trim()}`);
    process.exit(1);
  }
  return r.stdout.trim();
}

if (git(["status", "--porcelain", "--untracked-files=no"])) {
  console.error("the work tree has uncommitted changes; commit them first (the release must be HEAD plus dist/)");
  process.exit(1);
}
const build = spawnSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
if (build.status !== 0) process.exit(build.status ?? 1);

const dir = mkdtempSync(join(tmpdir(), "keyfence-release-"));
const index = { GIT_INDEX_FILE: join(dir, "index") };
try {
  git(["read-tree", "HEAD"], index);
  git(["add", "--force", "--", "dist", ":(exclude)dist/kept-tables"], index);
  const tree = git(["write-tree"], index);
  const head = git(["rev-parse", "HEAD"]);
  const commit = git(["commit-tree", tree, "-p", head, "-m", `Release ${tag}: ${head.slice(0, 12)} with dist/ prebuilt`]);
  git(["tag", "-a", tag, commit, "-m", `keyfence ${tag}`]);
  if (move) git(["tag", "-f", "-a", move, commit, "-m", `keyfence ${move} (now ${tag})`]);
  console.log(`${tag} → ${commit}${move ? ` (and ${move})` : ""}; push with: git push origin ${tag}${move ? ` && git push -f origin ${move}` : ""}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
