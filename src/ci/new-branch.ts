// A push that creates a branch (or rewrites one past recovery) has no "before": the change is the
// commits not yet on the default branch. The first push of the default branch itself is all of it.
import type { GitProbe } from "./git-probe.js";
import { DEEPEN_HINT, requireCommit, type Provider } from "./range-check.js";
import { short, type CiPlan } from "./plan.js";
import { KeyfenceError } from "../errors.js";

export interface NewBranchInput {
  provider: Provider;
  label: string;
  git: GitProbe;
  head: string;
  branch: string;
  defaultBranch: string | undefined;
  why: string;
}

export function newBranchPlan(i: NewBranchInput): CiPlan & { provider: Provider } {
  const head = requireCommit(i.git, i.head, "the pushed commit", i.provider);
  if (i.defaultBranch && i.branch && i.branch !== i.defaultBranch) {
    const base = i.git.resolve(`refs/remotes/origin/${i.defaultBranch}`);
    if (base) {
      if (i.git.isShallow() && !i.git.connected(base, head)) {
        throw new KeyfenceError(`the clone is shallow and the history between origin/${i.defaultBranch} and ${short(head)} is cut off; ${DEEPEN_HINT[i.provider]}`, { subject: "keyfence ci" });
      }
      return { provider: i.provider, range: `${base}..${head}`, description: `${i.label} to ${i.branch} (${i.why}): commits not on ${i.defaultBranch}, ${short(base)}..${short(head)}` };
    }
    return {
      provider: i.provider,
      lastCommit: head,
      description: `${i.label} to ${i.branch} (${i.why}): origin/${i.defaultBranch} is not fetched, so only the last commit ${short(head)} is scanned; fetch it to cover every new commit`,
    };
  }
  if (i.git.isShallow()) {
    throw new KeyfenceError(`the clone is shallow and ${i.branch || "the branch"} is new (${i.why}), so its whole history must be scanned; ${DEEPEN_HINT[i.provider]}`, { subject: "keyfence ci" });
  }
  return { provider: i.provider, range: head, description: `${i.label} to ${i.branch || "the default branch"} (${i.why}): every commit reachable from ${short(head)}` };
}
