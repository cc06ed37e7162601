// GitHub Actions: the event payload at $GITHUB_EVENT_PATH says what changed.
//   pull_request / pull_request_target → base.sha..head.sha (the PR's own commits)
//   merge_group                        → base_sha..head_sha
//   push                               → before..after; a new branch (all-zero before) → the commits
//                                        not on the default branch; a force push whose old tip is gone
//                                        → the same; a deleted branch → nothing
//   anything else (schedule, workflow_dispatch, …) → the checked-out commit
import { KeyfenceError } from "../errors.js";
import { readRegularFile } from "../io/regular-file.js";
import type { GitProbe } from "./git-probe.js";
import { checkedRange, requireCommit } from "./range-check.js";
import { newBranchPlan } from "./new-branch.js";
import { isZeroSha, short, type CiPlan } from "./plan.js";

interface PushPayload {
  before?: string;
  after?: string;
  ref?: string;
  created?: boolean;
  deleted?: boolean;
  forced?: boolean;
  repository?: { default_branch?: string };
}

interface PullRequestPayload {
  number?: number;
  pull_request?: { number?: number; base?: { sha?: string; ref?: string }; head?: { sha?: string; ref?: string } };
}

interface MergeGroupPayload {
  merge_group?: { base_sha?: string; head_sha?: string; head_ref?: string };
}

export function isGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === "true";
}

function readEvent(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) throw new KeyfenceError("GITHUB_EVENT_PATH is not set; cannot tell what changed", { subject: "keyfence ci" });
  let text: string;
  try {
    text = readRegularFile(file, "the event payload").toString("utf8");
  } catch (err) {
    throw new KeyfenceError((err as Error).message, { file, subject: "GITHUB_EVENT_PATH" });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch {
    throw new KeyfenceError("the event payload is not a JSON object", { file, subject: "GITHUB_EVENT_PATH" });
  }
}

function sha(value: string | undefined, what: string, file: string | undefined): string {
  if (!value || !/^[0-9a-f]{40,64}$/.test(value)) throw new KeyfenceError(`${what} is missing or not a commit SHA`, { file, subject: "GITHUB_EVENT_PATH" });
  return value;
}

export function githubPlan(env: NodeJS.ProcessEnv, git: GitProbe): CiPlan {
  const event = env.GITHUB_EVENT_NAME ?? "";
  const file = env.GITHUB_EVENT_PATH;
  if (event === "pull_request" || event === "pull_request_target") {
    const p = readEvent(env) as PullRequestPayload;
    const base = sha(p.pull_request?.base?.sha, "pull_request.base.sha", file);
    const head = sha(p.pull_request?.head?.sha, "pull_request.head.sha", file);
    const range = checkedRange(git, base, head, ["the pull request base", "the pull request head"], "github");
    const n = p.pull_request?.number ?? p.number;
    return { provider: "github", range, description: `GitHub Actions ${event}${n ? ` #${n}` : ""}: commits ${short(base)}..${short(head)} (the pull request's own commits)` };
  }
  if (event === "merge_group") {
    const g = (readEvent(env) as MergeGroupPayload).merge_group;
    const base = sha(g?.base_sha, "merge_group.base_sha", file);
    const head = sha(g?.head_sha, "merge_group.head_sha", file);
    const range = checkedRange(git, base, head, ["the merge group base", "the merge group head"], "github");
    return { provider: "github", range, description: `GitHub Actions merge_group: commits ${short(base)}..${short(head)}` };
  }
  if (event === "push") {
    const p = readEvent(env) as PushPayload;
    const branch = (p.ref ?? "").replace(/^refs\/heads\//, "");
    if (p.deleted || isZeroSha(p.after)) return { provider: "github", description: `GitHub Actions push: ${branch || "ref"} was deleted; nothing to scan` };
    const after = sha(p.after, "after", file);
    const defaultBranch = p.repository?.default_branch;
    if (p.created || isZeroSha(p.before)) {
      return newBranchPlan({ provider: "github", label: "GitHub Actions push", git, head: after, branch, defaultBranch, why: "new branch" });
    }
    const before = sha(p.before, "before", file);
    if (p.forced && !git.resolve(before)) {
      // The old tip of a force-pushed branch is usually gone from a fresh clone.
      return newBranchPlan({ provider: "github", label: "GitHub Actions push", git, head: after, branch, defaultBranch, why: `force push (old tip ${short(before)} is gone)` });
    }
    const range = checkedRange(git, before, after, ["the push's previous tip", "the pushed commit"], "github");
    return { provider: "github", range, description: `GitHub Actions push to ${branch}${p.forced ? " (force push)" : ""}: commits ${short(before)}..${short(after)}` };
  }
  const head = requireCommit(git, env.GITHUB_SHA || "HEAD", "the checked-out commit", "github");
  return { provider: "github", lastCommit: head, description: `GitHub Actions ${event || "run"}: no change range in this event; scanning the checked-out commit ${short(head)}` };
}
