// From a keyword hit to the values each assignment rule accepts there: the grammar's pairs, filtered
// by the rule's names and value shape. What is left goes through the same judge as regex matches.
import type { CompiledRule } from "../compile.js";
import { decodeUrl } from "../decoders.js";
import { nameAround, pairsOf, type Pair } from "./pairs.js";
import { acceptsName, nameWords } from "./rule-names.js";

export interface AssignedValue {
  rule: CompiledRule;
  pair: Pair;
  /** What the rule checks and reports: the value's bytes, decoded when percent-encoded. */
  bytes: Buffer;
}

/**
 * Values that are never the secret of a secret-named key, whatever the rule: ARNs (a role or a
 * secret's address), timestamps (PasswordLastUsed), and PEM certificates (public by design).
 */
const NOT_A_SECRET = /^(?:arn:aws[a-z-]*:|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}|$)|-----BEGIN CERTIFICATE)/i;

/** A value with a template or interpolation inside (`{{x}}`, `${x}`, `#{x}`, `<%= x %>`) is filled in elsewhere. */
function isTemplated(bytes: Buffer): boolean {
  for (let i = 0; i + 1 < bytes.length; i++) {
    const c = bytes[i]!;
    const n = bytes[i + 1]!;
    if (n === 0x7b && (c === 0x7b || c === 0x24 || c === 0x23)) return true;
    if (c === 0x3c && n === 0x25) return true;
  }
  return false;
}

/**
 * Each (rule, value) pair the rules of a hit at [hs, he) of `view` accept. The name is read and
 * checked first: a hit whose name no rule accepts (`tokenizer`, `otherwise`) costs no more.
 */
export function assignedValues(view: Buffer, hs: number, he: number, rules: readonly CompiledRule[]): AssignedValue[] {
  const name = nameAround(view, hs, he);
  if (!name) return [];
  const words = nameWords(view.toString("latin1", name.start, name.end));
  const accepting = rules.filter((c) => acceptsName(c.assignment!, words));
  if (accepting.length === 0) return [];
  const out: AssignedValue[] = [];
  for (const pair of pairsOf(view, name)) {
    const raw = view.subarray(pair.value.start, pair.value.end);
    const bytes = pair.percentEncoded ? (decodeUrl(raw.toString("utf8")) ?? raw) : raw;
    if (NOT_A_SECRET.test(bytes.toString("latin1", 0, 32)) || isTemplated(bytes)) continue;
    for (const rule of accepting) {
      if (rule.assignment!.value.test(bytes)) out.push({ rule, pair, bytes });
    }
  }
  return out;
}
