// Digests that identify a secret or a finding without revealing the secret. Every digest of a secret
// that leaves the process is keyed: HMAC-SHA256 under the repository's fingerprint key
// (src/finding/fingerprint-key.ts), which no report holds. An unkeyed hash of a weak secret (a
// password, a card number whose BIN and last four digits are known) can be reversed by guessing; a
// keyed one cannot without the key (PCI DSS v4.0 3.5.1.1).
import { nodeCrypto } from "../deferred-imports.js";

export function sha256Hex(value: string | Uint8Array): string {
  return nodeCrypto().createHash("sha256").update(value).digest("hex");
}

/** Domain separation: the key is used for nothing else under this label. */
const SECRET_LABEL = "keyfence/secret/v2\0";

/** The keyed digest of a secret (hex): equal secrets give equal digests under one key, and nothing else. */
export function secretDigest(key: Uint8Array, secret: string): string {
  return nodeCrypto().createHmac("sha256", key).update(SECRET_LABEL).update(secret).digest("hex");
}

/** A public name for a key (8 hex), so a baseline can say which key it was written with. */
export function keyId(key: Uint8Array): string {
  return nodeCrypto().createHmac("sha256", key).update("keyfence/key-id/v2").digest("hex").slice(0, 8);
}

/**
 * Stable across line moves and unrelated edits: only the rule, the path and the secret's keyed digest
 * take part (so it is as hard to test guesses against as the digest itself).
 */
export function fingerprintOf(ruleId: string, path: string, digest: string): string {
  return sha256Hex(`${ruleId}\0${path}\0${digest}`).slice(0, 32);
}
