// The raw secret travels beside a finding, never inside it: JSON.stringify, spreading or logging a
// Finding cannot leak it. Only code that asks by name (reporters under --show-secrets) gets it back.
import type { Finding } from "../types.js";

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
