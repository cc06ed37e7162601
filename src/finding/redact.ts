// How a secret is shown when it must be named without being revealed.
const MASK = "••••••••";

// Armored blocks (PEM, OpenSSH, PGP) carry a public header and footer around the secret body.
const ARMOR = /^(-----BEGIN [A-Z0-9 ]+-----)([\s\S]*?)(?:-----END [A-Z0-9 ]+-----)?$/;

/**
 * Keeps what identifies the key to its owner (the provider prefix, or an armor header, and the
 * last four characters of the body) and nothing that helps use it. The mask has a fixed width so
 * the length is not revealed either. Short bodies lose their tail too: four of twelve is too much.
 */
export function redact(secret: string, prefix: string): string {
  const armor = ARMOR.exec(secret);
  const kept = armor ? armor[1]! : secret.startsWith(prefix) ? prefix : "";
  const body = (armor ? armor[2]! : secret.slice(kept.length)).replace(/[\s\\=]+$/g, "");
  const tail = body.length >= 16 ? body.slice(-4) : "";
  return `${kept}${MASK}${tail}`;
}
