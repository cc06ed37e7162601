// The one gate every name passes before it reaches any output (text, JSON, SARIF, GitLab, GitHub
// annotations and step summary, the HTML/Markdown reports, the audit log, warnings on stderr): the
// error-message scrubber replaces whatever the built-in rules recognise as a credential by its
// redacted form, then control characters are escaped — in every output but the JSON ones meant for
// programs (`--format json`, the audit log), where JSON's own escaping already keeps them from
// acting and a tool needs the exact path. Findings keep their raw fields for policy and
// fingerprints; only what is shown is rewritten.
import { scrubSecrets } from "./scrub.js";
import { escapeControls } from "./escape.js";
import { deriveFinding } from "../finding/secret-store.js";
import type { Finding } from "../types.js";

const cache = new Map<string, string>();
const CACHE_LIMIT = 50_000;

/** Whether control characters are escaped too (true) or left to JSON's escaping (false). */
export type Escape = boolean;

function scrubbed(text: string): string {
  let out = cache.get(text);
  if (out === undefined) {
    out = scrubSecrets(text);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, out);
  }
  return out;
}

/** A name as it may be shown: credentials redacted, control characters escaped (unless `escape` is false). */
export function safeName(text: string, escape: Escape = true): string {
  const out = scrubbed(text);
  return escape ? escapeControls(out) : out;
}

/** Fields of a finding that come from the input (or from configuration that came from it). */
const NAME_FIELDS = ["path", "commit", "author", "date", "message", "remediation", "redacted", "title"] as const;

/** The finding as reporters may show it; the same object when nothing in it needs rewriting. */
export function presentableFinding(f: Finding, escape: Escape = true): Finding {
  let changes: Partial<Record<(typeof NAME_FIELDS)[number], string>> | undefined;
  for (const key of NAME_FIELDS) {
    const value = f[key];
    if (typeof value !== "string") continue;
    const safe = safeName(value, escape);
    if (safe !== value) (changes ??= {})[key] = safe;
  }
  return changes ? deriveFinding(f, changes) : f;
}

/** Any record of strings (a notice, an exemption) with each string field made safe. */
export function presentableRecord<T extends object>(record: T, escape: Escape = true): T {
  let out: T | undefined;
  for (const [k, v] of Object.entries(record)) {
    if (typeof v === "string") {
      const safe = safeName(v, escape);
      if (safe !== v) (out ??= { ...record })[k as keyof T] = safe as T[keyof T];
    } else if (Array.isArray(v) && v.every((x) => typeof x === "string")) {
      const safe = v.map((x) => safeName(x, escape));
      if (safe.some((s, i) => s !== v[i])) (out ??= { ...record })[k as keyof T] = safe as T[keyof T];
    }
  }
  return out ?? record;
}
