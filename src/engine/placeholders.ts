// Values that look like secrets but are stand-ins: documentation placeholders, template and
// environment references, masked values, hashes, and published example keys. Checked after
// entropy and checksums (cheapest first).
import { nodeCrypto } from "../deferred-imports.js";

/**
 * Case-insensitive substrings that mark a value as a placeholder in every rule. Each is at least
 * five characters: shorter words occur by chance inside random 99-character keys (a real key
 * containing "fAkE" was dropped in the accuracy benchmark before this rule was kept).
 */
export const DEFAULT_STOPWORDS: readonly string[] = [
  "example",
  "sample",
  "placeholder",
  "your_",
  "your-",
  "yourkey",
  "yoursecret",
  "yourtoken",
  "changeme",
  "change_me",
  "replace_me",
  "replaceme",
  "redacted",
  "dummy",
  "xxxxxx",
  "******",
  "••••",
  "insert_",
  "lorem",
  "notreal",
  "not_real",
  "not-real",
  "foobar",
];

/**
 * Published example credentials (documentation keys, emulator keys, test card numbers), kept as
 * SHA-256 so this file holds no credential-shaped literal. They are public, so never a leak.
 */
const KNOWN_EXAMPLES: ReadonlySet<string> = new Set([
  // Stripe API reference sample test secret key (docs.stripe.com/api/authentication)
  "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
  // Stripe API reference sample test publishable key
  "b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b",
  // Stripe docs sample test secret key (logged-out visitors)
  "f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397",
  // Azurite / Storage Emulator account key (published by Microsoft)
  "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
  // jwt.io default example token
  "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
  // IBAN documentation example (ECBS)
  "45c755c9e88ba16735daa1e465dde67bfcb209ea707ea9955ebb853683b8a248",
  // IBAN documentation example (Germany)
  "faf7e1c0107370ff6f5d03205da7d8ae41ba8e22b31e94b986a65210075d9a1d",
  // Mollie documentation example test API key and organization access token (docs.mollie.com)
  "9387af38d1038761f0ce6deb8dce56e1826e0faea6e7492e1d94bb7cb21580a2",
  "8de69d99424cdd82a3739206bf674f55a64204e02ba15d644d6b002e5f68b7ab",
  // Card networks' and PSPs' published test PANs (Stripe, Braintree, Adyen test cards)
  "477bba133c182267fe5f086924abdc5db71f77bfc27f01f2843f2cdc69d89f05",
  "9bbef19476623ca56c17da75fd57734dbf82530686043a6e491c6d71befe8f6e",
  "68594afe9c9cda525f6aca7a7316ca06c9db4952ba6f5217944581dc4a07e0b6",
  "2f725bbd1f405a1ed0336abaf85ddfeb6902a9984a76fd877c3b5cc3b5085a82",
  "576c15a8072461c216efb9bd7306a6fc6039b43a6763c4c1a05930a2dd7b788f",
  "3a134ef77d4e2e4cdad2d2945ff1f76c1a23296c93c851f6244220a8cedea130",
  "53a8fc816e63b7a5ccd17aaff93f28bcf13abbf418209dcd93947722d7c326ba",
  "19ff47cc8024c133d5845d3f8938caca289929031e7d508c3adf7adff177f0c2",
  "10f6a49b3088d98187bf43161da352a767662efa07658531b811edcf1b34fed6",
  "d79449f462cec9af0d857c3e1af888d4fa8bbdaa511b9eaaafcd2805c4ea6471",
  "7cbcc57fc39e4317fa8d55bb2d442f829f0c21ffa4c4683c48e7263faf1a871a",
  "304945e91de3deff52a61d08733141d72dd42ec9d47972f1060534d54c0c7f90",
  "dd13cdf9af9dd3baf46ce96aecd7163cabf381ccb21e63f15f0fa10b1c663fa9",
  "acd08f29a41f2e55ab0c4f774b1562b03ff01a905ed5b100f4facd43af572b1b",
  "e5de3c3d9fcb43b15abddceb57a9f70055fdfb4b504765336054c926abeb88de",
  "1789612b7ca1f7d829a85f8996d6c12baac260ab87ae1d77ec33439a928eedfe",
  "d8086d483c15c711ebba19f966b97d3c2adcba74025ff8d7e07c3698c9531deb",
  "20e6583871d36495e2beca33ecfc369c90a53f32987a81b2ce732df48b438c7b",
  "51a4ae4c6ae999146474a67cbcb3b05fbcf4c17ab683043a066459da95513ea8",
  "f41e7ca4a3d71c4f047581f2ae2d6a8dbb8c58e51a020fa227edc724474aab6e",
  "1c9d38ed26cd808fa3b02b9b3b988a7caf474e2e42d95789c0fe07e267c80d8f",
  "b40e9bc7a74d50ab4f006ab0d3e85a8b96a5092989d5934623555f94ae48c836",
  "1d942407169d8f20c6f6152ff0c398ad1da85fd8694def8105b72140e5853472",
  "f2e5869113fb2e20e8797fa14432dbb4871aaf4071a4ad7cbb56277fa1fac9bf",
  "75997d50623ab744b69bf6d32eb00c40f6e8f16d1c48cbc693e73c04429f0080",

]);

// Template and reference syntaxes: ${VAR}, {{ var }}, <KEY>, %VAR%, $VAR, $(VAR), #{var}, <%= %>,
// printf slots, process.env.X, os.environ[...], Spring ${…}, Azure DevOps $(…).
const REFERENCE = /\$\{[^}]*\}|\{\{[^}]*\}\}|^<[^<>]+>$|^%[A-Za-z_][A-Za-z0-9_]*%$|^\$[A-Za-z_][A-Za-z0-9_]*$|\$\([A-Za-z_][A-Za-z0-9_.]*\)|#\{[^}]*\}|<%=?[^%]*%>|^%[sd]$|%\([a-z_]+\)s|process\.env|os\.environ|getenv\(|ENV\[|import\.meta\.env/;

// Subresource-integrity and lockfile hashes (`sha512-…`), `sha256:` digests: hashes, not keys.
const HASH_PREFIX = /^(?:sha1|sha256|sha384|sha512|md5)[-:]/i;

/** True when the value is a placeholder rather than a credential. */
export function isPlaceholder(value: string, extraStopwords: readonly string[]): boolean {
  if (REFERENCE.test(value) || HASH_PREFIX.test(value)) return true;
  const lower = value.toLowerCase();
  for (const w of DEFAULT_STOPWORDS) if (lower.includes(w)) return true;
  for (const w of extraStopwords) if (lower.includes(w)) return true;
  if (isMonotone(value)) return true;
  return isKnownExample(value);
}

/** A published example value (compared by hash; separators in card numbers ignored). */
export function isKnownExample(value: string): boolean {
  const digest = (v: string) => nodeCrypto().createHash("sha256").update(v).digest("hex");
  if (KNOWN_EXAMPLES.has(digest(value))) return true;
  const compact = value.replace(/[\s-]/g, "");
  return compact !== value && KNOWN_EXAMPLES.has(digest(compact));
}

/** A long run of one character (`0000…`, `xxxx…`) or a plain sequence is filler, not a key. */
function isMonotone(value: string): boolean {
  // Look only at the part after the last separator: prefixes such as `sk_live_` are fixed text.
  const body = value.slice(Math.max(value.lastIndexOf("_"), value.lastIndexOf("-")) + 1);
  if (body.length < 8) return false;
  const distinct = new Set(body).size;
  if (distinct <= 2) return true;
  if (/0123456789|abcdefghij|ABCDEFGHIJ/.test(body) && distinct <= 12) return true;
  return false;
}
