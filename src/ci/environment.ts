// `keyfence ci`'s first step: which CI this is and which commits are the change under review. Each
// CI is one detection module; this table is the only place that knows them all (first match wins).
import { gitProbe, type GitProbe } from "./git-probe.js";
import { githubPlan, isGitHubActions } from "./github.js";
import { gitlabPlan, isGitLabCi } from "./gitlab.js";
import { azurePlan, isAzurePipelines } from "./azure.js";
import { bitbucketPlan, isBitbucketPipelines } from "./bitbucket.js";
import { isJenkins, jenkinsPlan } from "./jenkins.js";
import { circleciPlan, isCircleCi } from "./circleci.js";
import { genericPlan } from "./generic.js";
import type { Provider } from "./range-check.js";
import type { CiPlan } from "./plan.js";

export interface PlanOptions {
  /** An explicit `A..B` (from --range): wins over anything the environment says. */
  range?: string;
  /** For tests: answer git questions some other way. */
  git?: GitProbe;
}

interface CiSystem {
  provider: Exclude<Provider, "generic">;
  detect(env: NodeJS.ProcessEnv): boolean;
  plan(env: NodeJS.ProcessEnv, git: GitProbe): CiPlan;
}

export const CI_SYSTEMS: readonly CiSystem[] = [
  { provider: "github", detect: isGitHubActions, plan: githubPlan },
  { provider: "gitlab", detect: isGitLabCi, plan: gitlabPlan },
  { provider: "azure", detect: isAzurePipelines, plan: azurePlan },
  { provider: "bitbucket", detect: isBitbucketPipelines, plan: bitbucketPlan },
  { provider: "jenkins", detect: isJenkins, plan: jenkinsPlan },
  { provider: "circleci", detect: isCircleCi, plan: circleciPlan },
];

/** The CI this process runs in, if keyfence knows it. */
export function detectCi(env: NodeJS.ProcessEnv): CiSystem | undefined {
  return CI_SYSTEMS.find((s) => s.detect(env));
}

/** The plan for this environment; throws a one-line KeyfenceError when the clone cannot support it. */
export function planFromEnvironment(env: NodeJS.ProcessEnv, cwd: string, options: PlanOptions = {}): CiPlan {
  const git = options.git ?? gitProbe(cwd);
  const system = detectCi(env);
  if (options.range) return genericPlan(git, options.range, system?.provider ?? "generic");
  return system ? system.plan(env, git) : genericPlan(git, undefined);
}
