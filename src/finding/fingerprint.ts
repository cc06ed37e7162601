// Digests that identify a secret or a finding without revealing the secret.
import { createHash } from "node:crypto";

export function sha256Hex(value: string | Uint8Array): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Stable across line moves and unrelated edits: only the rule, the path and the secret take part. */
export function fingerprintOf(ruleId: string, path: string, secretHash: string): string {
  return sha256Hex(`${ruleId}\0${path}\0${secretHash}`).slice(0, 32);
}
