// How every reporter shows a finding's live verification (only present with --verify): a short
// label beside the severity and one sentence with the reason.
import type { Finding } from "../types.js";

/** " [verified live]", or "" when verification did not run. */
export function verificationLabel(f: Finding): string {
  return f.verification ? ` [verified ${f.verification.status}]` : "";
}

/** "Verification: live (the provider accepted …)." or "". */
export function verificationSentence(f: Finding): string {
  return f.verification ? `Verification: ${f.verification.status} (${f.verification.reason}).` : "";
}
