// Builds git repositories quickly for benchmarks: one `git fast-import` process per repository
// instead of several git commands per commit.
import { spawnSync } from "node:child_process";

export const BENCH_GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.test",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.test",
};

/**
 * Appends `commits` to `branch` of the repository at `dir` (created bare or not beforehand):
 * each commit is { files: { path: content }, message, date (seconds) }.
 */
export function fastImport(dir, branch, commits, { from } = {}) {
  const parts = [];
  let mark = 0;
  commits.forEach((c, i) => {
    const m = ++mark;
    const msg = Buffer.from(c.message);
    parts.push(`commit refs/heads/${branch}\nmark :${m}\ncommitter Bench <bench@example.test> ${c.date} +0000\ndata ${msg.length}\n`, msg, "\n");
    if (i === 0 && from) parts.push(`from ${from}\n`);
    for (const [path, content] of Object.entries(c.files)) {
      const data = Buffer.from(content);
      parts.push(`M 100644 inline ${path}\ndata ${data.length}\n`, data, "\n");
    }
    parts.push("\n");
  });
  const input = Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
  const r = spawnSync("git", ["fast-import", "--quiet", "--done"], { cwd: dir, env: BENCH_GIT_ENV, input: Buffer.concat([input, Buffer.from("done\n")]), maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
}

/** A small deterministic random source (the benchmark's corpus is the same on every run). */
export function seeded(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
