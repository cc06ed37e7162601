// What an assignment rule accepts, compiled: its names as word sequences and its value as an anchored
// RE2. A name found in the text is split into words the same way in every case convention, so one
// rule name ("dd api key") covers DD_API_KEY, ddApiKey, dd-api-key, dd.api.key and DdApiKey.
import type RE2 from "re2";
import { compilePattern } from "../compile.js";
import type { RuleAssignment } from "../../types.js";

export interface CompiledAssignment {
  /** Each accepted name as word runs, matched against consecutive words of a name in the text. */
  names: NamePattern[];
  /**
   * The names a value can be said to spell (mentionsName): those of five letters or more. A random
   * key's case changes cut shorter ones (`pwd`, `pass`) out of it by chance (`…rPWdJq…` holds "pwd").
   */
  spelled: NamePattern[];
  exclude: NamePattern[];
  /** The syntaxes whose pairs count; undefined: all. */
  syntaxes?: ReadonlySet<string>;
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
 * A secret's encrypted or hashed form is not the secret either (Travis's `api_key:` / `secure: …`,
 * password_hash, token_digest).
 */
const DESCRIPTORS: ReadonlySet<string> = new Set(
  ("arn arns url urls uri endpoint host hostname path paths file filename dir name names id ids type types length len " +
    "size ttl expiry expires expiration timeout time timestamp date at used count version format prefix suffix field " +
    "label hint placeholder enabled disabled required policy role header param rotation regex pattern env var variable " +
    "mode min max location ref reference source template error message msg help description title text input button " +
    "page link store provider manager secure encrypted ciphertext hash hashed digest").split(" "),
);

/**
 * Last words of a name whose value identifies or counts something (order_id, device_imei,
 * sim_iccid, retry_count): a card-shaped number there is that identifier, not a card. IMEIs and
 * ICCIDs carry a Luhn digit too.
 */
const IDENTIFIER_WORDS: ReadonlySet<string> = new Set(
  "id ids uuid guid ref reference seq sequence index idx count total amount timestamp ts version port phone msisdn imei iccid".split(" "),
);

/** Whether a name (its words) ends in a word that makes its value an identifier or a count. */
export function namesAnIdentifier(words: readonly string[]): boolean {
  return words.length > 0 && IDENTIFIER_WORDS.has(words[words.length - 1]!);
}

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

/** A name pattern: word runs (words run together, "apikey") with a gap of up to GAP words between runs. */
type NamePattern = string[];

/** How many words a `*` in a name may stand for ("plaid * secret": PLAID_SECRET, plaidClientSecret). */
const GAP = 3;

/**
 * A run this long may also end a word that glues something before it (PGPASSWORD, DBPASSWORD,
 * MYAPIKEY): capitals run together hide word breaks, and a long run does not end a word by chance.
 */
const GLUED_RUN = 6;

/** Where a word run matches consecutive whole words from `i` (they may together spell it): the end, or -1. */
function runAt(words: readonly string[], run: string, i: number, glued = false): number {
  if (glued && run.length >= GLUED_RUN && words[i]!.length > run.length && words[i]!.endsWith(run)) return i + 1;
  let acc = "";
  for (let j = i; j < words.length; j++) {
    acc += words[j];
    if (acc === run) return j + 1;
    if (acc.length >= run.length || !run.startsWith(acc)) return -1;
  }
  return -1;
}

/** End of a match of runs[k…] starting at word i, or -1 (at most GAP+1 tries per gap: bounded). */
function restAt(words: readonly string[], runs: NamePattern, k: number, i: number): number {
  // Only a name's first run may be glued to what comes before it.
  const end = runAt(words, runs[k]!, i, k === 0);
  if (end < 0 || k === runs.length - 1) return end;
  for (let g = 0; g <= GAP && end + g < words.length; g++) {
    const e = restAt(words, runs, k + 1, end + g);
    if (e >= 0) return e;
  }
  return -1;
}

/** The first match of a name pattern in the words: its end (index past the last word), or -1. */
function matchEnd(words: readonly string[], runs: NamePattern): number {
  for (let i = 0; i < words.length; i++) {
    const e = restAt(words, runs, 0, i);
    if (e >= 0) return e;
  }
  return -1;
}

/**
 * Whether the rule's names match but the rest of the name rules it out (`card_id`, `api_key_id`,
 * `nextPageToken`): the value is then not this credential, however it was found.
 */
export function rejectsName(a: CompiledAssignment, words: readonly string[]): boolean {
  return words.length > 0 && a.names.some((n) => matchEnd(words, n) >= 0) && !acceptsName(a, words);
}

/** Whether words (of a value) spell one of the rule's names: `setApiKey = setApiKey` holds no key. */
export function mentionsName(a: CompiledAssignment, words: readonly string[]): boolean {
  return a.spelled.some((n) => matchEnd(words, n) >= 0);
}

/** Whether a name (its words) is one the rule accepts. */
export function acceptsName(a: CompiledAssignment, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  let end = -1;
  for (const n of a.names) if ((end = matchEnd(words, n)) >= 0) break;
  if (end < 0) return false;
  for (const x of a.exclude) if (matchEnd(words, x) >= 0) return false;
  // A descriptor after the accepted words (PasswordLastUsed, api_key_id) names a property of the secret.
  if (end < words.length && DESCRIPTORS.has(words[words.length - 1]!)) return false;
  return true;
}

/** "plaid * secret" → ["plaid", "secret"]; "dd api key" → ["ddapikey"]. */
function patternOf(name: string): NamePattern {
  return name.toLowerCase().split(/\s*\*\s*/).map((run) => run.split(/\s+/).join(""));
}

export function compileAssignment(spec: RuleAssignment, where: { file?: string; line?: number; subject?: string }): CompiledAssignment {
  const names = spec.names.map(patternOf);
  const own = spec.names.map((n) => ` ${n.toLowerCase()} `);
  const shared = SHARED_EXCLUDE.filter((x) => !own.some((n) => n.includes(` ${x.join(" ")} `))).map((x) => [x.join("")]);
  const exclude = [...spec.exclude.map(patternOf), ...shared];
  const spelled = names.filter((n) => n.join("").length >= 5);
  return { names, spelled, exclude, value: compilePattern(`^(?:${spec.value})$`, "", where), ...(spec.syntaxes?.length && { syntaxes: new Set(spec.syntaxes) }) };
}
