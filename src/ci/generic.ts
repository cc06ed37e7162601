// Any other CI (or a laptop): the range the user names, else the last commit.
import { KeyfenceError } from "../errors.js";
import type { GitProbe } from "./git-probe.js";
import { checkedRange, requireCommit, type Provider } from "./range-check.js";
import { short, type CiPlan } from "./plan.js";

export function genericPlan(git: GitProbe, range: string | undefined, provider: Provider = "generic"): CiPlan {
  if (range) {
    const m = /^([^.\s][^\s]*?)\.\.([^.\s][^\s]*)$/.exec(range);
    if (!m) throw new KeyfenceError(`"${range}" is not a range of the form A..B`, { subject: "--range" });
    const checked = checkedRange(git, m[1]!, m[2]!, ["the range start", "the range end"], provider);
    return { provider, range: checked, description: `commits ${range} (${checked.split("..").map(short).join("..")})` };
  }
  const head = requireCommit(git, "HEAD", "the checked-out commit", provider);
  return { provider, lastCommit: head, description: `no CI detected and no --range: scanning the last commit ${short(head)}` };
}
