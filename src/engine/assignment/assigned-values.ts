// From a keyword hit to the values each assignment rule accepts there: the grammar's pairs, filtered
// by the rule's names and value shape. What is left goes through the same judge as regex matches.
import type { CompiledRule } from "../compile.js";
import { decodeUrl } from "../decoders.js";
import { childPairs, headsBlock, nameAround, pairsOf, parentKey, type Pair } from "./pairs.js";
import { acceptsName, mentionsName, nameWords, namesAnIdentifier, rejectsName } from "./rule-names.js";
import { LF, NAME_CHAR } from "./bytes.js";
import { sqlColumnOfCell } from "./tabular.js";

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

/** A run of consecutive digits is typed, not generated (`setApiKey('SG.1234567890')` in an SDK's tests). */
const TYPED_RUN = Buffer.from("123456789");

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
 * Whether a rule accepts a name, remembered per rule and name: code repeats its names (`token`,
 * `apiKey`, `secret` thousands of times in an SDK), and splitting a name into words and matching it
 * against every rule of a common keyword was a visible share of a tree scan. Bounded: everything
 * remembered is dropped at once when MEMO_LIMIT answers are held.
 */
let memo = new WeakMap<CompiledRule, Map<string, boolean>>();
let words = new Map<string, string[]>();
let memoSize = 0;
const MEMO_LIMIT = 1 << 16;

function accepts(rule: CompiledRule, text: string): boolean {
  let known = memo.get(rule);
  if (!known) memo.set(rule, (known = new Map()));
  let yes = known.get(text);
  if (yes === undefined) {
    let w = words.get(text);
    if (!w) words.set(text, (w = nameWords(text)));
    yes = acceptsName(rule.assignment!, w);
    if (++memoSize > MEMO_LIMIT) {
      memo = new WeakMap();
      words = new Map();
      memoSize = 0;
    } else known.set(text, yes);
  }
  return yes;
}

/** Whether any of the rules accepts the name around a hit at [hs, he) (the grammar's cheap gate). */
export function namedByAny(view: Buffer, hs: number, he: number, rules: readonly CompiledRule[]): boolean {
  const name = nameAround(view, hs, he);
  if (!name) return false;
  const text = view.toString("latin1", name.start, name.end);
  // A YAML block's parent (`twilio:` ending its line) names its children's values too.
  return rules.some((c) => accepts(c, text)) || headsBlock(view, name.outerEnd) >= 0;
}

/**
 * Each (rule, value) pair the rules of a hit at [hs, he) of `view` accept. The name is read and
 * checked first: a hit whose name no rule accepts (`tokenizer`, `otherwise`) costs no more.
 */
export function assignedValues(view: Buffer, hs: number, he: number, rules: readonly CompiledRule[]): AssignedValue[] {
  const name = nameAround(view, hs, he);
  if (!name) return [];
  const text = view.toString("latin1", name.start, name.end);
  const out: AssignedValue[] = [];
  let accepting = rules.filter((c) => accepts(c, text));
  // A YAML key is read with its block's key (`version:` / `  token: v` is a version token).
  const parent = accepting.length ? parentKey(view, name) : undefined;
  if (parent) {
    const full = `${view.toString("latin1", parent.start, parent.end)}.${text}`;
    accepting = accepting.filter((c) => accepts(c, full));
  }
  if (accepting.length) for (const pair of pairsOf(view, name)) valuesOf(view, pair, accepting, out);
  if (out.length === 0) {
    for (const pair of childPairs(view, name)) {
      const qualified = `${text}.${view.toString("latin1", pair.child!.start, pair.child!.end)}`;
      const named = rules.filter((c) => accepts(c, qualified));
      if (named.length) valuesOf(view, pair, named, out);
    }
  }
  return out;
}

/** The (rule, value) pairs of one pair: its value (joined literals joined) checked against each rule's shape. */
function valuesOf(view: Buffer, pair: Pair, rules: readonly CompiledRule[], out: AssignedValue[]): void {
  const raw = pair.pieces ? Buffer.concat(pair.pieces.map((p) => view.subarray(p.start, p.end))) : view.subarray(pair.value.start, pair.value.end);
  const bytes = pair.percentEncoded ? (decodeUrl(raw.toString("utf8")) ?? raw) : raw;
  if (NOT_A_SECRET.test(bytes.toString("latin1", 0, 32)) || isTemplated(bytes) || bytes.includes(TYPED_RUN)) return;
  // A value that spells a name the rule looks for (`exports.setApiKey = setApiKey`) is code.
  const valueWords = bytes.length <= 256 ? nameWords(bytes.toString("latin1")) : [];
  for (const rule of rules) {
    const a = rule.assignment!;
    if ((!a.syntaxes || a.syntaxes.has(pair.syntax)) && a.value.test(bytes) && !mentionsName(a, valueWords)) out.push({ rule, pair, bytes });
  }
}

/** How far back from a value the words tried as its name may start (one line's worth). */
const NAME_LOOKBACK = 96;

/** Lines above a value whose words are tried as its name when its own line names nothing. */
const NAME_LINES_ABOVE = 3;

/**
 * The names whose value the grammar reads at `start` of `b`: the words before it on its line are
 * tried as names, nearest first (up to four: `.cardId("…")`, `cardId: string = "…"`,
 * `let(:card_id) { '…' }`), and each whose pairs include a value there is one (a type written
 * before `=` reads as a name too, so all are kept); so are the words of the lines just above, where
 * a name whose value is on a later line sits (an entry's `- name: CARD_ID` over its `value:`,
 * Terraform's `variable "card_id" {` over its `default`); without any, an SQL tuple's column. The grammar decides, so every syntax it reads is read here too.
 */
export function namesOfValueAt(b: Buffer, start: number): string[] {
  const out: string[] = [];
  namesOnLine(b, start, start, out);
  let lineEnd = start;
  // Also when its own line has a name: that may only carry the value (`value:`, `default =`).
  for (let above = 0; above < NAME_LINES_ABOVE; above++) {
    while (lineEnd > 0 && b[lineEnd - 1] !== LF) lineEnd--;
    if (lineEnd === 0 || start - lineEnd > NAME_LOOKBACK * NAME_LINES_ABOVE * 2) break;
    lineEnd--;
    namesOnLine(b, lineEnd, start, out);
  }
  // A cell of an SQL VALUES tuple is named by its column, which is not on its line.
  if (!out.length) {
    const column = sqlColumnOfCell(b, start);
    if (column) out.push(column);
  }
  return out;
}

/** The words before `from` on its line (up to four, nearest first) whose pairs hold a value at `start`. */
function namesOnLine(b: Buffer, from: number, start: number, out: string[]): void {
  let i = from - 1;
  for (let tries = 0; tries < 4; tries++) {
    while (i >= 0 && from - i < NAME_LOOKBACK && !NAME_CHAR[b[i]!] && b[i] !== LF) i--;
    if (i < 0 || b[i] === LF || from - i >= NAME_LOOKBACK) break;
    const end = i + 1;
    while (i >= 0 && end - i < NAME_LOOKBACK && NAME_CHAR[b[i]!]) i--;
    // The word as a keyword hit would be: without the dots and dashes a name may not begin with.
    let first = i + 1;
    while (first < end && (b[first] === 0x2e || b[first] === 0x2d)) first++;
    const name = first < end ? nameAround(b, first, end) : undefined;
    if (!name) continue;
    if (pairsOf(b, name).some((p) => p.value.start <= start && start < p.value.end)) out.push(b.toString("latin1", name.start, name.end));
  }
}

/**
 * For a rule with both a regex and an assignment: whether the regex match at `start` of `b` is the
 * value of a name the rule's assignment rules out (`card_id = 4…`) or of an identifier's name
 * (`order_id = 4…`, an IMEI or ICCID), as the grammar reads names and values (namesOfValueAt).
 */
export function vetoedByName(b: Buffer, start: number, rule: CompiledRule): boolean {
  return namesOfValueAt(b, start).some((name) => {
    const words = nameWords(name);
    return rejectsName(rule.assignment!, words) || namesAnIdentifier(words);
  });
}
