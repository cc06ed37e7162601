// What an assignment rule accepts, compiled: its names as word sequences and its value as an anchored
// RE2. A name found in the text is split into words the same way in every case convention, so one
// rule name ("dd api key") covers DD_API_KEY, ddApiKey, dd-api-key, dd.api.key and DdApiKey.
import type RE2 from "re2";
import { compilePattern } from "../compile.js";
import type { RuleAssignment } from "../../types.js";

export interface CompiledAssignment {
  /** Each accepted name with its words run together ("ddapikey"), matched against consecutive words. */
  names: string[];
  exclude: string[];
  value: RE2;
}

/**
 * Names that are about a secret rather than hold one: their value is a handle, a setting or a
 * cursor (an ARN, a URL, a length, a time, an id, a page or version token). Shared by every rule;
 * a rule that itself names one of these sequences (e.g. "public key") keeps it.
 */
const SHARED_EXCLUDE: readonly string[][] = [
  "page token", "next token", "continuation token", "version token", "sync token", "cursor token", "pagination token",
  "csrf token", "xsrf token", "idempotency key", "public key", "publishable key", "cache key", "sort key", "partition key",
  "primary key", "foreign key", "max tokens", "token type", "key name", "secret name", "password policy", "secret ref",
].map((s) => s.split(" "));

/**
 * Last words that make the whole name a descriptor of a secret (SecretsManagerAccessRoleArn,
 * PasswordLastUsed, DB_PASSWORD_FILE, TOKEN_TTL, api_key_id): what such a name holds is not the secret.
 */
const DESCRIPTORS: ReadonlySet<string> = new Set(
  ("arn arns url urls uri endpoint host hostname path paths file filename dir name names id ids type types length len " +
    "size ttl expiry expires expiration timeout time timestamp date at used count version format prefix suffix field " +
    "label hint placeholder enabled disabled required policy role header param rotation regex pattern env var variable " +
    "mode min max location ref reference source template error message msg help description title text input button " +
    "page link store provider manager").split(" "),
);

/** Words of a name: split at non-alphanumerics and case changes (fooBar, FOOBar, Foo2Bar), lower-cased. */
export function nameWords(name: string): string[] {
  const out: string[] = [];
  let word = "";
  const flush = () => {
    if (word) out.push(word.toLowerCase());
    word = "";
  };
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    const code = ch.charCodeAt(0);
    const upper = code >= 65 && code <= 90;
    const lower = code >= 97 && code <= 122;
    const digit = code >= 48 && code <= 57;
    if (!upper && !lower && !digit) {
      flush();
      continue;
    }
    if (upper && word) {
      const prev = word.charCodeAt(word.length - 1);
      const prevUpper = prev >= 65 && prev <= 90;
      const next = name.charCodeAt(i + 1);
      const nextLower = next >= 97 && next <= 122;
      // fooBar → foo|Bar; FOOBar → FOO|Bar; FOO2 stays one word.
      if (!prevUpper || nextLower) flush();
    }
    word += ch;
  }
  flush();
  return out;
}

/**
 * Where `joined` (words run together) matches consecutive whole words of `words`: the index just
 * past the last matched word, or -1. Consecutive words may together spell it (api|key or apikey).
 */
function matchAt(words: readonly string[], joined: string, from = 0): { start: number; end: number } | undefined {
  for (let i = from; i < words.length; i++) {
    let acc = "";
    for (let j = i; j < words.length; j++) {
      acc += words[j];
      if (acc === joined) return { start: i, end: j + 1 };
      if (acc.length >= joined.length || !joined.startsWith(acc)) break;
    }
  }
  return undefined;
}

/** Whether a name (its words) is one the rule accepts. */
export function acceptsName(a: CompiledAssignment, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  let hit: { start: number; end: number } | undefined;
  for (const n of a.names) if ((hit = matchAt(words, n))) break;
  if (!hit) return false;
  for (const x of a.exclude) if (matchAt(words, x)) return false;
  // A descriptor after the accepted words (PasswordLastUsed, api_key_id) names a property of the secret.
  if (hit.end < words.length && DESCRIPTORS.has(words[words.length - 1]!)) return false;
  return true;
}

export function compileAssignment(spec: RuleAssignment, where: { file?: string; line?: number; subject?: string }): CompiledAssignment {
  const names = spec.names.map((n) => n.toLowerCase().split(/\s+/).join(""));
  const own = spec.names.map((n) => ` ${n.toLowerCase()} `);
  const shared = SHARED_EXCLUDE.filter((x) => !own.some((n) => n.includes(` ${x.join(" ")} `))).map((x) => x.join(""));
  const exclude = [...spec.exclude.map((n) => n.toLowerCase().split(/\s+/).join("")), ...shared];
  return { names, exclude, value: compilePattern(`^(?:${spec.value})$`, "", where) };
}
