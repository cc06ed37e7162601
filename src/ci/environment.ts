// `keyfence ci`'s first step: which CI this is and which commits are the change under review.
import { gitProbe, type GitProbe } from "./git-probe.js";
import { githubPlan, isGitHubActions } from "./github.js";
import { gitlabPlan, isGitLabCi } from "./gitlab.js";
import { genericPlan } from "./generic.js";
import type { CiPlan } from "./plan.js";

export interface PlanOptions {
  /** An explicit `A..B` (from --range): wins over anything the environment says. */
  range?: string;
  /** For tests: answer git questions some other way. */
  git?: GitProbe;
}

/** The plan for this environment; throws a one-line KeyfenceError when the clone cannot support it. */
export function planFromEnvironment(env: NodeJS.ProcessEnv, cwd: string, options: PlanOptions = {}): CiPlan {
  const git = options.git ?? gitProbe(cwd);
  if (options.range) return genericPlan(git, options.range, isGitHubActions(env) ? "github" : isGitLabCi(env) ? "gitlab" : "generic");
  if (isGitHubActions(env)) return githubPlan(env, git);
  if (isGitLabCi(env)) return gitlabPlan(env, git);
  return genericPlan(git, undefined);
}
