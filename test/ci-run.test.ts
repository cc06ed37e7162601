// The "done when", end to end on a real repository: a pull request that adds a live key fails
// with an annotation at the right line and a SARIF report; the same pull request with the finding
// baselined passes — through the real `keyfence ci` command and its git range source.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ciCommand } from "../src/cli/commands/ci.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { createScanner } from "../src/scanner.js";
import type { CliIO } from "../src/cli/io.js";
import { positive } from "./helpers/secrets.js";
import { runCli } from "./helpers/cli.js";

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", HOME: tmpdir() };
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

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
    const code = await ciCommand.run(["--sarif", sarifFile, "--sarif-category", "keyfence", "--fail-on", "medium"], cli);
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
    const code = await ciCommand.run(["--baseline", ".keyfence-baseline.json", "--sarif", join(dir, "k.sarif")], cli);
    expect(code).toBe(0);
    expect(out.stdout).not.toContain("::error");
    expect(out.stderr).toContain("1 accepted, 0 expired");
    rmSync(join(work, ".keyfence-baseline.json"));
  });

  it("on GitLab it writes gl-secret-detection-report.json and no annotations", async () => {
    const dir = mkdtempSync(join(root, "run-"));
    const { cli, out } = io(work, { GITLAB_CI: "true", CI_PIPELINE_SOURCE: "merge_request_event", CI_MERGE_REQUEST_IID: "3", CI_MERGE_REQUEST_DIFF_BASE_SHA: sha.base, CI_COMMIT_SHA: sha.head });
    const report = join(dir, "gl-secret-detection-report.json");
    expect(await ciCommand.run(["--gitlab-report", report], cli)).toBe(1);
    expect(out.stdout).not.toContain("::error");
    const doc = JSON.parse(readFileSync(report, "utf8")) as { vulnerabilities: { location: { file: string; start_line: number; commit: { sha: string } } }[] };
    expect(doc.vulnerabilities.map((v) => v.location)).toEqual([
      { file: "config/payments.env", start_line: 3, end_line: 3, commit: { sha: sha.head, author: "t <t@example.com>", date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } },
    ]);
  });

  it("a shallow checkout fails closed with the fix, before anything is written", async () => {
    const shallow = join(root, "shallow");
    git(root, "clone", "-q", "--depth", "1", "--branch", "feature", `file://${origin}`, shallow);
    const dir = mkdtempSync(join(root, "run-"));
    const { cli } = io(shallow, pullRequestEnv(dir));
    await expect(ciCommand.run(["--sarif", join(dir, "k.sarif")], cli)).rejects.toThrow(/the clone is shallow and lacks the pull request base [0-9a-f]{12}; set `fetch-depth: 0`/);
    expect(existsSync(join(dir, "k.sarif"))).toBe(false);
  });
});
