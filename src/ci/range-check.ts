// A planned range is only as good as the clone it runs in: both ends must be present and joined by
// history, or the scan would silently cover less (or, past a shallow boundary, far more) than the
// change under review. This turns a missing commit into one clear, actionable line.
import { KeyfenceError } from "../errors.js";
import type { GitProbe } from "./git-probe.js";
import { short } from "./plan.js";

/** What to tell the user when the clone is too shallow, per provider. */
export const DEEPEN_HINT = {
  github: "set `fetch-depth: 0` on actions/checkout so the whole history is fetched",
  gitlab: "set the CI/CD variable `GIT_DEPTH: 0` (or a depth that covers the change) so the history is fetched",
  azure: "set `fetchDepth: 0` on the pipeline's `checkout: self` step (new pipelines fetch one commit by default)",
  bitbucket: "set `clone: depth: full` in bitbucket-pipelines.yml (the default clone is 50 commits deep)",
  jenkins: "turn off the shallow clone (Git › Advanced clone behaviours › Shallow clone) or run `git fetch --unshallow` first",
  circleci: "use the full `checkout` step (no `--depth` fetch), or run `git fetch --unshallow` first",
  generic: "fetch the full history (git fetch --unshallow)",
} as const;

export type Provider = keyof typeof DEEPEN_HINT;

/** The commit `rev` names, or a one-line error saying why it is missing and how to fix it. */
export function requireCommit(git: GitProbe, rev: string, role: string, provider: Provider): string {
  const sha = git.resolve(rev);
  if (sha) return sha;
  if (git.isShallow()) {
    throw new KeyfenceError(`the clone is shallow and lacks ${role} ${short(rev)}; ${DEEPEN_HINT[provider]}`, { subject: "keyfence ci" });
  }
  throw new KeyfenceError(`${role} ${short(rev)} is not in this clone; fetch it first (git fetch origin ${rev})`, { subject: "keyfence ci" });
}

/** `base..head`, after checking both commits exist and (in a shallow clone) that history joins them. */
export function checkedRange(git: GitProbe, base: string, head: string, roles: [string, string], provider: Provider): string {
  const b = requireCommit(git, base, roles[0], provider);
  const h = requireCommit(git, head, roles[1], provider);
  if (git.isShallow() && !git.connected(b, h)) {
    throw new KeyfenceError(`the clone is shallow and the history between ${roles[0]} ${short(b)} and ${roles[1]} ${short(h)} is cut off; ${DEEPEN_HINT[provider]}`, {
      subject: "keyfence ci",
    });
  }
  return `${b}..${h}`;
}
