// Fail closed around git: no git on PATH, not a repository, a corrupt repository, and an internal
// failure (a broken output stream) — always exit 2 with one line, never 0.
import { afterAll, describe, expect, it } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { main } from "../src/cli/main.js";
import { TempRepo, cleanupTempDirs, cli, tempDir } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";

afterAll(cleanupTempDirs);

/** An empty folder as PATH: the CLI runs in-process, so only its git child processes look it up. */
function pathWithoutGit(): string {
  return tempDir("kf-nogit-");
}

describe("git failures fail closed", () => {
  it.each([["staged"], ["git", "--range", "HEAD~1..HEAD"], ["history"], ["ci", "--range", "HEAD~1..HEAD"]])("`%s` without git on PATH: exit 2, one line", async (...args) => {
    const repo = TempRepo.init();
    repo.commitFile("a.txt", "a\n");
    const r = await cli(args as string[], repo.dir, { ...repo.env, PATH: pathWithoutGit() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/git/i);
  });

  it.each([["staged"], ["git", "--range", "HEAD~1..HEAD"], ["history"]])("`%s` outside a repository: exit 2, one line", async (...args) => {
    const dir = tempDir();
    const r = await cli(args as string[], dir, { PATH: process.env.PATH, HOME: dir, GIT_CEILING_DIRECTORIES: dirname(dir) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/not a git repository|no git repository|repository/i);
  });

  it("a corrupt repository (a missing object) is reported, not a crash and not a pass", async () => {
    const repo = TempRepo.init();
    repo.commitFile("a.txt", "a\n");
    repo.commitFile("b.env", `${positive("stripe-secret-key-live", 0, "#corrupt")}\n`);
    // Delete the blob of b.env from the object store.
    const blob = repo.git("rev-parse", "HEAD:b.env").trim();
    rmSync(join(repo.dir, ".git", "objects", blob.slice(0, 2), blob.slice(2)));
    const r = await cli(["history"], repo.dir, repo.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr.length).toBeGreaterThan(0);
  });

  it("a garbage HEAD is an error, not a clean pass", async () => {
    const repo = TempRepo.init();
    repo.commitFile("a.txt", "a\n");
    writeFileSync(join(repo.dir, ".git", "HEAD"), "garbage\n");
    const r = await cli(["git", "--range", "HEAD~1..HEAD"], repo.dir, repo.env);
    expect(r.code).toBe(2);
  });
});

describe("internal failures", () => {
  it("an output stream that fails mid-write is exit 2, never 0", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "x.txt"), "nothing here\n");
    let stderr = "";
    const code = await main(["scan", "."], {
      stdout: {
        write: () => {
          throw Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
        },
      },
      stderr: { write: (s: string) => (stderr += s) },
      stdin: [],
      env: {},
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/internal error: write EPIPE .*nothing was approved/);
  });
});
