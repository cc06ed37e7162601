// What a developer sees when the pre-commit hook stops a commit: which lines, why, how to fix it,
// how to mark a false positive, and the emergency exit. Built from findings' redacted fields only.
import { ROTATION_DAYS, SEVERITIES, type Finding } from "../types.js";

export function blockMessage(blocking: readonly Finding[]): string {
  const n = blocking.length;
  const lines = [`keyfence blocked this commit: ${n} credential${n === 1 ? "" : "s"} in lines it adds.`];
  for (const f of blocking) {
    lines.push(`  ${f.path}:${f.line}  ${f.severity}  ${f.title} [${f.ruleId}] (provider: ${f.provider})  ${f.redacted}`);
  }
  const windows = SEVERITIES.filter((s) => blocking.some((f) => f.severity === s) && ROTATION_DAYS[s] !== undefined).map((s) => `${s} within ${ROTATION_DAYS[s]} days`);
  lines.push(
    "How to fix:",
    "  1. Take the value out of the file and load it at run time from an environment variable or a secret",
    "     manager; then 'git add' the file again.",
    `  2. If it has left this machine (pushed, shared, pasted), it is exposed: rotate it (${windows.join(", ") || "see the fix line above"}).`,
    "Not a credential? Put 'keyfence:allow <rule-id> -- <reason>' in a comment on that line, or accept it in a",
    "  baseline with a reason (keyfence baseline).",
    "Emergency only: KEYFENCE_BYPASS=\"<reason, e.g. incident 4312>\" git commit … lets it through and records who and why",
    "  in the audit log; 'git commit --no-verify' skips the check with no record. Either way the secret enters history and must be rotated.",
  );
  return lines.join("\n") + "\n";
}

/** Added to a keyfence error when the staged check could not run: the commit is blocked (fail closed). */
export const FAIL_CLOSED_HINT = "nothing was checked, so the commit is blocked; fix this, or bypass once with 'git commit --no-verify'";
