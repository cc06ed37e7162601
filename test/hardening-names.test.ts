// File names with spaces, quotes, newlines, leading dashes, backslashes and non-ASCII characters, in
// every source: files, staged, a commit range and the history. Paths come out exactly as written.
import { afterAll, describe, expect, it } from "vitest";
import { TempRepo, cleanupTempDirs, cli } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";

afterAll(cleanupTempDirs);

const NAMES = ["with space.env", 'quo"te.env', "new\nline.env", "-leading-dash.env", "back\\slash.env", "ünïcødé/ключ.env", "tab\there.env", "#hash?.env"];

async function paths(args: string[], repo: TempRepo): Promise<string[]> {
  const r = await cli([...args, "--format", "json"], repo.dir, repo.env);
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(1);
  return (JSON.parse(r.stdout).findings as { path: string; ruleId: string }[]).filter((f) => f.ruleId === "stripe-secret-key-live").map((f) => f.path).sort();
}

describe("odd file names in every source", () => {
  const repo = TempRepo.init();
  repo.commitFile("README.md", "hi\n");
  NAMES.forEach((n, i) => repo.write(n, `${positive("stripe-secret-key-live", 0, `#name${i}`)}\n`));
  repo.git("add", "--", ".");
  const expected = [...NAMES].sort();

  it("files", async () => expect(await paths(["scan", "."], repo)).toEqual(expected));
  it("staged", async () => expect(await paths(["staged"], repo)).toEqual(expected));
  it("commit range and history", async () => {
    repo.commit("odd names");
    expect(await paths(["git", "--range", "HEAD~1..HEAD"], repo)).toEqual(expected);
    expect(await paths(["history"], repo)).toEqual(expected);
  });
});
