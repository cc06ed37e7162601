// GitLab CI: predefined variables say what changed.
//   merge request pipelines → CI_MERGE_REQUEST_DIFF_BASE_SHA..head (the source branch's tip:
//                             CI_MERGE_REQUEST_SOURCE_BRANCH_SHA in merged-results pipelines, else CI_COMMIT_SHA)
//   branch push pipelines   → CI_COMMIT_BEFORE_SHA..CI_COMMIT_SHA; all-zero before (a new branch) →
//                             the commits not on CI_DEFAULT_BRANCH
//   anything else (schedules, web, API, tags) → the pipeline's commit
import { KeyfenceError } from "../errors.js";
import type { GitProbe } from "./git-probe.js";
import { checkedRange, requireCommit } from "./range-check.js";
import { newBranchPlan } from "./new-branch.js";
import { isZeroSha, short, type CiPlan } from "./plan.js";

export function isGitLabCi(env: NodeJS.ProcessEnv): boolean {
  return env.GITLAB_CI === "true";
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new KeyfenceError("is not set; is this a GitLab CI job?", { subject: name });
  return v;
}

export function gitlabPlan(env: NodeJS.ProcessEnv, git: GitProbe): CiPlan {
  const commit = required(env, "CI_COMMIT_SHA");
  const source = env.CI_PIPELINE_SOURCE ?? "";
  if (source === "merge_request_event" || env.CI_MERGE_REQUEST_IID) {
    const base = env.CI_MERGE_REQUEST_DIFF_BASE_SHA;
    if (!base) throw new KeyfenceError("is not set in this merge request pipeline", { subject: "CI_MERGE_REQUEST_DIFF_BASE_SHA" });
    const head = env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || commit;
    const range = checkedRange(git, base, head, ["the merge request diff base", "the merge request head"], "gitlab");
    const iid = env.CI_MERGE_REQUEST_IID;
    return { provider: "gitlab", range, description: `GitLab CI merge request${iid ? ` !${iid}` : ""}: commits ${short(base)}..${short(head)} (the merge request's own commits)` };
  }
  const branch = env.CI_COMMIT_BRANCH ?? "";
  if (source === "push" && branch) {
    const before = env.CI_COMMIT_BEFORE_SHA;
    if (isZeroSha(before)) {
      return newBranchPlan({ provider: "gitlab", label: "GitLab CI push", git, head: commit, branch, defaultBranch: env.CI_DEFAULT_BRANCH, why: "new branch" });
    }
    if (!git.resolve(before!)) {
      // After a force push the old tip is not fetched: fall back as for a new branch.
      return newBranchPlan({ provider: "gitlab", label: "GitLab CI push", git, head: commit, branch, defaultBranch: env.CI_DEFAULT_BRANCH, why: `force push (old tip ${short(before!)} is gone)` });
    }
    const range = checkedRange(git, before!, commit, ["the push's previous tip", "the pushed commit"], "gitlab");
    return { provider: "gitlab", range, description: `GitLab CI push to ${branch}: commits ${short(before!)}..${short(commit)}` };
  }
  const head = requireCommit(git, commit, "the pipeline commit", "gitlab");
  return { provider: "gitlab", lastCommit: head, description: `GitLab CI ${source || "pipeline"}${env.CI_COMMIT_TAG ? ` for tag ${env.CI_COMMIT_TAG}` : ""}: no change range; scanning the pipeline commit ${short(head)}` };
}
