// Values that look like secrets but are stand-ins: documentation placeholders, template and
// environment references, masked values. Checked after entropy and checksums (cheapest first).

/** Case-insensitive substrings that mark a value as a placeholder in every rule. */
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
];

// Template and reference syntaxes: ${VAR}, {{ var }}, <KEY>, %VAR%, $VAR, process.env.X, os.environ[...].
const REFERENCE = /\$\{[^}]*\}|\{\{[^}]*\}\}|^<[^<>]+>$|^%[A-Za-z_][A-Za-z0-9_]*%$|^\$[A-Za-z_][A-Za-z0-9_]*$|process\.env|os\.environ|getenv\(|ENV\[/;

/** True when the value is a placeholder rather than a credential. */
export function isPlaceholder(value: string, extraStopwords: readonly string[]): boolean {
  if (REFERENCE.test(value)) return true;
  const lower = value.toLowerCase();
  for (const w of DEFAULT_STOPWORDS) if (lower.includes(w)) return true;
  for (const w of extraStopwords) if (lower.includes(w)) return true;
  return isMonotone(value);
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
