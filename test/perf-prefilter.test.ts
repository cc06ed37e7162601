// The prefilter finds hits with RE2 `test` and recovers each hit's start from the bytes before its
// end (src/engine/prefilter.ts). This checks that against the plain definition: every position where
// some keyword starts, found by `exec` from each position, with the rules of every keyword there.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import RE2 from "re2";
import { compileRuleSet, type RuleSet } from "../src/engine/compile.js";
import { findKeywordHits } from "../src/engine/prefilter.js";
import type { Rule } from "../src/types.js";

function rule(id: string, keywords: string[], folded: boolean): Rule {
  return {
    id, provider: "t", kind: "k", title: id, family: "t", severity: "low", environment: "unknown",
    keywords, keywordsCaseInsensitive: folded, regex: "(x)", window: { before: 1, after: 1 },
    validate: [], allowlist: { regexes: [], stopwords: [], paths: [] }, remediation: {}, tags: [], generic: false,
    examples: { match: [], noMatch: [] }, origin: { file: "t" },
  };
}

// Keywords that overlap, nest, share prefixes and suffixes, and differ only in case.
const SET = compileRuleSet([
  rule("a", ["token", "TOKEN_"], false),
  rule("b", ["secret", "secretaccesskey", "access"], true),
  rule("c", ["sk_live_", "k_li", "live"], false),
  rule("d", ["kelvin", "ke"], true),
  rule("e", ["aaa", "aa"], false),
]);

/** The definition: at each offset, the rules of every keyword that starts there. */
function reference(set: RuleSet, data: Buffer): { pos: number; length: number; rules: number[] }[] {
  const out: { pos: number; length: number; rules: number[] }[] = [];
  const re = new RE2(set.prefilter.source, "y");
  for (let pos = 0; pos < data.length; pos++) {
    re.lastIndex = pos;
    const m = re.exec(data);
    if (!m) continue;
    const text = (m[0] as unknown as Buffer).toString("utf8");
    const rules = new Set<number>();
    for (const k of set.keywords) if ((k.folded ? text.toLowerCase().replaceAll("\u017F", "s") : text).startsWith(k.text)) k.rules.forEach((r) => rules.add(r));
    if (rules.size === 0) continue;
    out.push({ pos, length: (m[0] as unknown as Buffer).length, rules: [...rules].sort((a, b) => a - b) });
  }
  return out;
}

const asciiPieces = ["token", "TOKEN_", "Token", "tOkEn_", "secret", "SECRETaccessKEY", "access", "sk_live_", "SK_LIVE_", "k_li", "live", "aaaa", "KeLvIn", "x", " ", "é", "\n", "ke", "aa", "A"];
const pieces = ["token", "TOKEN_", "Token", "secret", "SECRETaccessKEY", "access", "sk_live_", "k_li", "live", "aaaa", "KeLvIn", "\u212Aelvin", "x", " ", "é", "\n", "ke", "aa"];

describe("prefilter hits", () => {
  it("match the definition for any text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const data = Buffer.from(parts.join(""));
        expect(findKeywordHits(SET, data, 0, true).hits).toEqual(reference(SET, data));
      }),
      { numRuns: 400 },
    );
  });

  // Without a Unicode-only case fold in the text the automaton answers; with one, the alternation.
  it("match the definition on ASCII-folded text, from any offset", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...asciiPieces), { maxLength: 60 }), fc.nat(), (parts, at) => {
        const data = Buffer.from(parts.join(""));
        const from = data.length ? at % data.length : 0;
        const want = reference(SET, data).filter((h) => h.pos >= from);
        expect(findKeywordHits(SET, data, from, true).hits).toEqual(want);
      }),
      { numRuns: 600 },
    );
  });

  it("leave hits near the end of a chunk to the next search, which finds them", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...asciiPieces), { maxLength: 60 }), (parts) => {
        const data = Buffer.from(parts.join(""));
        const { hits, resumeAt } = findKeywordHits(SET, data, 0, false);
        const rest = findKeywordHits(SET, data, resumeAt, true).hits;
        expect([...hits, ...rest.filter((h) => !hits.some((x) => x.pos === h.pos))]).toEqual(reference(SET, data));
        expect(hits.every((h) => h.pos < resumeAt)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  // Near a Unicode-only fold the alternation answers, elsewhere the automaton: long texts put folds
  // far from other keywords, next to them, and inside them; chunked searches leave the same hits.
  it("match the definition on long text with Unicode-only folds here and there, whole and chunked", () => {
    const folding = [...asciiPieces, "\u212Aelvin", "\u212A", "\u017F", "\u017Fecret", "acce\u017Fs", "secretacce\u017Fs\u212Aey", "SECRETACCE\u017FS\u212AEY"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...folding), { minLength: 50, maxLength: 300 }), fc.nat(), (parts, at) => {
        const data = Buffer.from(parts.join(""));
        const from = at % data.length;
        const want = reference(SET, data).filter((h) => h.pos >= from);
        expect(findKeywordHits(SET, data, from, true).hits).toEqual(want);
        const { hits, resumeAt } = findKeywordHits(SET, data, from, false);
        const rest = findKeywordHits(SET, data, resumeAt, true).hits;
        expect([...hits, ...rest.filter((h) => !hits.some((x) => x.pos === h.pos))]).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it("finds a keyword matched through a non-ASCII case variant (Kelvin sign for K)", () => {
    const data = Buffer.from("x \u212Aelvin y");
    const hits = findKeywordHits(SET, data, 0, true).hits;
    expect(hits).toEqual(reference(SET, data));
    expect(hits[0]).toMatchObject({ pos: 2, length: Buffer.byteLength("\u212Aelvin") });
  });
});

// `keywordsAtWordStart`: the rule's keywords count only where a word begins, and only its hits are
// dropped elsewhere; other rules' keywords at the same start still hit.
describe("keywords that count only at a word start", () => {
  const atStart = (r: Rule): Rule => ({ ...r, keywordsAtWordStart: true });
  const WORDS = compileRuleSet([atStart(rule("w", ["wise", "transferwise"], true)), rule("o", ["wise_", "other"], false), atStart(rule("t", ["Tok"], false))]);
  /** A word begins after no letter, after an escape (`\n`, `%3F`), or at a capital after a lower-case letter. */
  const begins = (text: string, pos: number) =>
    /(?:^|[^A-Za-z]|\\[A-Za-z]|%[0-9A-Fa-f][A-Fa-f])$/.test(text.slice(0, pos)) || (/[a-z]$/.test(text.slice(0, pos)) && /^[A-Z]/.test(text.slice(pos)));
  const wordPieces = ["wise", "WISE", "Wise", "wise_", "other", "otherwise", "transferwise", "TransferWise", "likewise", "Tok", "tok", "my", "MY", "_", " ", "\\n", "%3F", "%2c", "%", "1", "é", "x"];

  it("match the definition, whole and from any offset", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...wordPieces), { maxLength: 50 }), fc.nat(), (parts, at) => {
        const text = parts.join("");
        const data = Buffer.from(text);
        const from = data.length ? at % data.length : 0;
        const want = reference(WORDS, data)
          .map((h) => ({ ...h, rules: h.rules.filter((r) => !WORDS.atWordStart![r] || begins(data.toString("latin1"), h.pos)) }))
          .filter((h) => h.rules.length > 0 && h.pos >= from);
        expect(findKeywordHits(WORDS, data, from, true).hits).toEqual(want);
      }),
      { numRuns: 600 },
    );
  });

  it("find a provider name in any naming convention but not inside another word", () => {
    const rulesAt = (text: string) => findKeywordHits(WORDS, Buffer.from(text), 0, true).hits.flatMap((h) => h.rules.map((r) => `${WORDS.rules[r]!.rule.id}@${h.pos}`));
    expect(rulesAt("WISE_API_TOKEN")).toEqual(["w@0"]);
    expect(rulesAt("wise_api")).toEqual(["w@0", "o@0"]);
    expect(rulesAt("payoutWiseToken")).toEqual(["w@6", "t@10"]);
    expect(rulesAt("payoutWISETOKEN wiseTokens")).toEqual(["w@6", "w@16", "t@20"]);
    expect(rulesAt("# wise sandbox")).toEqual(["w@2"]);
    expect(rulesAt("otherwise likewise OTHERWISE")).toEqual(["o@0"]);
    expect(rulesAt("a%3Fwise_token%3D")).toEqual(["w@4", "o@4"]);
    expect(rulesAt('"x\\nwise')).toEqual(["w@4"]);
  });
});
