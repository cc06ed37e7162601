// Whether a decoded value is a credential in its own right (a decoder rule reporting it itself, when
// no other rule finds a credential inside). Base64 in a Kubernetes Secret holds certificates, JSON
// documents, words and ciphertext as often as passwords: the key's name or the decoded bytes must
// say "credential" — a secret-named key, or a printable, token-like value.
import { nameWords } from "./assignment/rule-names.js";
import { randomLooking } from "./validators.js";

/** Words in a key name that say it holds a credential. */
const SECRET_WORDS: ReadonlySet<string> = new Set(["password", "passwd", "pwd", "pass", "secret", "secrets", "token", "key", "apikey", "credential", "credentials", "auth", "private", "passphrase", "dsn"]);
/** Last words of a key name for public material (certificates, public keys, CA bundles). */
const PUBLIC_WORDS: ReadonlySet<string> = new Set(["crt", "cert", "certs", "certificate", "cer", "pub", "ca", "chain", "bundle", "truststore"]);

export function decodedIsCredential(decoded: Buffer, name: string | undefined): boolean {
  const words = name === undefined ? [] : nameWords(name);
  if (words.length && PUBLIC_WORDS.has(words[words.length - 1]!)) return false;
  const text = decoded.toString("latin1");
  if (/^-----BEGIN (?:CERTIFICATE|PUBLIC KEY|X509 CRL)/.test(text)) return false;
  const secretNamed = words.some((w) => SECRET_WORDS.has(w));
  // Documents (JSON, YAML, several lines) are containers: what is secret inside them other rules find.
  if (/^\s*[[{]/.test(text) || /\n./.test(text.trim())) return false;
  const printable = /^[\x20-\x7e]*$/.test(text.trim());
  // Binary counts only under a name that says credential, and only key-sized: raw keys are 16–64
  // bytes, while ciphertext (SealedSecret encryptedData, SOPS) carries a wrapped key and runs longer.
  if (!printable) return secretNamed && decoded.length <= 128;
  if (secretNamed) return true;
  return !/\s/.test(text.trim()) && randomLooking(text.trim());
}
