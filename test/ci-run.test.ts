// The "done when", end to end on a real repository: a pull request that adds a live key fails
// with an annotation at the right line and a SARIF report; the same pull request with the finding
// baselined passes. The commit source here is a small stand-in for the git layer's scanGitRange
// (built on another branch): it scans each changed file at the head commit and keeps the findings on
// added lines.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCi, type CiFlags, type RangeScanner } from "../src/ci/run.js";
import { revealSecret } from "../src/engine/secret-store.js";
import { createScanner } from "../src/scanner.js";
import type { CliIO } from "../src/cli/io.js";
import { positive } from "./helpers/secrets.js";
import { runCli } from "./helpers/cli.js";

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", HOME: tmpdir() };
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

const addedLines: RangeScanner = async function* (scanner, { cwd, range, stats }) {
  const [base, head] = range.split("..") as [string, string];
  const diff = git(cwd, "diff", "--unified=0", "--no-renames", base, head);
  const added = new Map<string, Set<number>>();
  let file = "";
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++ b/")) added.set((file = line.slice(6)), new Set());
    const hunk = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk) for (let i = 0; i < Number(hunk[2] ?? 1); i++) added.get(file)!.add(Number(hunk[1]) + i);
  }
  for (const [path, lines] of added) {
    const content = Buffer.from(git(cwd, "show", `${head}:${path}`) + "\n");
    stats.files++;
    stats.bytes += content.length;
    for (const f of scanner.scanBuffer(content, { path, commit: head })) if (lines.has(f.line)) yield f;
  }
};

let root: string;
let origin: string;
let work: string;
let secret: string;
const sha: Record<string, string> = {};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "kf-ci-run-"));
  origin = join(root, "origin");
  execFileSync("git", ["init", "-q", "-b", "main", origin], { env: GIT_ENV });
  mkdirSync(join(origin, "config"));
  writeFileSync(join(origin, "config/payments.env"), "# payments\nCURRENCY=EUR\n");
  git(origin, "add", ".");
  git(origin, "commit", "-q", "-m", "base");
  sha.base = git(origin, "rev-parse", "HEAD");
  git(origin, "checkout", "-q", "-b", "feature");
  const line = positive("stripe-secret-key-live", 0, "#ci-run");
  secret = revealSecret(createScanner().scanBuffer(line, { path: "x" })[0]!)!;
  writeFileSync(join(origin, "config/payments.env"), `# payments\nCURRENCY=EUR\n${line}\n`);
  git(origin, "commit", "-q", "-am", "add key");
  sha.head = git(origin, "rev-parse", "HEAD");
  work = join(root, "work");
  git(root, "clone", "-q", `file://${origin}`, work);
  git(work, "checkout", "-q", sha.head);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function io(cwd: string, env: NodeJS.ProcessEnv) {
  const out = { stdout: "", stderr: "" };
  const cli: CliIO = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    stdin: (async function* () {})(),
    env: { NO_COLOR: "1", ...env },
    cwd,
  };
  return { cli, out };
}

function pullRequestEnv(dir: string): NodeJS.ProcessEnv {
  const event = join(dir, "event.json");
  writeFileSync(event, JSON.stringify({ action: "opened", number: 7, pull_request: { number: 7, base: { sha: sha.base, ref: "main" }, head: { sha: sha.head, ref: "feature" } } }));
  const summary = join(dir, "summary.md");
  return { GITHUB_ACTIONS: "true", GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: event, GITHUB_STEP_SUMMARY: summary };
}

describe("keyfence ci on a pull request", () => {
  it("a new live key fails the run with an annotation at its line, a SARIF file and a step summary", async () => {
    const dir = mkdtempSync(join(root, "run-"));
    const env = pullRequestEnv(dir);
    const { cli, out } = io(work, env);
    const sarifFile = join(dir, "keyfence.sarif");
    const code = await runCi({ sarif: sarifFile, "sarif-category": "keyfence", "fail-on": "medium" } as CiFlags, cli, addedLines);
    expect(code).toBe(1);
    expect(out.stderr).toContain(`keyfence ci: GitHub Actions pull_request #7: commits ${sha.base!.slice(0, 12)}..${sha.head!.slice(0, 12)}`);
    expect(out.stdout).toMatch(/^::error file=config\/payments\.env,line=3,endLine=3,col=19,endColumn=\d+,title=keyfence%3A Stripe live secret key \[stripe-secret-key-live\]::CRITICAL sk_live_/m);
    const sarif = JSON.parse(readFileSync(sarifFile, "utf8")) as { runs: { automationDetails: { id: string }; results: { locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(sarif.runs[0]!.automationDetails.id).toBe("keyfence/");
    expect(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.region.startLine)).toEqual([3]);
    const summary = readFileSync(env.GITHUB_STEP_SUMMARY!, "utf8");
    expect(summary).toContain("| ⛔ blocks | critical | Stripe live secret key");
    for (const text of [out.stdout, out.stderr, readFileSync(sarifFile, "utf8"), summary]) expect(text).not.toContain(secret);
  });

  it("the same pull request with the finding baselined passes", async () => {
    const created = await runCli(["baseline", "create", "config", "--reviewer", "sec-team", "--reason", "test key, revoked", "--ticket", "SEC-7"], { cwd: work });
    expect(created.code).toBe(0);
    const dir = mkdtempSync(join(root, "run-"));
    const { cli, out } = io(work, pullRequestEnv(dir));
    const code = await runCi({ baseline: ".keyfence-baseline.json", sarif: join(dir, "k.sarif") } as CiFlags, cli, addedLines);
    expect(code).toBe(0);
    expect(out.stdout).not.toContain("::error");
    expect(out.stderr).toContain("1 accepted, 0 expired");
    rmSync(join(work, ".keyfence-baseline.json"));
  });

  it("on GitLab it writes gl-secret-detection-report.json and no annotations", async () => {
    const dir = mkdtempSync(join(root, "run-"));
    const { cli, out } = io(work, { GITLAB_CI: "true", CI_PIPELINE_SOURCE: "merge_request_event", CI_MERGE_REQUEST_IID: "3", CI_MERGE_REQUEST_DIFF_BASE_SHA: sha.base, CI_COMMIT_SHA: sha.head });
    const report = join(dir, "gl-secret-detection-report.json");
    expect(await runCi({ "gitlab-report": report } as CiFlags, cli, addedLines)).toBe(1);
    expect(out.stdout).not.toContain("::error");
    const doc = JSON.parse(readFileSync(report, "utf8")) as { vulnerabilities: { location: { file: string; start_line: number; commit: { sha: string } } }[] };
    expect(doc.vulnerabilities.map((v) => v.location)).toEqual([{ file: "config/payments.env", start_line: 3, end_line: 3, commit: { sha: sha.head } }]);
  });

  it("a shallow checkout fails closed with the fix, before anything is written", async () => {
    const shallow = join(root, "shallow");
    git(root, "clone", "-q", "--depth", "1", "--branch", "feature", `file://${origin}`, shallow);
    const dir = mkdtempSync(join(root, "run-"));
    const { cli } = io(shallow, pullRequestEnv(dir));
    await expect(runCi({ sarif: join(dir, "k.sarif") } as CiFlags, cli, addedLines)).rejects.toThrow(/the clone is shallow and lacks the pull request base [0-9a-f]{12}; set `fetch-depth: 0`/);
    expect(existsSync(join(dir, "k.sarif"))).toBe(false);
  });
});
