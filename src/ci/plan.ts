// What `keyfence ci` scans: the change under review, as a git revision range, and one line that says
// so in the CI log (what users of other scanners most often cannot tell).

export type CiProvider = "github" | "gitlab" | "azure" | "bitbucket" | "jenkins" | "circleci" | "generic";

export interface CiPlan {
  provider: CiProvider;
  /**
   * Commits to scan, in git's revision syntax: `A..B` (in B, not in A) or a lone `B` (everything
   * reachable from B, for the first push of a repository). Unset when `lastCommit` is set or when
   * there is nothing to scan (a deleted branch).
   */
  range?: string;
  /** The one commit to scan, when the change cannot be known (scheduled runs, no range given). */
  lastCommit?: string;
  /** One line for the log: provider, event, what is scanned and why. */
  description: string;
}

/** The plan as one git revision range (`C^!` is commit C alone), or undefined when nothing is to be scanned. */
export function revisionRange(plan: CiPlan): string | undefined {
  if (plan.range) return plan.range;
  if (plan.lastCommit) return `${plan.lastCommit}^!`;
  return undefined;
}

/** Git's name for "no commit": the `before` of a new branch, the `after` of a deleted one. */
export function isZeroSha(sha: string | undefined): boolean {
  return !sha || /^0+$/.test(sha);
}

export function short(sha: string): string {
  return /^[0-9a-f]{40,64}$/.test(sha) ? sha.slice(0, 12) : sha;
}
