// The raw secret travels beside a finding, never inside it: JSON.stringify, spreading or logging a
// Finding cannot leak it. Only code that asks by name (reporters under --show-secrets) gets it back.
import type { Finding, FindingPart } from "../types.js";

const secrets = new WeakMap<Finding, string>();

export function attachSecret(finding: Finding, secret: string): void {
  secrets.set(finding, secret);
}

/** The raw value of a finding's secret, for callers that were explicitly asked to show it. */
export function revealSecret(finding: Finding): string | undefined {
  return secrets.get(finding);
}

/** A changed copy of a finding that still carries its secret (spreading alone would drop it). */
export function deriveFinding(finding: Finding, changes: Partial<Finding>): Finding {
  const out = { ...finding, ...changes };
  const secret = secrets.get(finding);
  if (secret !== undefined) secrets.set(out, secret);
  return out;
}

const partSecrets = new WeakMap<FindingPart, string>();

/** Keeps a part's raw value beside it, as attachSecret does for a finding. */
export function attachPartSecret(part: FindingPart, secret: string): void {
  partSecrets.set(part, secret);
}

/**
 * The raw value of one part of a multi-part finding, by its role ("secret", "key id"), for callers
 * that need the credential itself (live verification, --show-secrets); undefined when it has no such part.
 */
export function revealPart(finding: Finding, role: string, part?: FindingPart): string | undefined {
  const p = part && finding.parts?.includes(part) ? part : finding.parts?.find((x) => x.role === role);
  return p && partSecrets.get(p);
}

/** Every part's raw value by role, in the finding's order (several parts may share a role). */
export function revealParts(finding: Finding): { role: string; ruleId: string; secret: string | undefined }[] {
  return (finding.parts ?? []).map((p) => ({ role: p.role, ruleId: p.ruleId, secret: partSecrets.get(p) }));
}
