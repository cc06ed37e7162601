// The prefilter: every rule keyword found in one pass over raw bytes (src/engine/keyword-automaton.ts).
// Everything after it (rule regexes, entropy, checksums) runs only in small windows around its hits.
import type { KeywordBytes, RuleSet } from "./compile.js";
import { bytesAt, lowerByte } from "./byte-compare.js";
import { scanKeywords } from "./keyword-automaton.js";

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
  const lower = text.toLowerCase();
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
  if (unicodeFolds) return findWithAlternation(set, data, from, final);
  const horizon = data.length - set.maxKeywordLength;
  const hits: KeywordHit[] = [];
  for (let j = 0; j < starts.length; j++) {
    const pos = starts[j]!;
    if (!final && pos > horizon) return { hits, resumeAt: Math.max(from, horizon + 1) };
    const k = automaton.keywords[ids[j]!]!;
    hits.push({ pos, length: k.bytes.length, rules: rulesOf(k, data, pos) });
  }
  return { hits, resumeAt: final ? data.length : Math.max(from, horizon + 1) };
}

/**
 * The same search by the RE2 alternation of the keywords, which folds case by Unicode's rules: for
 * text holding a character that folds to an ASCII letter (the automaton folds ASCII only).
 */
function findWithAlternation(set: RuleSet, data: Buffer, from: number, final: boolean): { hits: KeywordHit[]; resumeAt: number } {
  const re = set.prefilter;
  const hits: KeywordHit[] = [];
  const horizon = data.length - set.maxKeywordLength;
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
    // Past the horizon a longer keyword may still be cut off by the end of the data — including one
    // that starts before this hit — so everything from the horizon on is searched again next time.
    if (!final && pos > horizon) return { hits, resumeAt: Math.max(from, horizon + 1) };
    hits.push({ pos, length, rules: k ? rulesOf(k, data, pos) : rulesAt(set, data.toString("utf8", pos, pos + length)) });
    // Restart just after the hit's start: a keyword may begin inside a longer one.
    searchFrom = pos + 1;
    re.lastIndex = searchFrom;
  }
  return { hits, resumeAt: final ? data.length : Math.max(from, horizon + 1) };
}
