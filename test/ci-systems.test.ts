// Azure Pipelines, Bitbucket Pipelines, Jenkins and CircleCI: detection and planning from recorded
// variables against real git history, shallow-clone refusal with each system's advice, the formats
// they read (JUnit, Azure logging commands, Bitbucket Code Insights), and every docs/ci.md snippet's
// `keyfence ci` line run as written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planFromEnvironment } from "../src/ci/environment.js";
import { revisionRange, type CiPlan } from "../src/ci/plan.js";
import { KeyfenceError } from "../src/errors.js";
import { createScanner } from "../src/scanner.js";
import { revealSecret } from "../src/index.js";
import { REPORTERS, type ScanReport } from "../src/report/index.js";
import { TOOL } from "../src/version.js";
import { BIN, REPO_ROOT } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";
import type { Finding } from "../src/types.js";

const FIXTURES = join(import.meta.dirname, "fixtures/ci");
const GIT_ENV = { PATH: process.env.PATH, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", HOME: tmpdir() };
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

let root: string;
let work: string;
let shallow: string;
const sha: Record<string, string> = {};
const secrets = { feature: positive("stripe-secret-key-live", 0, "ci-systems-feature"), main: positive("stripe-secret-key-live", 0, "ci-systems-main") };

function commit(cwd: string, name: string, content = `${name}\n`, file = `${name}.txt`): string {
  writeFileSync(join(cwd, file), content);
  git(cwd, "add", ".");
  git(cwd, "commit", "-q", "-m", name);
  return git(cwd, "rev-parse", "HEAD");
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "kf-ci-systems-"));
  const origin = join(root, "origin");
  execFileSync("git", ["init", "-q", "-b", "main", origin], { env: GIT_ENV });
  sha.m1 = commit(origin, "m1");
  sha.m2 = commit(origin, "m2");
  git(origin, "checkout", "-q", "-b", "feature", sha.m1);
  sha.f1 = commit(origin, "f1", `${secrets.feature}\n`, "feature.env");
  sha.f2 = commit(origin, "f2");
  git(origin, "checkout", "-q", "main");
  sha.m3 = commit(origin, "m3", `${secrets.main}\n`, "main.env");
  work = join(root, "work");
  git(root, "clone", "-q", `file://${origin}`, work);
  // What an Azure pull request build checks out: the merge of the PR into its target.
  git(work, "checkout", "-q", "--detach", "origin/main");
  git(work, "merge", "-q", "--no-ff", "-m", "Merge pull request 7", "origin/feature");
  sha.merge = git(work, "rev-parse", "HEAD");
  shallow = join(root, "shallow");
  git(root, "clone", "-q", "--depth", "1", "--no-single-branch", `file://${origin}`, shallow);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A recorded variable set with its placeholders filled from this repository. */
function recorded(name: string): NodeJS.ProcessEnv {
  const values: Record<string, string> = { MERGE: sha.merge!, HEAD: sha.f2!, BASE: sha.m1!, BASE_SHORT: sha.m3!.slice(0, 12), BEFORE: sha.m2!, AFTER: sha.m3! };
  const text = readFileSync(join(FIXTURES, name), "utf8").replace(/\{\{(\w+)\}\}/g, (_m, k: string) => values[k] ?? `{{${k}}}`);
  expect(text, name).not.toContain("{{");
  return JSON.parse(text) as NodeJS.ProcessEnv;
}

function scanned(plan: CiPlan, cwd = work): string[] {
  const range = revisionRange(plan);
  if (!range) return [];
  const names = Object.fromEntries(Object.entries(sha).map(([k, v]) => [v, k]));
  return git(cwd, "rev-list", "--reverse", range, "--").split("\n").filter(Boolean).map((s) => names[s] ?? s);
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof KeyfenceError) return err.format();
    throw err;
  }
  throw new Error("expected a KeyfenceError");
}

describe("planning from recorded variables", () => {
  const cases: [string, CiPlan["provider"], string[], RegExp][] = [
    ["azure-pull_request.env.json", "azure", ["f1", "f2"], /^Azure Pipelines pull request #7 into main: commits \w{12}\.\.\w{12} \(the pull request's own commits\)$/],
    ["azure-ci.env.json", "azure", ["m3"], /^Azure Pipelines IndividualCI of main: Azure names no previous tip, so the built commit \w{12} is scanned/],
    ["bitbucket-pull_request.env.json", "bitbucket", ["f1", "f2"], /^Bitbucket Pipelines pull request #12 into main: commits \w{12}\.\.\w{12}/],
    ["bitbucket-branch.env.json", "bitbucket", ["m3"], /^Bitbucket Pipelines branch main: Bitbucket names no previous tip/],
    ["jenkins-change_request.env.json", "jenkins", ["f1", "f2"], /^Jenkins change request 15 into main: commits \w{12}\.\.\w{12}/],
    ["jenkins-branch.env.json", "jenkins", ["m3"], /^Jenkins build of main: commits \w{12}\.\.\w{12} \(since the last successful build\)$/],
    ["circleci-branch.env.json", "circleci", ["m3"], /^CircleCI branch main: commits \w{12}\.\.\w{12} \(since pipeline\.git\.base_revision\)$/],
    ["circleci-pull_request.env.json", "circleci", ["f1", "f2"], /^CircleCI branch feature \(pull request #9\): commits/],
  ];
  for (const [file, provider, commits, line] of cases) {
    it(`${file}: ${provider} scans ${commits.join(", ")}`, () => {
      const plan = planFromEnvironment(recorded(file), work);
      expect(plan.provider).toBe(provider);
      expect(plan.description).toMatch(line);
      expect(scanned(plan)).toEqual(commits);
    });
  }

  it("without a base the systems that name none scan the built commit, and say how to cover more", () => {
    const { KEYFENCE_BASE_REVISION: _b, ...circle } = recorded("circleci-branch.env.json");
    const plan = planFromEnvironment(circle, work);
    expect(scanned(plan)).toEqual(["m3"]);
    expect(plan.description).toContain("KEYFENCE_BASE_REVISION: << pipeline.git.base_revision >>");
    const { GIT_PREVIOUS_COMMIT: _p, GIT_PREVIOUS_SUCCESSFUL_COMMIT: _s, ...firstBuild } = recorded("jenkins-branch.env.json");
    expect(scanned(planFromEnvironment(firstBuild, work))).toEqual(["m3"]);
    // An explicit range still wins, and keeps the provider for advice.
    expect(planFromEnvironment(recorded("azure-ci.env.json"), work, { range: `${sha.m1}..${sha.m3}` }).provider).toBe("azure");
  });

  it("Jenkins: a target branch that is not fetched, or a previous commit that is gone, is exit 2 with the fix", () => {
    const env = recorded("jenkins-change_request.env.json");
    expect(failure(() => planFromEnvironment({ ...env, CHANGE_TARGET: "release" }, work))).toMatch(/origin\/release is not in this clone.*git fetch --no-tags origin "\+refs\/heads\/release:refs\/remotes\/origin\/release"/);
    const gone = "1234567890abcdef1234567890abcdef12345678";
    expect(failure(() => planFromEnvironment({ ...recorded("jenkins-branch.env.json"), GIT_PREVIOUS_SUCCESSFUL_COMMIT: gone }, work))).toMatch(/last successful build's commit 1234567890ab is not in this clone.*pass --range/);
  });

  it("a shallow clone is refused with each system's own advice", () => {
    const advice: [string, RegExp][] = [
      ["azure-pull_request.env.json", /`fetchDepth: 0` on the pipeline's `checkout: self` step/],
      ["bitbucket-pull_request.env.json", /`clone: depth: full` in bitbucket-pipelines\.yml/],
      ["jenkins-branch.env.json", /Shallow clone/],
      ["circleci-pull_request.env.json", /full `checkout` step/],
    ];
    for (const [file, hint] of advice) {
      const env = recorded(file);
      // The shallow clone has only the tips; the recorded commits of the range are missing or cut off.
      const message = failure(() => planFromEnvironment(env, shallow));
      expect(message, file).toMatch(/^keyfence ci: the clone is shallow/);
      expect(message, file).toMatch(hint);
    }
  });
});

/** A report with one blocking finding at a hostile path, and one that does not block. */
function hostileReport(path: string): { report: ScanReport; secret: string } {
  const scanner = createScanner({ failOn: "critical" });
  const findings: Finding[] = [
    ...scanner.scanBuffer(`${positive("stripe-secret-key-live", 0, "hostile")}\n`, { path }),
    ...scanner.scanBuffer(`${positive("stripe-secret-key-test", 0, "hostile")}\n`, { path: "ok.env" }),
  ];
  const blocking = new Set(findings.filter((f) => scanner.policy.blocks(f)).map((f) => f.fingerprint));
  const report: ScanReport = { tool: TOOL, root: "/r", findings, rules: scanner.rules, notices: [], failOn: "critical", blocking, incomplete: false, stats: { files: 2, bytes: 10, durationMs: 5 } };
  return { report, secret: revealSecret(findings[0]!)! };
}

const plain = { showSecrets: false, color: false };
const FORGED = "a;b]c%d\n##vso[task.setvariable variable=PAT]x\r\x1b[2J.env";

describe("azure logging commands", () => {
  it("one command line per finding whose properties survive any path, and no forged command", () => {
    const { report, secret } = hostileReport(FORGED);
    const out = REPORTERS.azure!(report, plain);
    expect(out).not.toContain(secret);
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(report.findings.length);
    for (const l of lines) expect(l.startsWith("##vso[task.logissue ")).toBe(true);
    // The agent's parse: properties up to the first `]`, split at `;`, then unescaped.
    const m = /^##vso\[task\.logissue ([^\]]*)\](.*)$/.exec(lines[0]!)!;
    const props = Object.fromEntries(m[1]!.split(";").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    const unescape = (s: string) => s.replace(/%3B/g, ";").replace(/%5D/g, "]").replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%AZP25/g, "%");
    expect(Object.keys(props)).toEqual(["type", "sourcepath", "linenumber", "columnnumber", "code"]);
    expect(props.type).toBe("error");
    expect(unescape(props.sourcepath!)).toBe(FORGED.replace("\x1b", "\\x1b"));
    expect(props.code).toBe("stripe-secret-key-live");
    expect(lines[1]).toMatch(/^##vso\[task\.logissue type=warning;sourcepath=ok\.env;/);
  });
});

describe("junit", () => {
  it("one failing test case per blocking finding, escaped, well-formed, no secret", () => {
    const { report, secret } = hostileReport(`<x a="1"> & 'y'\x01.env`);
    const xml = REPORTERS.junit!(report, plain);
    expect(xml).not.toContain(secret);
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="keyfence" tests="1" failures="1" errors="0"/);
    expect(xml.match(/<testcase /g)).toHaveLength(1);
    expect(xml).toContain('file="&lt;x a=&quot;1&quot;&gt; &amp; &apos;y&apos;\\x01.env"');
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    // Nothing blocking: one passing case; incomplete: an error case.
    const clean = { ...report, blocking: new Set<string>() };
    expect(REPORTERS.junit!(clean, plain)).toMatch(/tests="1" failures="0" errors="0"[\s\S]*<testcase classname="keyfence" name="no blocking credentials \(fail-on: critical\)" time="0"\/>/);
    const partial = { ...clean, incomplete: true, notices: [{ path: "big.bin", reason: "cannot read (EACCES)", incomplete: true }] };
    expect(REPORTERS.junit!(partial, plain)).toMatch(/errors="1"[\s\S]*<error type="incomplete" message="1 item\(s\) could not be scanned">big\.bin: cannot read \(EACCES\)<\/error>/);
  });
});

describe("bitbucket code insights", () => {
  it("a SECURITY report and VULNERABILITY annotations within the API's limits", () => {
    const { report, secret } = hostileReport("config/pay.env");
    const text = REPORTERS.bitbucket!(report, plain);
    expect(text).not.toContain(secret);
    const doc = JSON.parse(text);
    expect(doc.report).toMatchObject({ title: "keyfence", report_type: "SECURITY", result: "FAILED", reporter: `keyfence ${TOOL.version}` });
    expect(doc.report.data).toContainEqual({ title: "Blocking credentials", type: "NUMBER", value: 1 });
    expect(doc.annotations[0]).toMatchObject({ annotation_type: "VULNERABILITY", path: "config/pay.env", line: 1, severity: "CRITICAL", result: "FAILED" });
    expect(doc.annotations[1]).toMatchObject({ path: "ok.env", severity: "LOW", result: "IGNORED" });
    expect(new Set(doc.annotations.map((a: { external_id: string }) => a.external_id)).size).toBe(2);
    // 1,000 annotations at most, blocking ones first.
    const many = { ...report, findings: [...Array(1200)].map((_, i) => ({ ...report.findings[1]!, offset: i })).concat(report.findings[0]!) };
    const capped = JSON.parse(REPORTERS.bitbucket!(many, plain));
    expect(capped.annotations).toHaveLength(1000);
    expect(capped.annotations[0].result).toBe("FAILED");
    expect(capped.report.details).toContain("201 finding(s) beyond Bitbucket's 1000 annotations");
  });
});

describe("docs/ci.md snippets, run as written", () => {
  const doc = readFileSync(join(REPO_ROOT, "docs", "ci.md"), "utf8");
  /** The arguments after `keyfence@<version> ci` in the snippet marked `keyfence-snippet: name`. */
  function snippetArgs(name: string): string[] {
    const block = [...doc.matchAll(/```\w+\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes(`keyfence-snippet: ${name}`));
    expect(block, name).toBeDefined();
    const line = /keyfence@[\d.]+ ci ([^'|\n]*)/.exec(block!)![1]!;
    return line.trim().split(/\s+/);
  }
  function run(args: string[], env: NodeJS.ProcessEnv) {
    const r = spawnSync(process.execPath, [BIN, "ci", ...args], { cwd: work, env: { PATH: process.env.PATH, HOME: tmpdir(), NO_COLOR: "1", ...env }, encoding: "utf8" });
    const all = r.stdout + r.stderr;
    expect(all).not.toContain(secrets.feature);
    expect(all).not.toContain(secrets.main);
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const read = (rel: string) => {
    const text = readFileSync(join(work, rel), "utf8");
    expect(text).not.toContain(secrets.feature);
    return text;
  };

  it("Azure Pipelines: pull request and CI builds report with logging commands and fail", () => {
    const args = snippetArgs("azure");
    expect(args).toEqual(["--format", "azure", "--fail-on", "high"]);
    const pr = run(args, recorded("azure-pull_request.env.json"));
    expect(pr.code).toBe(1);
    expect(pr.stderr.split("\n")[0]).toMatch(/^keyfence ci: Azure Pipelines pull request #7 into main: commits/);
    expect(pr.stdout).toMatch(/^##vso\[task\.logissue type=error;sourcepath=feature\.env;linenumber=1;columnnumber=\d+;code=stripe-secret-key-live;\]keyfence: CRITICAL/m);
    expect(pr.stdout).not.toContain("main.env");
    const ci = run(args, recorded("azure-ci.env.json"));
    expect(ci.code).toBe(1);
    expect(ci.stdout).toContain("sourcepath=main.env;");
  });

  it("Bitbucket Pipelines: pull request and branch pipelines write the Code Insights document", () => {
    const args = snippetArgs("bitbucket");
    expect(args).toEqual(["--format", "bitbucket", "--output", "keyfence-insights.json", "--fail-on", "high"]);
    const pr = run(args, recorded("bitbucket-pull_request.env.json"));
    expect(pr.code).toBe(1);
    expect(pr.stderr).toMatch(/^keyfence ci: Bitbucket Pipelines pull request #12 into main/);
    const doc = JSON.parse(read("keyfence-insights.json"));
    expect(doc.report.result).toBe("FAILED");
    expect(doc.annotations.map((a: { path: string }) => a.path)).toEqual(["feature.env"]);
    expect(run(args, recorded("bitbucket-branch.env.json")).code).toBe(1);
    expect(JSON.parse(read("keyfence-insights.json")).annotations.map((a: { path: string }) => a.path)).toEqual(["main.env"]);
  });

  it("Jenkins: change request and branch builds write JUnit", () => {
    const args = snippetArgs("jenkins");
    expect(args).toEqual(["--format", "junit", "--output", "keyfence-junit.xml", "--fail-on", "high"]);
    const cr = run(args, recorded("jenkins-change_request.env.json"));
    expect(cr.code).toBe(1);
    expect(cr.stderr).toMatch(/^keyfence ci: Jenkins change request 15 into main/);
    expect(read("keyfence-junit.xml")).toMatch(/failures="1"[\s\S]*<testcase classname="keyfence\.stripe-secret-key-live" name="feature\.env:1:\d+ stripe-secret-key-live" file="feature\.env" line="1"/);
    expect(run(args, recorded("jenkins-branch.env.json")).code).toBe(1);
    expect(read("keyfence-junit.xml")).toContain('file="main.env"');
  });

  it("CircleCI: branch and pull request jobs write JUnit into the test results folder", () => {
    const args = snippetArgs("circleci");
    expect(args).toEqual(["--format", "junit", "--output", "test-results/keyfence/results.xml", "--fail-on", "high"]);
    const pr = run(args, recorded("circleci-pull_request.env.json"));
    expect(pr.code).toBe(1);
    expect(pr.stderr).toMatch(/^keyfence ci: CircleCI branch feature \(pull request #9\)/);
    expect(read("test-results/keyfence/results.xml")).toContain('file="feature.env"');
  });
});
