// Jenkins (JENKINS_URL is set in every build). Multibranch pipelines and the git plugin say:
//   change requests (CHANGE_ID, CHANGE_TARGET) → origin/<target>..GIT_COMMIT: the commits the pull
//                  request adds to its target (the target branch must be fetched; said if not)
//   branch builds → GIT_PREVIOUS_SUCCESSFUL_COMMIT..GIT_COMMIT (so commits of failed builds are
//                  covered), else GIT_PREVIOUS_COMMIT..GIT_COMMIT, else the built commit alone
import { KeyfenceError } from "../errors.js";
import type { GitProbe } from "./git-probe.js";
import { checkedRange, requireCommit } from "./range-check.js";
import { short, type CiPlan } from "./plan.js";

export function isJenkins(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.JENKINS_URL);
}

export function jenkinsPlan(env: NodeJS.ProcessEnv, git: GitProbe): CiPlan {
  const commit = env.GIT_COMMIT;
  if (!commit) throw new KeyfenceError("is not set (the job does not check out with the git plugin); pass --range A..B", { subject: "GIT_COMMIT" });
  if (env.CHANGE_ID) {
    const target = env.CHANGE_TARGET;
    if (!target) throw new KeyfenceError("is not set in this change request build", { subject: "CHANGE_TARGET" });
    const base = git.resolve(`refs/remotes/origin/${target}`);
    if (!base) {
      throw new KeyfenceError(`origin/${target} is not in this clone, so the change request's commits cannot be told apart; fetch it first (git fetch --no-tags origin "+refs/heads/${target}:refs/remotes/origin/${target}")`, {
        subject: "keyfence ci",
      });
    }
    const range = checkedRange(git, base, commit, [`the target branch origin/${target}`, "the change request head"], "jenkins");
    const head = range.split("..")[1]!;
    return { provider: "jenkins", range, description: `Jenkins change request ${env.CHANGE_ID} into ${target}: commits ${short(base)}..${short(head)} (the change request's own commits)` };
  }
  const branch = env.BRANCH_NAME || env.GIT_BRANCH || "";
  const previous = env.GIT_PREVIOUS_SUCCESSFUL_COMMIT || env.GIT_PREVIOUS_COMMIT;
  const which = env.GIT_PREVIOUS_SUCCESSFUL_COMMIT ? "last successful build" : "previous build";
  if (previous && previous !== commit) {
    if (!git.resolve(previous)) {
      // Shallow: say how to deepen. Otherwise a force push or a pruned history took the old commit,
      // and scanning less than the change would be a silent gap.
      if (git.isShallow()) requireCommit(git, previous, `the ${which}'s commit`, "jenkins");
      throw new KeyfenceError(`the ${which}'s commit ${short(previous)} is not in this clone (force push, or a shallow clone); pass --range A..B`, { subject: "keyfence ci" });
    }
    const range = checkedRange(git, previous, commit, [`the ${which}'s commit`, "the built commit"], "jenkins");
    const [b, h] = range.split("..") as [string, string];
    return { provider: "jenkins", range, description: `Jenkins build of ${branch || "the branch"}: commits ${short(b)}..${short(h)} (since the ${which})` };
  }
  const head = requireCommit(git, commit, "the built commit", "jenkins");
  return { provider: "jenkins", lastCommit: head, description: `Jenkins build of ${branch || "the branch"}: no earlier build of it, so the built commit ${short(head)} is scanned (pass --range A..B to cover more)` };
}
