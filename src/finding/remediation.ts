// The remediation a finding carries: what to do about an exposed credential.

/** One line a developer can act on: rotate within the window, where to revoke, what to do instead. */
export function remediationText(rotateDays: number | undefined, revokeUrl: string | undefined, advice: string | undefined): string {
  const parts: string[] = [];
  if (rotateDays) parts.push(`Rotate within ${rotateDays} days${revokeUrl ? ` (${revokeUrl})` : ""}`);
  else if (revokeUrl) parts.push(`Revoke or roll it at ${revokeUrl}`);
  parts.push(advice ?? "load it from an environment variable or a secret manager instead of committing it");
  const text = parts.join("; ");
  return text.charAt(0).toUpperCase() + text.slice(1) + ".";
}
