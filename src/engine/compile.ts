// Turns rules into the engine's runtime form: one RE2 per rule (byte offsets on Buffers), and one
// literal-alternation RE2 over every keyword, the prefilter that decides where rules run at all.
import RE2 from "re2";
import { picomatch } from "../deferred-imports.js";
import { KeyfenceError } from "../errors.js";
import type { Rule } from "../types.js";
import { compileAssignment, type CompiledAssignment } from "./assignment/rule-names.js";
import { GRAMMAR_BEFORE } from "./assignment/pairs.js";
import { lowerByte } from "./byte-compare.js";
import { quickGateOf, type QuickGate } from "./gate-program.js";
import { buildKeywordAutomaton, type KeywordAutomaton } from "./keyword-automaton.js";
import { KEYWORD_TABLES_FILE, keepKeywordTables, keywordDigest, readKeptKeywordTables, readKeywordTables, type KeywordTables } from "./keyword-tables.js";

export const DEFAULT_WINDOW = { before: 64, after: 256 } as const;

export interface CompiledRule {
  rule: Rule;
  index: number;
  /**
   * What the engine reads at every hit, copied here: rules come from packs, the build cache and API
   * callers with whatever optional keys each set, so `rule.*` has many shapes and each new one that
   * reaches a hot path throws away its optimised code (one shape here, RuleInEngine's).
   */
  opensWindows: boolean;
  /** Has a regex and an `afterKeyword` gate. */
  gated: boolean;
  assigns: boolean;
  before: number;
  after: number;
  /** The rule's regex; undefined for an assignment rule without one (it never opens a window). */
  re?: RE2;
  /** The assignment the grammar must find; undefined for plain regex rules. */
  assignment?: CompiledAssignment;
  allow: RE2[];
  /** `afterKeyword`, sticky (it must match at lastIndex); undefined when the rule has none. */
  gate?: RE2;
  /** The gate may assert the end of the text (`$`, `\b`, …), so it runs on the hit's window alone. */
  gateSeesEnd: boolean;
  /** The gate as byte checks, tried before `gate` (src/engine/gate-program.ts). */
  quickGate?: QuickGate;
  stopwords: string[];
  /** Paths where this rule never reports; undefined when the rule has no path allowlist. */
  pathAllowed?: (path: string) => boolean;
  /** Longest case-sensitive keyword, kept visible in redacted output when the secret starts with it. */
  prefixes: string[];
}

export interface KeywordEntry {
  /** Indexes of rules that list the keyword. */
  rules: number[];
}

export interface KeywordBytes {
  /** UTF-8 bytes; lower-cased when `folded`. */
  bytes: Buffer;
  folded: boolean;
  /**
   * Rules of every keyword that is a prefix of any text this keyword matches (itself included), so a
   * hit needs no string to look its rules up. Case-sensitive keywords that only some case variants of
   * a case-insensitive keyword start with are in `checkCase`, tested against the hit's bytes.
   */
  rules: number[];
  checkCase: { bytes: Buffer; rules: number[] }[];
}


/** Each keyword as bytes with the rules a hit on it means, in the order of `keywords`. */
export function keywordBytesOf(keywords: readonly { text: string; folded: boolean; rules: number[] }[]): KeywordBytes[] {
  const out: KeywordBytes[] = [];
  // Prefix candidates by their first character, lower-cased: the pairs to compare stay few.
  const byFirst = new Map<string, { text: string; lower: string; folded: boolean; rules: number[] }[]>();
  for (const p of keywords) {
    const lower = p.text.toLowerCase();
    const list = byFirst.get(lower[0]!) ?? [];
    list.push({ ...p, lower });
    byFirst.set(lower[0]!, list);
  }
  for (const k of keywords) {
    const bytes = Buffer.from(k.text);
    const lower = k.text.toLowerCase();
    const rules = new Set<number>();
    const checkCase: KeywordBytes["checkCase"] = [];
    for (const p of byFirst.get(lower[0]!) ?? []) {
      if (p.folded ? lower.startsWith(p.text) : !k.folded && k.text.startsWith(p.text)) p.rules.forEach((r) => rules.add(r));
      else if (!p.folded && k.folded && lower.startsWith(p.lower)) checkCase.push({ bytes: Buffer.from(p.text), rules: p.rules });
    }
    out.push({ bytes, folded: k.folded, rules: [...rules].sort((a, b) => a - b), checkCase });
  }
  return out;
}

function indexByLastByte(keywords: readonly KeywordBytes[]): Map<number, KeywordBytes[]> {
  const out = new Map<number, KeywordBytes[]>();
  for (const k of keywords) {
    const last = lowerByte(k.bytes[k.bytes.length - 1]!);
    const list = out.get(last) ?? [];
    list.push(k);
    out.set(last, list);
  }
  for (const list of out.values()) list.sort((a, b) => b.bytes.length - a.bytes.length);
  return out;
}

export interface RuleSet {
  rules: CompiledRule[];
  /** Alternation of every keyword, longest first, so the longest keyword at a position wins. */
  readonly prefilter: RE2;
  /** Exact keyword → rules, for case-sensitive keywords. */
  exact: Map<string, number[]>;
  /** Lower-cased keyword → rules, for case-insensitive keywords. */
  folded: Map<string, number[]>;
  /** Every keyword (in its matching form), for finding shorter keywords hidden inside a longer hit. */
  keywords: { text: string; folded: boolean; rules: number[] }[];
  /** Keywords by the (ASCII lower-cased) byte they end with, longest first: finds which one a hit is. */
  readonly keywordsByLastByte: Map<number, KeywordBytes[]>;
  /** Indexes of rules with a path allowlist. */
  pathRules: number[];
  /** True for every rule: what a path no path allowlist covers may report. */
  allRules: readonly boolean[];
  /** The keywords as one automaton, built on first use (a scan that finds no input never needs it). */
  readonly automaton: KeywordAutomaton;
  maxKeywordLength: number;
  maxBefore: number;
  /** Matched keyword text → rules, filled as hits are seen. */
  hitMemo: Map<string, number[]>;
  /** A hit's rules list → the assignment rules in it, filled as hits are seen (src/engine/session.ts). */
  assignmentRules: WeakMap<readonly number[], readonly CompiledRule[]>;
  /** Per rule, whether its keywords count only at a word start; undefined when no rule asks. */
  atWordStart?: readonly boolean[];
  /** A hit's rules list → those that also count inside a word, filled as such hits are seen. */
  midWordRules: WeakMap<readonly number[], number[]>;
  /** Per rule, the rules whose credential may follow its matches (`follows`); undefined for most. */
  followers: readonly (readonly CompiledRule[] | undefined)[];
}

/** Why RE2 refused a pattern, in words a rule author can act on. */
function explainRe2Error(pattern: string, message: string): string {
  if (/\(\?<?[=!]/.test(pattern)) return "lookaround ((?=…), (?!…), (?<=…), (?<!…)) is not supported: RE2 runs in linear time and has no lookaround";
  if (/\\[1-9]|\\k</.test(pattern)) return "backreferences (\\1, \\k<name>) are not supported: RE2 runs in linear time and has no backreferences";
  if (/repetition/.test(message)) return `${message} (RE2 allows at most {1000})`;
  return message;
}

/** Compiles an RE2 pattern, turning RE2's refusal into a located, one-line error. */
export function compilePattern(pattern: string, flags: string, where: { file?: string; line?: number; subject?: string }): RE2 {
  try {
    return new RE2(pattern, flags);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new KeyfenceError(`invalid regex: ${explainRe2Error(pattern, message)}`, where);
  }
}

/** Number of capture groups and whether a group named `secret` exists. */
function groupsOf(pattern: string, where: { file?: string; line?: number; subject?: string }): { count: number; named: boolean } {
  // Matching the empty alternative yields an array with one slot per group.
  let probe: RegExpExecArray | null;
  try {
    probe = new RE2(`(?:${pattern})|`, "d").exec("");
  } catch {
    // Only text that changes meaning when wrapped (an unterminated \Q…) gets here.
    throw new KeyfenceError("invalid regex: it cannot be wrapped in a group (an unterminated \\Q…\\E quote?)", where);
  }
  const count = probe ? probe.length - 1 : 0;
  const named = !!probe?.groups && "secret" in probe.groups;
  return { count, named };
}

/**
 * The regexes of a rule. The secret is the group named `secret`, else group 1; which one is read
 * off each match (session.ts), so only a rule checked here up front pays for the group probe.
 */
/** The left-boundary idiom rules open with: `(?:^|[^…])` before the secret. */
const BOUNDARY_OPEN = "(?:^|[^";

/** Whether a rule's regex opens with the boundary idiom (its window then reaches 3 bytes back). */
function opensWithBoundary(regex: string | undefined): boolean {
  return regex !== undefined && regex.startsWith(BOUNDARY_OPEN) && regex.indexOf("])", BOUNDARY_OPEN.length) > 0;
}

/**
 * The regex with an escape accepted as its left boundary too: a percent-escape (`key%3Dsk_live_…`
 * in an encoded URL or form body) and a backslash escape (`"…\nsk_live_…"` in JSON-escaped text)
 * end with a letter or digit that the character class refuses, so a self-identifying key right
 * after one was missed.
 */
export function withEscapeBoundary(regex: string): string {
  if (!opensWithBoundary(regex)) return regex;
  const close = regex.indexOf("])", BOUNDARY_OPEN.length);
  return `${regex.slice(0, close + 1)}|%[0-9A-Fa-f]{2}|\\\\[nrt]${regex.slice(close + 1)}`;
}

function compileRegexes(rule: Rule, check: boolean): Pick<CompiledRule, "re" | "allow" | "assignment"> {
  const where = { file: rule.origin.file, line: rule.origin.line, subject: `rule ${rule.id}` };
  const allow = rule.allowlist.regexes.map((p) => compilePattern(p, "", { ...where, subject: `rule ${rule.id} allowlist` }));
  const assignment = rule.assignment && compileAssignment(rule.assignment, { ...where, subject: `rule ${rule.id} assignment.value` });
  if (rule.regex === undefined) {
    if (!assignment) throw new KeyfenceError("rule has neither regex nor assignment", where);
    return { allow, assignment };
  }
  const re = compilePattern(withEscapeBoundary(rule.regex), "gd", where);
  if (check) {
    const groups = groupsOf(rule.regex, where);
    if (!groups.named && groups.count === 0) {
      throw new KeyfenceError("regex has no capture group for the secret: name it (?P<secret>…) or use group 1", where);
    }
  }
  return { re, allow, ...(assignment && { assignment }) };
}

/**
 * `afterKeyword` behind the rule's own keywords, matched at a hit's start: a hit reports the longest
 * keyword there, possibly another rule's, so where this rule's keyword ends is for the regex to find.
 */
function compileGate(rule: Rule, check: boolean): RE2 | undefined {
  // An assignment-only rule has no window to gate: the grammar itself is its gate.
  if (rule.afterKeyword === undefined || rule.regex === undefined) return undefined;
  const where = { file: rule.origin.file, line: rule.origin.line, subject: `rule ${rule.id} afterKeyword` };
  // On its own first, so that a gate which only parses once wrapped (an unbalanced ")") is refused.
  if (check) compilePattern(rule.afterKeyword, "", where);
  const keywords = rule.keywords.map(escapeLiteral).join("|");
  return compilePattern(`${rule.keywordsCaseInsensitive ? "(?i:" : "(?:"}${keywords})(?:${rule.afterKeyword})`, "y", where);
}

/**
 * Whether an RE2 pattern can assert where the text ends: `$`, `\b`, `\B`, `\z` outside a character
 * class. Read left to right, skipping escapes and classes; anything unexpected counts as yes.
 */
export function assertsTextEnd(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "$") return true;
    if (ch === "\\") {
      if ("bBzZ".includes(pattern[i + 1] ?? "")) return true;
      i++;
      continue;
    }
    if (ch !== "[") continue;
    // A class: a leading ^ and a leading ] are part of it; it ends at the next unescaped ].
    let j = i + 1;
    if (pattern[j] === "^") j++;
    if (pattern[j] === "]") j++;
    while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
    if (j >= pattern.length) return true;
    i = j;
  }
  return false;
}

function compileQuickGate(rule: Rule): QuickGate | undefined {
  return rule.afterKeyword === undefined || rule.regex === undefined ? undefined : quickGateOf(rule.keywords, rule.keywordsCaseInsensitive, rule.afterKeyword);
}

/**
 * A rule in the engine's form, with its regexes compiled on first use. One class, so that every
 * rule has one hidden class: per-object getters (an object literal with `get re()`) gave each rule
 * its own, and every rule the scan reached made the hit loop's optimised code wrong again.
 */
class RuleInEngine implements CompiledRule {
  readonly opensWindows: boolean;
  readonly gated: boolean;
  readonly assigns: boolean;
  readonly before: number;
  readonly after: number;
  readonly stopwords: string[];
  readonly pathAllowed: ((path: string) => boolean) | undefined;
  readonly prefixes: string[];
  readonly gateSeesEnd: boolean;
  private regexes: Pick<CompiledRule, "re" | "allow" | "assignment"> | undefined = undefined;
  private compiledGate: { re: RE2 | undefined } | undefined = undefined;
  private quick: { gate: QuickGate | undefined } | undefined = undefined;

  constructor(
    readonly rule: Rule,
    readonly index: number,
    check: boolean,
  ) {
    this.opensWindows = rule.regex !== undefined;
    this.gated = rule.regex !== undefined && rule.afterKeyword !== undefined;
    this.assigns = rule.assignment !== undefined;
    // Room for the escape a boundary may be: `%3D` is two bytes longer than the one byte the rule's
    // window leaves for its boundary (withEscapeBoundary).
    this.before = opensWithBoundary(rule.regex) ? rule.window.before + 2 : rule.window.before;
    this.after = rule.window.after;
    this.stopwords = rule.allowlist.stopwords.map((w) => w.toLowerCase());
    this.pathAllowed = rule.allowlist.paths.length ? picomatch(rule.allowlist.paths, { dot: true }) : undefined;
    this.prefixes = rule.keywordsCaseInsensitive ? [] : [...rule.keywords].sort((x, y) => y.length - x.length);
    this.gateSeesEnd = rule.afterKeyword !== undefined && assertsTextEnd(rule.afterKeyword);
    if (check) {
      this.regexes = compileRegexes(rule, true);
      this.compiledGate = { re: compileGate(rule, true) };
      this.quick = { gate: compileQuickGate(rule) };
    }
  }

  private compiled(): Pick<CompiledRule, "re" | "allow" | "assignment"> {
    return (this.regexes ??= compileRegexes(this.rule, false));
  }
  get re(): RE2 | undefined {
    return this.compiled().re;
  }
  get allow(): RE2[] {
    return this.compiled().allow;
  }
  get assignment(): CompiledAssignment | undefined {
    return this.compiled().assignment;
  }
  get gate(): RE2 | undefined {
    return (this.compiledGate ??= { re: compileGate(this.rule, false) }).re;
  }
  get quickGate(): QuickGate | undefined {
    return (this.quick ??= { gate: compileQuickGate(this.rule) }).gate;
  }
}

/** Compiles everything now, so that a bad regex is reported where the rule is loaded. */
export function compileRule(rule: Rule, index: number): CompiledRule {
  return new RuleInEngine(rule, index, true);
}

/**
 * The same, with the regexes compiled when the rule first runs. Rules reach a rule set already
 * checked (packs by compileRule at load or at build time, API rules by createScanner), and most rules
 * never run on a given input: compiling 160 of them up front cost more than Node's own start-up.
 */
function compileRuleLazily(rule: Rule, index: number): CompiledRule {
  return new RuleInEngine(rule, index, false);
}

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

/** Rule ids are what baselines and inline allows refer to, so they must be unique across all packs. */
export function assertUniqueIds(rules: readonly Rule[]): void {
  const first = new Map<string, Rule>();
  for (const r of rules) {
    const prev = first.get(r.id);
    if (prev) {
      const at = `${prev.origin.file}${prev.origin.line ? `:${prev.origin.line}` : ""}`;
      throw new KeyfenceError(`duplicate rule id (first defined at ${at})`, { file: r.origin.file, line: r.origin.line, subject: `rule ${r.id}` });
    }
    first.set(r.id, r);
  }
}

export function compileRuleSet(rules: readonly Rule[]): RuleSet {
  assertUniqueIds(rules);
  const compiled = rules.map(compileRuleLazily);
  const exact = new Map<string, number[]>();
  const folded = new Map<string, number[]>();
  for (const c of compiled) {
    for (const k of c.rule.keywords) {
      const map = c.rule.keywordsCaseInsensitive ? folded : exact;
      const key = c.rule.keywordsCaseInsensitive ? k.toLowerCase() : k;
      const list = map.get(key) ?? [];
      if (!list.includes(c.index)) list.push(c.index);
      map.set(key, list);
    }
  }
  const keywords = [
    ...[...exact].map(([text, r]) => ({ text, folded: false, rules: r })),
    ...[...folded].map(([text, r]) => ({ text, folded: true, rules: r })),
  ].sort((a, b) => b.text.length - a.text.length || (a.text < b.text ? -1 : 1));
  // The automaton finds the hits; the RE2 alternation and the index by last byte only serve text
  // with a Unicode-only case fold (src/engine/prefilter.ts), so all three are made on first use.
  let prefilter: RE2 | undefined;
  let byLastByte: Map<number, KeywordBytes[]> | undefined;
  let tables: KeywordTables | undefined;
  const getTables = (): KeywordTables => {
    if (tables) return tables;
    const digest = keywordDigest(keywords);
    tables = readKeywordTables(KEYWORD_TABLES_FILE, digest, keywords) ?? readKeptKeywordTables(digest, keywords);
    if (!tables) {
      const keywordBytes = keywordBytesOf(keywords);
      tables = { keywordBytes, automaton: buildKeywordAutomaton(keywordBytes) };
      keepKeywordTables(digest, tables);
    }
    return tables;
  };
  return {
    rules: compiled,
    get prefilter() {
      // An empty rule set still needs a prefilter; this one can never match.
      return (prefilter ??= new RE2(keywords.map((k) => (k.folded ? `(?i:${escapeLiteral(k.text)})` : escapeLiteral(k.text))).join("|") || "[^\\x00-\\x{10FFFF}]", "g"));
    },
    exact,
    folded,
    keywords,
    get keywordsByLastByte() {
      return (byLastByte ??= indexByLastByte(getTables().keywordBytes));
    },
    pathRules: compiled.filter((c) => c.pathAllowed).map((c) => c.index),
    allRules: compiled.map(() => true),
    get automaton() {
      return getTables().automaton;
    },
    maxKeywordLength: Math.max(1, ...keywords.map((k) => Buffer.byteLength(k.text))),
    // The assignment grammar reads up to GRAMMAR_BEFORE bytes before a hit.
    maxBefore: Math.max(0, ...compiled.map((c) => (c.rule.assignment ? Math.max(GRAMMAR_BEFORE, c.before) : c.before))),
    hitMemo: new Map(),
    assignmentRules: new WeakMap(),
    ...(compiled.some((c) => c.rule.keywordsAtWordStart) && { atWordStart: compiled.map((c) => c.rule.keywordsAtWordStart === true) }),
    midWordRules: new WeakMap(),
    followers: followersOf(compiled),
  };
}

function followersOf(compiled: readonly CompiledRule[]): (CompiledRule[] | undefined)[] {
  const index = new Map(compiled.map((c) => [c.rule.id, c.index]));
  const out: (CompiledRule[] | undefined)[] = compiled.map(() => undefined);
  for (const c of compiled) {
    for (const id of c.rule.follows ?? []) {
      const leader = index.get(id);
      if (leader !== undefined) (out[leader] ??= []).push(c);
    }
  }
  return out;
}
