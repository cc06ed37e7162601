// The prefilter: every rule keyword found in one pass over raw bytes (src/engine/keyword-automaton.ts).
// Everything after it (rule regexes, entropy, checksums) runs only in small windows around its hits.
import type { KeywordBytes, RuleSet } from "./compile.js";
import { bytesAt, lowerByte } from "./byte-compare.js";
import { scanKeywords, UNICODE_FOLDS } from "./keyword-automaton.js";

export interface KeywordHit {
  /** Byte offset of the keyword within the searched buffer. */
  pos: number;
  length: number;
  /** Rules that asked for any keyword found at this position. */
  rules: number[];
}

/**
 * Rules for every keyword that starts at the hit. The alternation is ordered longest first, so the
 * matched text is the longest keyword here; shorter keywords that are its prefixes hit too.
 */
function rulesAt(set: RuleSet, text: string): number[] {
  const cached = set.hitMemo.get(text);
  if (cached) return cached;
  // LONG S folds to "s" in RE2's case folding but is its own lower case in JavaScript's.
  const lower = text.toLowerCase().replaceAll("\u017F", "s");
  const out = new Set<number>();
  for (const k of set.keywords) {
    if (k.text.length > text.length) continue;
    const hit = k.folded ? lower.startsWith(k.text) : text.startsWith(k.text);
    if (hit) for (const r of k.rules) out.add(r);
  }
  const rules = [...out].sort((a, b) => a - b);
  // Case variants of folded keywords are the only thing that can grow this; keep it bounded.
  if (set.hitMemo.size < 4096) set.hitMemo.set(text, rules);
  return rules;
}

/**
 * The keyword that ends at `end`, given the search began at `from`; undefined when it cannot be told
 * from the bytes (a case-insensitive keyword matched through a non-ASCII case variant).
 * RE2 matches leftmost-first and the alternation lists longer keywords first, so the match is the
 * longest keyword that ends at `end` and starts at or after `from`.
 */
function keywordEndingAt(set: RuleSet, data: Buffer, from: number, end: number): KeywordBytes | undefined {
  const candidates = set.keywordsByLastByte.get(lowerByte(data[end - 1]!));
  if (!candidates) return undefined;
  for (const k of candidates) {
    const start = end - k.bytes.length;
    if (start >= from && bytesAt(data, start, k.bytes, k.folded)) return k;
  }
  return undefined;
}

/** Rules of the keyword `k` found at `pos`, plus case-sensitive keywords its case variant there starts with. */
function rulesOf(k: KeywordBytes, data: Buffer, pos: number): number[] {
  if (k.checkCase.length === 0) return k.rules;
  const out = new Set(k.rules);
  for (const c of k.checkCase) if (bytesAt(data, pos, c.bytes)) c.rules.forEach((r) => out.add(r));
  return out.size === k.rules.length ? k.rules : [...out].sort((a, b) => a - b);
}

/**
 * Whether a word begins at `pos`: no ASCII letter before it, or a capital after a lower-case letter.
 * A letter that ends an escape is a separator too: `\n`, `\t` in JSON-escaped text and `%3F`, `%2C`
 * in a percent-encoded URL.
 */
export function atWordStart(data: Uint8Array, pos: number): boolean {
  if (pos === 0) return true;
  const prev = data[pos - 1]!;
  const lower = prev | 0x20;
  if (lower < 0x61 || lower > 0x7a) return true;
  if (pos >= 2 && data[pos - 2] === 0x5c) return true;
  if (pos >= 3 && data[pos - 3] === 0x25 && lower <= 0x66 && isHexDigit(data[pos - 2]!)) return true;
  const cur = data[pos]!;
  return prev === lower && cur >= 0x41 && cur <= 0x5a;
}

function isHexDigit(b: number): boolean {
  const l = b | 0x20;
  return (b >= 0x30 && b <= 0x39) || (l >= 0x61 && l <= 0x66);
}

/** The rules a hit at `pos` means, without those whose keywords count only at a word start when none begins there. */
function placed(set: RuleSet, data: Buffer, pos: number, rules: number[]): number[] {
  const wordStart = set.atWordStart;
  if (wordStart === undefined || atWordStart(data, pos)) return rules;
  let mid = set.midWordRules.get(rules);
  if (!mid) set.midWordRules.set(rules, (mid = rules.some((r) => wordStart[r]) ? rules.filter((r) => !wordStart[r]) : rules));
  return mid;
}

/**
 * Keyword hits starting in [from, data.length) of `data`. When `final` is false, a hit too close to
 * the end to rule out a longer keyword is not reported; `resumeAt` says where the next search starts.
 *
 * Hits are found with `test`, which only moves `lastIndex` to the end of the match: building an
 * `exec` result for every hit cost as much as the search itself on keyword-dense text (source code
 * is full of "token" and "password"). The start is recovered from the bytes before the end.
 */
export function findKeywordHits(
  set: RuleSet,
  data: Buffer,
  from: number,
  final: boolean,
): { hits: KeywordHit[]; resumeAt: number } {
  const automaton = set.automaton;
  const { starts, ids, unicodeFolds } = scanKeywords(automaton, data, from);
  const horizon = data.length - set.maxKeywordLength;
  const hits: KeywordHit[] = [];
  const fromAutomaton = (j: number) => {
    const k = automaton.keywords[ids[j]!]!;
    const pos = starts[j]!;
    const rules = placed(set, data, pos, rulesOf(k, data, pos));
    if (rules.length) hits.push({ pos, length: k.bytes.length, rules });
  };
  let j = 0;
  // Near a character that folds to ASCII only under Unicode rules, the RE2 alternation answers for
  // every start whose keyword could span it; everywhere else the automaton's hits stand. Hits are
  // per start (the longest keyword there), so the two merge by position.
  if (unicodeFolds) {
    for (const [a, b] of foldRegions(data, from, set.maxKeywordLength)) {
      for (; j < starts.length && starts[j]! < a; j++) fromAutomaton(j);
      hits.push(...alternationHits(set, data, a, b));
      while (j < starts.length && starts[j]! < b) j++;
    }
  }
  for (; j < starts.length; j++) fromAutomaton(j);
  if (final) return { hits, resumeAt: data.length };
  // Past the horizon a longer keyword may still be cut off by the end of the data — including one
  // that starts before this hit — so everything from the horizon on is searched again next time.
  const cut = hits.findIndex((h) => h.pos > horizon);
  return { hits: cut < 0 ? hits : hits.slice(0, cut), resumeAt: Math.max(from, horizon + 1) };
}

/**
 * Where a keyword could be matched through a Unicode-only case fold: for each such character at
 * `p` (from `from` on), the starts [p − 4·longest keyword, p] (a keyword's characters take at most
 * 4 bytes each in the text), merged, in order.
 */
function foldRegions(data: Buffer, from: number, longest: number): [number, number][] {
  const at: number[] = [];
  for (const f of UNICODE_FOLDS) for (let p = data.indexOf(f, from); p >= 0; p = data.indexOf(f, p + 1)) at.push(p);
  at.sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (const p of at) {
    const a = Math.max(from, p - 4 * longest);
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], p + 1);
    else out.push([a, p + 1]);
  }
  return out;
}

/**
 * The hits starting in [from, until) found by the RE2 alternation of the keywords, which folds case
 * by Unicode's rules: near a character that folds to an ASCII letter (the automaton folds ASCII only).
 */
function alternationHits(set: RuleSet, data: Buffer, from: number, until: number): KeywordHit[] {
  const re = set.prefilter;
  const hits: KeywordHit[] = [];
  let searchFrom = from;
  re.lastIndex = from;
  while (re.test(data)) {
    const end = re.lastIndex;
    const k = keywordEndingAt(set, data, searchFrom, end);
    let pos: number;
    let length: number;
    if (k) {
      length = k.bytes.length;
      pos = end - length;
    } else {
      re.lastIndex = searchFrom;
      const m = re.exec(data)!;
      pos = m.index;
      length = (m[0] as unknown as Buffer).length;
    }
    if (pos >= until) break;
    const rules = placed(set, data, pos, k ? rulesOf(k, data, pos) : rulesAt(set, data.toString("utf8", pos, pos + length)));
    if (rules.length) hits.push({ pos, length, rules });
    // Restart just after the hit's start: a keyword may begin inside a longer one.
    searchFrom = pos + 1;
    re.lastIndex = searchFrom;
  }
  return hits;
}
