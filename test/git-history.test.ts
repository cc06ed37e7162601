// `keyfence history` and scanHistory: all refs, first introduction, presence at HEAD, exposure age,
// progress on a terminal, shallow and partial clones, and a folder that is not a repository.
import { afterAll, describe, expect, it } from "vitest";
import { createScanner } from "../src/scanner.js";
import { scanHistory, type HistoryFinding } from "../src/index.js";
import { positive } from "./helpers/secrets.js";
import { TempRepo, cleanupTempDirs, cli, cliProcess, gitTestEnv, tempDir } from "./helpers/git-repo.js";

afterAll(cleanupTempDirs);

const scanner = createScanner();
const stripe = (salt: string) => positive("stripe-secret-key-live", 0, salt);
const aws = (salt: string) => positive("aws-access-key-id", 0, salt);
const NOW = new Date("2025-03-01T00:00:00Z");

function historyRepo() {
  const repo = TempRepo.init();
  const first = repo.commitFile("config/pay.env", `${stripe("live")}\n`, "add key", "2024-01-20T12:00:00Z");
  // The same key copied elsewhere later: still one credential, first introduced above.
  repo.commitFile("copy/pay.env", `# copy\n${stripe("live")}\n`, "copy key", "2024-06-01T12:00:00Z");
  // A key added then removed: no longer at HEAD, but in history.
  const awsCommit = repo.commitFile("aws.txt", `${aws("gone")}\n`, "aws", "2024-11-01T12:00:00Z");
  repo.git("rm", "-q", "aws.txt");
  repo.commit("remove aws", "2024-11-02T12:00:00Z");
  // A key that lives only on an unmerged branch, and one only reachable from a tag.
  repo.git("checkout", "-q", "-b", "experiment");
  const branchCommit = repo.commitFile("exp.env", `${stripe("branch")}\n`, "experiment", "2025-02-20T12:00:00Z");
  repo.git("checkout", "-q", "main");
  repo.git("checkout", "-q", "-b", "release");
  const tagCommit = repo.commitFile("release.env", `${stripe("tag")}\n`, "release", "2025-01-10T12:00:00Z");
  repo.git("tag", "v1.0");
  repo.git("checkout", "-q", "main");
  repo.git("branch", "-D", "-q", "release");
  return { repo, first, awsCommit, branchCommit, tagCommit };
}

async function collect(repo: TempRepo): Promise<HistoryFinding[]> {
  const out: HistoryFinding[] = [];
  for await (const f of scanHistory(scanner, { cwd: repo.dir, env: repo.env, now: NOW })) out.push(f);
  return out;
}

describe("keyfence history", () => {
  it("reports each credential once, at the commit that first added it, with presence at HEAD and exposure", async () => {
    const { repo, first, awsCommit, branchCommit, tagCommit } = historyRepo();
    const found = await collect(repo);
    const by = Object.fromEntries(found.map((f) => [f.path, f]));
    expect(Object.keys(by).sort()).toEqual(["aws.txt", "config/pay.env", "exp.env", "release.env"]);
    expect(by["config/pay.env"]).toMatchObject({ commit: first, author: "Ada Dev <ada@example.test>", date: "2024-01-20T12:00:00+00:00" });
    expect(by["config/pay.env"]!.exposure).toEqual({ days: 405, rotateDays: 30, overdueDays: 375, presentAtHead: true, occurrences: 2 });
    expect(by["config/pay.env"]!.remediation).toMatch(/^Exposed 405 days; critical credentials must be rotated within 30; still present at HEAD\. Rotate it now \(375 days overdue\)/);
    expect(by["aws.txt"]).toMatchObject({ commit: awsCommit, exposure: { presentAtHead: false, rotateDays: 90, days: 119, overdueDays: 29 } });
    expect(by["exp.env"]).toMatchObject({ commit: branchCommit, exposure: { presentAtHead: false, days: 8, overdueDays: 0 } });
    expect(by["exp.env"]!.remediation).toContain("Rotate it within 22 more days");
    expect(by["release.env"]).toMatchObject({ commit: tagCommit, exposure: { presentAtHead: false } });
    // Most urgent first: critical before medium, then the most overdue.
    expect(found.map((f) => f.path)).toEqual(["config/pay.env", "release.env", "exp.env", "aws.txt"]);
  });

  it("prints the exposure sentence and commit in text, and exposure fields in JSON", async () => {
    const { repo } = historyRepo();
    const text = await cli(["history"], repo.dir, repo.env);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/config\/pay\.env:1:\d+ +CRITICAL .*\(commit [0-9a-f]{12} by Ada Dev <ada@example.test>, 2024-01-20\)/);
    expect(text.stdout).toMatch(/Exposed \d+ days; critical credentials must be rotated within 30; still present at HEAD/);
    const json = await cli(["history", "--format", "json"], repo.dir, repo.env);
    const doc = JSON.parse(json.stdout);
    expect(doc.findings).toHaveLength(4);
    expect(doc.findings[0].exposure).toMatchObject({ rotateDays: 30, presentAtHead: true, occurrences: 2 });
  });

  it("shows progress on a terminal only, on stderr", async () => {
    const { repo } = historyRepo();
    const local = Object.fromEntries(Object.entries(repo.env).filter(([k]) => !/^(CI|GITHUB_|GITLAB_|TF_BUILD|BITBUCKET_|JENKINS_URL|CIRCLE)/.test(k)));
    const tty = await cli(["history", "--format", "json"], repo.dir, local, true);
    // A line redrawn in place (commits against their total) and cleared before the report.
    expect(tty.stderr).toMatch(/^\r\x1b\[Kkeyfence history: \d\/6 commits \(\d+%\)/);
    expect(tty.stderr.endsWith("\r\x1b[K")).toBe(true);
    JSON.parse(tty.stdout);
    const pipe = await cli(["history", "--format", "json"], repo.dir, repo.env, false);
    expect(pipe.stderr).toBe("");
  });

  it("warns about a shallow clone and still scans what is there", async () => {
    const { repo } = historyRepo();
    const clone = tempDir("kf-shallow-");
    repo.git("clone", "-q", "--depth", "1", `file://${repo.dir}`, clone);
    const r = cliProcess(["history", "--format", "json"], clone, repo.env);
    expect(r.stderr).toContain("warning");
    expect(r.stderr).toContain("shallow clone");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: HistoryFinding) => f.path)).toContain("config/pay.env");
  });

  it("warns about a partial clone, never fetches, and marks the scan incomplete instead of crashing", async () => {
    const { repo } = historyRepo();
    repo.git("config", "uploadpack.allowFilter", "true");
    const clone = tempDir("kf-partial-");
    repo.git("clone", "-q", "--no-local", "--filter=blob:none", `file://${repo.dir}`, clone);
    const r = cliProcess(["history", "--format", "json"], clone, repo.env);
    expect(r.stderr).toContain("partial clone");
    expect(r.stderr).toMatch(/history incomplete after \d+ commits/);
    expect([1, 2]).toContain(r.code);
    expect(JSON.parse(r.stdout).summary.incomplete).toBe(true);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it("exits 2 with one line outside a repository", async () => {
    const dir = tempDir("kf-nogit-");
    const env = gitTestEnv(tempDir("kf-home-"), { GIT_CEILING_DIRECTORIES: dir.replace(/\/[^/]+$/, "") });
    for (const cmd of [["history"], ["git", "--all"]]) {
      const r = cliProcess(cmd, dir, env);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toEqual([`keyfence: ${dir}: not a git repository (use 'keyfence scan' for plain folders)`]);
    }
  });

  it("works in a bare mirror and in an empty repository", async () => {
    const { repo } = historyRepo();
    const bare = tempDir("kf-bare-");
    repo.git("clone", "-q", "--mirror", repo.dir, bare);
    const r = await cli(["history", "--format", "json"], bare, repo.env);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings).toHaveLength(4);
    // In a bare mirror HEAD is main: the live key is still there.
    expect(doc.findings[0].exposure.presentAtHead).toBe(true);
    const empty = TempRepo.init();
    const e = await cli(["history"], empty.dir, empty.env);
    expect(e.code).toBe(0);
  });
});
