// The prefilter: one RE2 alternation of every rule keyword, run over raw bytes. Everything after it
// (rule regexes, entropy, checksums) runs only in small windows around the hits it reports.
import type { RuleSet } from "./compile.js";

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
 * Keyword hits starting in [from, data.length) of `data`. When `final` is false, a hit too close to
 * the end to rule out a longer keyword is not reported; `resumeAt` says where the next search starts.
 */
export function findKeywordHits(
  set: RuleSet,
  data: Buffer,
  from: number,
  final: boolean,
): { hits: KeywordHit[]; resumeAt: number } {
  const re = set.prefilter;
  const hits: KeywordHit[] = [];
  const horizon = data.length - set.maxKeywordLength;
  re.lastIndex = from;
  for (;;) {
    const m = re.exec(data);
    if (!m) break;
    const pos = m.index;
    // Past the horizon a longer keyword may still be cut off by the end of the data — including one
    // that starts before this hit — so everything from the horizon on is searched again next time.
    if (!final && pos > horizon) return { hits, resumeAt: Math.max(from, horizon + 1) };
    const text = (m[0] as unknown as Buffer).toString("utf8");
    hits.push({ pos, length: (m[0] as unknown as Buffer).length, rules: rulesAt(set, text) });
    // Restart just after the hit's start: a keyword may begin inside a longer one.
    re.lastIndex = pos + 1;
  }
  return { hits, resumeAt: final ? data.length : Math.max(from, horizon + 1) };
}
