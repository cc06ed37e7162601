// CircleCI (CIRCLECI=true): CIRCLE_SHA1 and CIRCLE_BRANCH, but no base commit in the environment.
// The base is a pipeline value (`<< pipeline.git.base_revision >>`, the previous pipeline's commit on
// the branch) that a config can hand over as KEYFENCE_BASE_REVISION (see docs/ci.md):
//   with it → KEYFENCE_BASE_REVISION..CIRCLE_SHA1
//   without → the built commit alone, and the line says how to cover the whole push
import { KeyfenceError } from "../errors.js";
import type { GitProbe } from "./git-probe.js";
import { checkedRange, requireCommit } from "./range-check.js";
import { isZeroSha, short, type CiPlan } from "./plan.js";

export function isCircleCi(env: NodeJS.ProcessEnv): boolean {
  return env.CIRCLECI === "true";
}

export function circleciPlan(env: NodeJS.ProcessEnv, git: GitProbe): CiPlan {
  const commit = env.CIRCLE_SHA1;
  if (!commit) throw new KeyfenceError("is not set; is this a CircleCI job?", { subject: "CIRCLE_SHA1" });
  const pr = env.CIRCLE_PULL_REQUEST ? ` (pull request ${env.CIRCLE_PR_NUMBER ? `#${env.CIRCLE_PR_NUMBER}` : env.CIRCLE_PULL_REQUEST.replace(/^.*\/pull\//, "#")})` : "";
  const what = env.CIRCLE_BRANCH ? `branch ${env.CIRCLE_BRANCH}` : env.CIRCLE_TAG ? `tag ${env.CIRCLE_TAG}` : "job";
  const base = env.KEYFENCE_BASE_REVISION;
  if (base && !isZeroSha(base) && base !== commit) {
    const range = checkedRange(git, base, commit, ["the pipeline base revision", "the built commit"], "circleci");
    const [b, h] = range.split("..") as [string, string];
    return { provider: "circleci", range, description: `CircleCI ${what}${pr}: commits ${short(b)}..${short(h)} (since pipeline.git.base_revision)` };
  }
  const head = requireCommit(git, commit, "the built commit", "circleci");
  return {
    provider: "circleci",
    lastCommit: head,
    description: `CircleCI ${what}${pr}: no base revision given, so the built commit ${short(head)} is scanned (set KEYFENCE_BASE_REVISION: << pipeline.git.base_revision >> to cover the whole push)`,
  };
}
