// Azure Pipelines (https://learn.microsoft.com/azure/devops/pipelines/build/variables): TF_BUILD=True.
//   pull request builds (BUILD_REASON=PullRequest) → the agent checks out the merge of the pull
//                  request into its target (BUILD_SOURCEVERSION, two parents): target tip..PR head,
//                  i.e. merge^1..merge^2, the pull request's own commits
//   CI builds (IndividualCI, BatchedCI) and anything else → Azure names no previous tip, so the built
//                  commit (BUILD_SOURCEVERSION) alone, and the line says so (--range covers more)
import { KeyfenceError } from "../errors.js";
import type { GitProbe } from "./git-probe.js";
import { checkedRange, requireCommit } from "./range-check.js";
import { short, type CiPlan } from "./plan.js";

export function isAzurePipelines(env: NodeJS.ProcessEnv): boolean {
  return (env.TF_BUILD ?? "").toLowerCase() === "true";
}

const branchName = (ref: string | undefined) => (ref ?? "").replace(/^refs\/heads\//, "");

export function azurePlan(env: NodeJS.ProcessEnv, git: GitProbe): CiPlan {
  const version = env.BUILD_SOURCEVERSION;
  if (!version) throw new KeyfenceError("is not set; is this an Azure Pipelines job?", { subject: "BUILD_SOURCEVERSION" });
  const reason = env.BUILD_REASON ?? "";
  if (reason === "PullRequest") {
    const merge = requireCommit(git, version, "the pull request merge commit", "azure");
    const id = env.SYSTEM_PULLREQUEST_PULLREQUESTNUMBER || env.SYSTEM_PULLREQUEST_PULLREQUESTID;
    const target = branchName(env.SYSTEM_PULLREQUEST_TARGETBRANCH);
    const base = git.resolve(`${merge}^1`);
    const head = git.resolve(`${merge}^2`);
    if (!base || !head) {
      // Not a merge (or its parents were not fetched): only the source commit can tell, if Azure gave it.
      const source = env.SYSTEM_PULLREQUEST_SOURCECOMMITID;
      const targetTip = target ? git.resolve(`refs/remotes/origin/${target}`) : undefined;
      if (source && targetTip) {
        const range = checkedRange(git, targetTip, source, ["the target branch tip", "the pull request head"], "azure");
        return { provider: "azure", range, description: `Azure Pipelines pull request${id ? ` #${id}` : ""} into ${target}: commits ${short(targetTip)}..${short(source)} (the pull request's own commits)` };
      }
      requireCommit(git, `${merge}^2`, "the pull request head (second parent of the merge commit)", "azure");
    }
    const range = checkedRange(git, base!, head!, ["the target branch tip", "the pull request head"], "azure");
    return { provider: "azure", range, description: `Azure Pipelines pull request${id ? ` #${id}` : ""}${target ? ` into ${target}` : ""}: commits ${short(base!)}..${short(head!)} (the pull request's own commits)` };
  }
  const head = requireCommit(git, version, "the built commit", "azure");
  const branch = branchName(env.BUILD_SOURCEBRANCH);
  return {
    provider: "azure",
    lastCommit: head,
    description: `Azure Pipelines ${reason || "build"}${branch ? ` of ${branch}` : ""}: Azure names no previous tip, so the built commit ${short(head)} is scanned (pass --range A..B to cover more)`,
  };
}
