// Bitbucket Pipelines (https://support.atlassian.com/bitbucket-cloud/docs/variables-and-secrets/):
// BITBUCKET_BUILD_NUMBER and BITBUCKET_COMMIT are set in every step.
//   pull request pipelines (BITBUCKET_PR_ID) → BITBUCKET_PR_DESTINATION_COMMIT..BITBUCKET_COMMIT:
//                  the commits of the source branch not in the destination
//   branch and tag pipelines → Bitbucket names no previous tip, so the built commit alone, and the
//                  line says so (--range covers more)
import { KeyfenceError } from "../errors.js";
import type { GitProbe } from "./git-probe.js";
import { checkedRange, requireCommit } from "./range-check.js";
import { short, type CiPlan } from "./plan.js";

export function isBitbucketPipelines(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.BITBUCKET_BUILD_NUMBER && env.BITBUCKET_COMMIT);
}

export function bitbucketPlan(env: NodeJS.ProcessEnv, git: GitProbe): CiPlan {
  const commit = env.BITBUCKET_COMMIT;
  if (!commit) throw new KeyfenceError("is not set; is this a Bitbucket Pipelines step?", { subject: "BITBUCKET_COMMIT" });
  if (env.BITBUCKET_PR_ID) {
    const destination = env.BITBUCKET_PR_DESTINATION_COMMIT;
    if (!destination) throw new KeyfenceError("is not set in this pull request pipeline", { subject: "BITBUCKET_PR_DESTINATION_COMMIT" });
    const range = checkedRange(git, destination, commit, ["the destination branch commit", "the pull request head"], "bitbucket");
    const [base, head] = range.split("..") as [string, string];
    const into = env.BITBUCKET_PR_DESTINATION_BRANCH ? ` into ${env.BITBUCKET_PR_DESTINATION_BRANCH}` : "";
    return { provider: "bitbucket", range, description: `Bitbucket Pipelines pull request #${env.BITBUCKET_PR_ID}${into}: commits ${short(base)}..${short(head)} (the pull request's own commits)` };
  }
  const head = requireCommit(git, commit, "the built commit", "bitbucket");
  const what = env.BITBUCKET_BRANCH ? `branch ${env.BITBUCKET_BRANCH}` : env.BITBUCKET_TAG ? `tag ${env.BITBUCKET_TAG}` : "pipeline";
  return {
    provider: "bitbucket",
    lastCommit: head,
    description: `Bitbucket Pipelines ${what}: Bitbucket names no previous tip, so the built commit ${short(head)} is scanned (pass --range A..B to cover more)`,
  };
}
