// What the pusher reads (git prefixes each line with "remote:"): which commits and lines hold a
// credential, never any part of its value, and how to repair the commits before pushing again.
// Paths, refs and commit ids come from the push, so control characters are shown escaped: a file
// name cannot move the cursor or forge a "push accepted" line on the pusher's terminal.
import type { Finding } from "../types.js";
import { BYPASS_OPTION } from "./push-options.js";

export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f\u0080-\u009f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function short(oid: string | undefined): string {
  return oid ? oid.slice(0, 10) : "(no commit)";
}

function place(f: Finding): string {
  return `${short(f.commit)} ${printable(f.path)}:${f.line}  ${f.ruleId} (${f.severity}, ${printable(f.title)})`;
}

const BAR = "keyfence: ──────────────────────────────────────────────────────────────";

export function rejectionMessage(blocking: readonly Finding[], options: { limit?: number } = {}): string {
  const limit = options.limit ?? 20;
  const commits = new Set(blocking.map((f) => f.commit));
  const out = [BAR, `keyfence: push rejected: ${blocking.length} credential${blocking.length === 1 ? "" : "s"} in ${commits.size} new commit${commits.size === 1 ? "" : "s"} (values are not shown).`];
  for (const f of blocking.slice(0, limit)) out.push(`keyfence:   ${place(f)}`);
  if (blocking.length > limit) out.push(`keyfence:   … and ${blocking.length - limit} more (run 'keyfence git --range <upstream>..HEAD' locally for all of them)`);
  const oldest = blocking.find((f) => f.commit)?.commit;
  const urls = [...new Set(blocking.map((f) => f.revokeUrl).filter((u): u is string => !!u))].slice(0, 5);
  out.push(
    "keyfence: How to fix:",
    "keyfence:   1. Rotate each credential now: it has left your machine, so deleting it is not enough.",
    ...urls.map((u) => `keyfence:        revoke/roll: ${printable(u)}`),
    "keyfence:   2. Take the value out of every commit that adds it, not only the latest one:",
    "keyfence:        last commit only:  edit the file, then git commit --amend",
    `keyfence:        older commits:     git rebase -i ${oldest ? short(oldest) : "<first commit>"}^  (mark each commit 'edit', remove the line, git commit --amend, git rebase --continue)`,
    "keyfence:   3. Read the value from an environment variable or a secret manager instead, then push again.",
    `keyfence: If this is a false positive or an accepted risk, push with a reason (recorded in the audit log):`,
    `keyfence:   git push -o ${BYPASS_OPTION}="TICKET-123: why this is safe"`,
    BAR,
  );
  return out.join("\n") + "\n";
}

export function unjudgeableMessage(items: readonly { what: string; reason: string }[]): string {
  const out = [BAR, "keyfence: push rejected: some of it could not be judged, and keyfence fails closed:"];
  for (const i of items) out.push(`keyfence:   ${printable(i.what)}: ${printable(i.reason)}`);
  out.push(`keyfence: Ask the server administrators, or push with a reason: git push -o ${BYPASS_OPTION}="TICKET-123: why"`, BAR);
  return out.join("\n") + "\n";
}

export function timeoutMessage(budgetMs: number, commits: number, accepted: boolean): string {
  const budget = `${(budgetMs / 1000).toFixed(1)} s`;
  if (accepted) {
    return `keyfence: WARNING: the push was not fully scanned within ${budget} (${commits} commits read); it is accepted by the server's policy (keyfence.preReceive.onTimeout=accept) and recorded in the audit log.\n`;
  }
  return [
    BAR,
    `keyfence: push rejected: keyfence could not finish scanning it within ${budget} (${commits} commits read), and fails closed.`,
    "keyfence:   Push fewer commits at a time (e.g. a branch in parts: git push origin <commit>:refs/heads/<branch>),",
    "keyfence:   ask the administrators to raise keyfence.preReceive.budget, or push with a reason:",
    `keyfence:   git push -o ${BYPASS_OPTION}="TICKET-123: why"`,
    BAR,
  ].join("\n") + "\n";
}
