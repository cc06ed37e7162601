// `keyfence git` and scanGitRange against real git: ranges, add-then-remove, line numbers in the new
// file, merges (side-branch commits vs evil merges, --first-parent), --since, --all, bad ranges.
import { afterAll, describe, expect, it } from "vitest";
import { createScanner } from "../src/scanner.js";
import { scanGitRange } from "../src/index.js";
import { positive } from "./helpers/secrets.js";
import { TempRepo, cleanupTempDirs, cli } from "./helpers/git-repo.js";
import type { Finding } from "../src/types.js";

afterAll(cleanupTempDirs);

const scanner = createScanner();
const stripe = (salt: string) => positive("stripe-secret-key-live", 0, salt);
const aws = (salt: string) => positive("aws-access-key-id", 0, salt);

async function rangeJson(repo: TempRepo, args: string[]) {
  const r = await cli(["git", "--format", "json", ...args], repo.dir, repo.env);
  const findings = r.stdout ? (JSON.parse(r.stdout).findings as Finding[]) : [];
  return { ...r, findings };
}

async function collect(repo: TempRepo, options: Parameters<typeof scanGitRange>[1]): Promise<Finding[]> {
  const out: Finding[] = [];
  for await (const f of scanGitRange(scanner, { cwd: repo.dir, env: repo.env, ...options })) out.push(f);
  return out;
}

describe("keyfence git --range", () => {
  it("reports a secret added and removed inside the range, with commit, author, date and path", async () => {
    const repo = TempRepo.init();
    const base = repo.commitFile("README.md", "# app\n");
    const added = repo.commitFile("src/config.ts", `export const a = 1;\nconst key = "x";\n${stripe("tmp")}\n`, "add config", "2024-02-01T09:30:00Z");
    repo.commitFile("src/config.ts", `export const a = 1;\nconst key = process.env.STRIPE_SECRET_KEY;\n`, "remove key", "2024-02-02T09:30:00Z");
    const r = await rangeJson(repo, ["--range", `${base}..HEAD`]);
    expect(r.code).toBe(1);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ path: "src/config.ts", line: 3, commit: added, author: "Ada Dev <ada@example.test>", date: "2024-02-01T09:30:00Z".replace("Z", "+00:00") });
  });

  it("excludes commits before the range and maps lines of later hunks to the new file", async () => {
    const repo = TempRepo.init();
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
    repo.commitFile("big.txt", lines.join("\n") + "\n" + aws("before") + "\n");
    const base = repo.git("rev-parse", "HEAD").trim();
    const changed = [...lines];
    changed.splice(5, 0, "inserted");
    changed.splice(30, 1, stripe("late-hunk"));
    repo.commitFile("big.txt", changed.join("\n") + "\n" + aws("before") + "\n");
    const r = await rangeJson(repo, ["--range", `${base}..HEAD`]);
    expect(r.findings.map((f) => [f.ruleId, f.line])).toEqual([["stripe-secret-key-live", 31]]);
  });

  it("reports a re-added secret once per fingerprint in the CLI, and every addition through the API", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    const first = repo.commitFile("k.env", `${stripe("again")}\n`);
    repo.commitFile("k.env", "empty\n");
    repo.commitFile("k.env", `# back\n${stripe("again")}\n`);
    const r = await rangeJson(repo, ["--range", "HEAD~3..HEAD"]);
    expect(r.findings.map((f) => f.commit)).toEqual([first]);
    const all = await collect(repo, { range: "HEAD~3..HEAD" });
    expect(all.map((f) => f.line)).toEqual([1, 2]);
  });

  describe("merge commits", () => {
    function mergeRepo() {
      const repo = TempRepo.init();
      const base = repo.commitFile("app.txt", "start\n");
      repo.git("checkout", "-q", "-b", "feature");
      const side = repo.commitFile("feature.env", `${stripe("side")}\n`, "feature work");
      repo.git("checkout", "-q", "main");
      repo.commitFile("app.txt", "start\nmain change\n");
      repo.git("merge", "-q", "--no-ff", "--no-commit", "feature");
      // An "evil merge": content that none of the parents has, added while merging.
      repo.write("merge-fix.env", `${aws("evil")}\n`);
      repo.git("add", "merge-fix.env");
      const merge = repo.commit("merge feature");
      return { repo, base, side, merge };
    }

    it("attribute side-branch lines to the side commit and only new lines to the merge", async () => {
      const { repo, base, side, merge } = mergeRepo();
      const r = await rangeJson(repo, ["--range", `${base}..HEAD`]);
      const by = Object.fromEntries(r.findings.map((f) => [f.path, f.commit]));
      expect(by).toEqual({ "feature.env": side, "merge-fix.env": merge });
    });

    it("with --first-parent attribute the merged branch's content to the merge", async () => {
      const { repo, base, merge } = mergeRepo();
      const r = await rangeJson(repo, ["--range", `${base}..HEAD`, "--first-parent"]);
      expect(r.findings.map((f) => [f.path, f.commit]).sort()).toEqual([
        ["feature.env", merge],
        ["merge-fix.env", merge],
      ]);
    });
  });

  it("supports --since and --all (unmerged branches and tags)", async () => {
    const repo = TempRepo.init();
    repo.commitFile("old.env", `${stripe("old")}\n`, "old", "2020-01-01T00:00:00Z");
    repo.git("checkout", "-q", "-b", "wip");
    repo.commitFile("wip.env", `${stripe("wip")}\n`, "wip");
    repo.git("checkout", "-q", "main");
    // --since alone walks HEAD (main: only the 2020 commit); with --all it reaches the 2024 branch.
    expect((await rangeJson(repo, ["--since", "2019-06-01"])).findings.map((f) => f.path)).toEqual(["old.env"]);
    expect((await rangeJson(repo, ["--since", "2022-01-01"])).findings).toEqual([]);
    expect((await rangeJson(repo, ["--since", "2022-01-01", "--all"])).findings.map((f) => f.path)).toEqual(["wip.env"]);
    const all = await rangeJson(repo, ["--all"]);
    expect(all.findings.map((f) => f.path).sort()).toEqual(["old.env", "wip.env"]);
  });

  it("handles odd file names in patches", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    const names = ["a b.env", 'q"t.env', "nl\nx.env", "-dash.env", "ünï 鍵.env"];
    for (const n of names) repo.write(n, `${stripe(n)}\n`);
    repo.git("add", "--", ...names);
    repo.commit("odd names");
    const r = await rangeJson(repo, ["--range", "HEAD~1..HEAD"]);
    expect(r.findings.map((f) => f.path).sort()).toEqual([...names].sort());
  });

  it("is not thrown off by user git configuration that changes diff and log output", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    const hostile: [string, string][] = [
      ["color.ui", "always"],
      ["color.diff", "always"],
      ["diff.noprefix", "true"],
      ["diff.mnemonicPrefix", "true"],
      ["core.quotePath", "false"],
      ["diff.external", "false"],
      ["log.showSignature", "true"],
      ["diff.relative", "true"],
      ["log.showRoot", "false"],
      ["format.pretty", "oneline"],
    ];
    for (const [k, v] of hostile) repo.git("config", k, v);
    const name = "dir/ünï code.env";
    repo.write(name, `x\n${stripe("hostile")}\n`);
    repo.git("add", "-A");
    const staged = await cli(["staged", "--format", "json"], repo.dir, repo.env);
    expect(JSON.parse(staged.stdout).findings.map((f: Finding) => [f.path, f.line])).toEqual([[name, 2]]);
    repo.commit("hostile");
    const r = await rangeJson(repo, ["--all"]);
    expect(r.findings.map((f) => [f.path, f.line])).toEqual([[name, 2]]);
  });

  it("rejects bad ranges with one line and exit 2", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    for (const range of ["nope..HEAD", "--output=/tmp/x"]) {
      const r = await cli(["git", "--range", range], repo.dir, repo.env);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("--range");
    }
    const none = await cli(["git"], repo.dir, repo.env);
    expect(none.code).toBe(2);
  });
});
