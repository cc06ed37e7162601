import { createHash } from "node:crypto";

const MASK = "••••••••";

/**
 * Keeps what identifies the key to its owner (the provider prefix and the last four characters)
 * and nothing that helps use it. The mask has a fixed width so the length is not revealed either.
 * Short bodies lose their tail too: four of twelve characters is too much of a secret.
 */
export function redact(secret: string, prefix: string): string {
  const kept = secret.startsWith(prefix) ? prefix : "";
  const body = secret.length - kept.length;
  const tail = body >= 16 ? secret.slice(-4) : "";
  return `${kept}${MASK}${tail}`;
}

export function sha256Hex(value: string | Uint8Array): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Stable across line moves and unrelated edits: only the rule, the path and the secret take part. */
export function fingerprintOf(ruleId: string, path: string, secretHash: string): string {
  return sha256Hex(`${ruleId}\0${path}\0${secretHash}`).slice(0, 32);
}
