// git's output read on a thread of its own (src/sources/git/drained-git.ts): byte for byte what the
// pipe gives, in order, whatever the hand-over limit; stopped on request; failures as startGit's.
import { afterAll, describe, expect, it } from "vitest";
import { startDrainedGit } from "../src/sources/git/drained-git.js";
import { startGit } from "../src/sources/git/process.js";
import { KeyfenceError } from "../src/errors.js";
import { cleanupTempDirs, TempRepo, tempDir } from "./helpers/git-repo.js";

afterAll(cleanupTempDirs);

async function collect(stdout: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stdout) parts.push(c);
  return Buffer.concat(parts);
}

function repoWithHistory(): TempRepo {
  const repo = TempRepo.init();
  for (let i = 0; i < 12; i++) {
    // Enough output to fill several pipe buffers and hand-over blocks.
    const lines = Array.from({ length: 4000 }, (_, n) => `line ${i} ${n} ${"x".repeat(n % 50)}`).join("\n");
    repo.commitFile(`file-${i % 3}.txt`, `${lines}\n`, `commit ${i}`);
  }
  return repo;
}

describe("startDrainedGit", () => {
  const repo = repoWithHistory();
  const args = ["log", "-p", "--all", "--format=%H %s"];

  it("gives the bytes the pipe gives, in order, whatever the hand-over limit", async () => {
    const piped = startGit(args, { cwd: repo.dir, env: repo.env });
    piped.child.stdin.end();
    const expected = await collect(piped.stdout);
    expect(expected.length).toBeGreaterThan(1024 * 1024);
    for (const highWater of [1, 64 * 1024, 64 * 1024 * 1024]) {
      const drained = startDrainedGit(args, { cwd: repo.dir, env: repo.env }, highWater);
      const got = await collect(drained.stdout);
      expect(got.equals(expected)).toBe(true);
      expect((await drained.done).code).toBe(0);
    }
  });

  it("stops git when the reader stops early, and never hangs", async () => {
    const drained = startDrainedGit(args, { cwd: repo.dir, env: repo.env }, 64 * 1024);
    for await (const chunk of drained.stdout) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    const { code } = await drained.done;
    // Killed (SIGTERM, or SIGPIPE once its reader is gone) or, if it had already written everything, done.
    expect([0, 128, 141, 143]).toContain(code);
  });

  it("reports git's failure with its stderr", async () => {
    const drained = startDrainedGit(["log", "--no-such-option"], { cwd: repo.dir, env: repo.env });
    expect((await collect(drained.stdout)).length).toBe(0);
    const { code, stderr } = await drained.done;
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/no-such-option/);
  });

  it("names a missing working folder as startGit does", async () => {
    const missing = `${tempDir()}/gone`;
    const drained = startDrainedGit(["log"], { cwd: missing });
    const err = await collect(drained.stdout).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KeyfenceError);
    expect(String((err as Error).message)).toMatch(/no such folder/);
    await expect(drained.done).rejects.toBeInstanceOf(KeyfenceError);
  });
});
