import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planFromEnvironment } from "../src/ci/environment.js";
import { revisionRange, type CiPlan } from "../src/ci/plan.js";
import { KeyfenceError } from "../src/errors.js";

const FIXTURES = join(import.meta.dirname, "fixtures/ci");
const ZERO = "0".repeat(40);
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", HOME: tmpdir() };

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

let root: string;
let origin: string;
let work: string;
let shallow: string;
const sha: Record<string, string> = {};

function commit(cwd: string, name: string): string {
  writeFileSync(join(cwd, `${name}.txt`), `${name}\n`);
  git(cwd, "add", ".");
  git(cwd, "commit", "-q", "-m", name);
  return git(cwd, "rev-parse", "HEAD");
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "kf-ci-"));
  origin = join(root, "origin");
  execFileSync("git", ["init", "-q", "-b", "main", origin], { env: GIT_ENV });
  sha.m1 = commit(origin, "m1");
  sha.m2 = commit(origin, "m2");
  git(origin, "checkout", "-q", "-b", "feature", sha.m1);
  sha.f1 = commit(origin, "f1");
  sha.f2 = commit(origin, "f2");
  git(origin, "checkout", "-q", "main");
  sha.m3 = commit(origin, "m3");
  work = join(root, "work");
  git(root, "clone", "-q", `file://${origin}`, work);
  shallow = join(root, "shallow");
  git(root, "clone", "-q", "--depth", "1", `file://${origin}`, shallow);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A recorded payload or env file with its placeholders filled. */
function recorded(name: string, values: Record<string, string>): string {
  return readFileSync(join(FIXTURES, name), "utf8").replace(/\{\{(\w+)\}\}/g, (_m, k: string) => {
    if (!(k in values)) throw new Error(`fixture ${name}: no value for ${k}`);
    return values[k]!;
  });
}

function githubEnv(event: string, payload: string): NodeJS.ProcessEnv {
  const file = join(root, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, payload);
  return { GITHUB_ACTIONS: "true", GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: file, GITHUB_SHA: sha.m3 };
}

function gitlabEnv(name: string, values: Record<string, string>): NodeJS.ProcessEnv {
  return JSON.parse(recorded(name, values)) as NodeJS.ProcessEnv;
}

function pushPayload(v: { branch: string; before: string; after: string; created?: boolean; deleted?: boolean; forced?: boolean }): string {
  return recorded("github-push.json", {
    BRANCH: v.branch,
    BEFORE: v.before,
    AFTER: v.after,
    CREATED: String(v.created ?? false),
    DELETED: String(v.deleted ?? false),
    FORCED: String(v.forced ?? false),
  });
}

/** The commits a plan scans, in the clone, by name. */
function scanned(plan: CiPlan, cwd = work): string[] {
  const range = revisionRange(plan);
  if (!range) return [];
  const names = Object.fromEntries(Object.entries(sha).map(([k, v]) => [v, k]));
  return git(cwd, "rev-list", "--reverse", range, "--")
    .split("\n")
    .filter(Boolean)
    .map((s) => names[s] ?? s);
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

describe("GitHub Actions", () => {
  it("pull_request scans base..head from the event payload: the PR's own commits", () => {
    const env = githubEnv("pull_request", recorded("github-pull_request.json", { BASE: sha.m3!, HEAD: sha.f2!, OLD_HEAD: sha.f1!, MERGE: sha.m3! }));
    const plan = planFromEnvironment(env, work);
    expect(plan).toMatchObject({ provider: "github", range: `${sha.m3}..${sha.f2}` });
    expect(plan.description).toContain("pull_request #42");
    expect(scanned(plan)).toEqual(["f1", "f2"]);
    // pull_request_target carries the same payload.
    expect(scanned(planFromEnvironment({ ...env, GITHUB_EVENT_NAME: "pull_request_target" }, work))).toEqual(["f1", "f2"]);
  });

  it("merge_group scans base_sha..head_sha", () => {
    const plan = planFromEnvironment(githubEnv("merge_group", recorded("github-merge_group.json", { BASE: sha.m1!, HEAD: sha.f2! })), work);
    expect(scanned(plan)).toEqual(["f1", "f2"]);
  });

  it("push scans before..after", () => {
    const plan = planFromEnvironment(githubEnv("push", pushPayload({ branch: "main", before: sha.m1!, after: sha.m3! })), work);
    expect(plan.range).toBe(`${sha.m1}..${sha.m3}`);
    expect(scanned(plan)).toEqual(["m2", "m3"]);
  });

  it("a new branch (all-zero before) scans the commits not on the default branch", () => {
    const plan = planFromEnvironment(githubEnv("push", pushPayload({ branch: "feature", before: ZERO, after: sha.f2!, created: true })), work);
    expect(plan.description).toContain("new branch");
    expect(scanned(plan)).toEqual(["f1", "f2"]);
  });

  it("the first push of the default branch scans its whole history", () => {
    const plan = planFromEnvironment(githubEnv("push", pushPayload({ branch: "main", before: ZERO, after: sha.m3!, created: true })), work);
    expect(plan.range).toBe(sha.m3);
    expect(scanned(plan)).toEqual(["m1", "m2", "m3"]);
  });

  it("a force push whose old tip is gone falls back to the commits not on the default branch", () => {
    const gone = "1234567890abcdef1234567890abcdef12345678";
    const plan = planFromEnvironment(githubEnv("push", pushPayload({ branch: "feature", before: gone, after: sha.f2!, forced: true })), work);
    expect(plan.description).toContain("force push (old tip 1234567890ab is gone)");
    expect(scanned(plan)).toEqual(["f1", "f2"]);
    // With the old tip still present, before..after is exact.
    const kept = planFromEnvironment(githubEnv("push", pushPayload({ branch: "feature", before: sha.f1!, after: sha.f2!, forced: true })), work);
    expect(scanned(kept)).toEqual(["f2"]);
  });

  it("a deleted branch has nothing to scan", () => {
    const plan = planFromEnvironment(githubEnv("push", pushPayload({ branch: "old", before: sha.f2!, after: ZERO, deleted: true })), work);
    expect(revisionRange(plan)).toBeUndefined();
    expect(plan.description).toContain("deleted");
  });

  it("other events scan the checked-out commit", () => {
    const plan = planFromEnvironment({ ...githubEnv("workflow_dispatch", "{}"), GITHUB_SHA: sha.m2 }, work);
    expect(plan.lastCommit).toBe(sha.m2);
    expect(scanned(plan)).toEqual(["m2"]);
  });

  it("a shallow clone lacking the commits fails with one line telling the user to set fetch-depth: 0", () => {
    const env = githubEnv("pull_request", recorded("github-pull_request.json", { BASE: sha.m1!, HEAD: sha.f2!, OLD_HEAD: sha.f1!, MERGE: sha.m3! }));
    const msg = failure(() => planFromEnvironment(env, shallow));
    expect(msg).toMatch(/^keyfence ci: the clone is shallow and lacks the pull request base [0-9a-f]{12}; set `fetch-depth: 0` on actions\/checkout/);
    expect(msg).not.toContain("\n");
    // Both ends present but the history between them cut by the shallow boundary: also refused.
    git(shallow, "fetch", "-q", "--depth", "1", "origin", sha.f2!);
    const cut = githubEnv("pull_request", recorded("github-pull_request.json", { BASE: sha.m3!, HEAD: sha.f2!, OLD_HEAD: sha.f1!, MERGE: sha.m3! }));
    expect(failure(() => planFromEnvironment(cut, shallow))).toContain("history between the pull request base");
    // A new branch in a shallow clone cannot be bounded either.
    const created = githubEnv("push", pushPayload({ branch: "main", before: ZERO, after: sha.m3!, created: true }));
    expect(failure(() => planFromEnvironment(created, shallow))).toContain("fetch-depth: 0");
  });

  it("a missing or broken event payload is one line naming the file", () => {
    const missing = join(root, "nope.json");
    expect(failure(() => planFromEnvironment({ GITHUB_ACTIONS: "true", GITHUB_EVENT_NAME: "push", GITHUB_EVENT_PATH: missing }, work))).toBe(
      `${missing}: GITHUB_EVENT_PATH: file not found`,
    );
    const env = githubEnv("push", "{ not json");
    expect(failure(() => planFromEnvironment(env, work))).toContain("the event payload is not a JSON object");
    const noSha = githubEnv("pull_request", JSON.stringify({ pull_request: { base: { sha: "main" }, head: { sha: sha.f2 } } }));
    expect(failure(() => planFromEnvironment(noSha, work))).toContain("pull_request.base.sha is missing or not a commit SHA");
  });
});

describe("GitLab CI", () => {
  it("merge request pipelines scan from the merge request diff base", () => {
    const plan = planFromEnvironment(gitlabEnv("gitlab-merge_request.env.json", { BASE: sha.m1!, HEAD: sha.f2! }), work);
    expect(plan).toMatchObject({ provider: "gitlab", range: `${sha.m1}..${sha.f2}` });
    expect(plan.description).toContain("merge request !7");
    expect(scanned(plan)).toEqual(["f1", "f2"]);
    // Merged-results pipelines: CI_COMMIT_SHA is the merge commit; the source branch tip is the head.
    const merged = planFromEnvironment({ ...gitlabEnv("gitlab-merge_request.env.json", { BASE: sha.m1!, HEAD: sha.m3! }), CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: sha.f2 }, work);
    expect(scanned(merged)).toEqual(["f1", "f2"]);
  });

  it("branch pipelines scan the pushed range; a zero before SHA means a new branch", () => {
    expect(scanned(planFromEnvironment(gitlabEnv("gitlab-push.env.json", { BEFORE: sha.m2!, AFTER: sha.m3!, BRANCH: "main" }), work))).toEqual(["m3"]);
    const created = planFromEnvironment(gitlabEnv("gitlab-push.env.json", { BEFORE: ZERO, AFTER: sha.f2!, BRANCH: "feature" }), work);
    expect(created.description).toContain("new branch");
    expect(scanned(created)).toEqual(["f1", "f2"]);
  });

  it("a new branch whose default branch is not fetched scans the last commit and says so", () => {
    const noDefault = { ...gitlabEnv("gitlab-push.env.json", { BEFORE: ZERO, AFTER: sha.f2!, BRANCH: "feature" }), CI_DEFAULT_BRANCH: "trunk" };
    const plan = planFromEnvironment(noDefault, work);
    expect(plan.lastCommit).toBe(sha.f2);
    expect(plan.description).toContain("origin/trunk is not fetched");
  });

  it("scheduled pipelines scan the pipeline commit", () => {
    const plan = planFromEnvironment(gitlabEnv("gitlab-schedule.env.json", { AFTER: sha.m3! }), work);
    expect(scanned(plan)).toEqual(["m3"]);
  });

  it("a shallow clone (GitLab's default GIT_DEPTH) lacking the diff base says to set GIT_DEPTH", () => {
    const msg = failure(() => planFromEnvironment(gitlabEnv("gitlab-merge_request.env.json", { BASE: sha.m1!, HEAD: sha.m3! }), shallow));
    expect(msg).toContain("the clone is shallow and lacks the merge request diff base");
    expect(msg).toContain("GIT_DEPTH: 0");
  });
});

describe("anything else", () => {
  it("scans --range, checked against the clone", () => {
    const plan = planFromEnvironment({}, work, { range: `${sha.m1}..origin/feature` });
    expect(plan).toMatchObject({ provider: "generic", range: `${sha.m1}..${sha.f2}` });
    expect(scanned(plan)).toEqual(["f1", "f2"]);
    expect(failure(() => planFromEnvironment({}, work, { range: "main" }))).toContain(`--range: "main" is not a range of the form A..B`);
    expect(failure(() => planFromEnvironment({}, work, { range: "main..nope" }))).toContain("the range end nope is not in this clone");
  });

  it("without --range scans the last commit", () => {
    const plan = planFromEnvironment({}, work);
    expect(plan).toMatchObject({ provider: "generic", lastCommit: sha.m3 });
    expect(scanned(plan)).toEqual(["m3"]);
  });

  it("outside a repository fails with one line", () => {
    expect(failure(() => planFromEnvironment({}, tmpdir()))).toContain("not a git repository");
  });
});
