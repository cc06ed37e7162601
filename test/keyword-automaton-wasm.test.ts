// The automaton's byte loop runs in WebAssembly (src/engine/keyword-scan-wasm.ts) and in JavaScript
// where WebAssembly is missing: both must report the same keyword occurrences on any input — text,
// binary, across the 1 MiB pieces the WebAssembly loop copies in, across the boundaries of the two or
// four parts of a piece it scans at once, and on text where keywords end at nearly every byte.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compileRuleSet } from "../src/engine/compile.js";
import { scanKeywords } from "../src/engine/keyword-automaton.js";
import { loadBuiltinRules } from "../src/rules/load.js";

const set = compileRuleSet(loadBuiltinRules());
const longest = set.keywords.map((k) => k.text).sort((a, b) => b.length - a.length).slice(0, 3);
const words = ["token", "TOKEN", "sk_live_", "https://", "EAAG", "password", "ghp_", "AKIA", "secret", "xoxb-", "sepa", " ", "\n", "=", "\"", "é", "\u0000", "\u00ff"];

describe("keyword automaton loops", () => {
  it("WebAssembly is available here (CI and every supported Node)", () => {
    expect(() => scanKeywords(set.automaton, Buffer.from("token"), 0, "wasm")).not.toThrow();
  });

  it("report the same occurrences for any text and any start offset", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), { maxLength: 80 }), fc.nat(), (parts, at) => {
        const data = Buffer.from(parts.join(""));
        const from = data.length ? at % data.length : 0;
        expect(scanKeywords(set.automaton, data, from, "wasm")).toEqual(scanKeywords(set.automaton, data, from, "js"));
      }),
      { numRuns: 300 },
    );
  });

  it("agree when a piece is scanned as two halves at once (a keyword across the middle, any length)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), { minLength: 50, maxLength: 2000 }), fc.nat(), (parts, at) => {
        const data = Buffer.from(parts.join(""));
        const from = at % 64;
        expect(scanKeywords(set.automaton, data, from, "wasm")).toEqual(scanKeywords(set.automaton, data, from, "js"));
      }),
      { numRuns: 300 },
    );
  });

  it("agree when a piece is scanned as four parts at once (keywords across every part boundary)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 4096, max: 40_000 }), fc.array(fc.tuple(fc.constantFrom(...words, ...longest), fc.integer({ min: -60, max: 60 }), fc.integer({ min: 1, max: 3 })), { maxLength: 12 }), (size, placed) => {
        const data = Buffer.alloc(size, "a b = c; ");
        // The longest keywords too: a part's warm-up must cover a whole keyword before its start.
        // Each word straddles (or sits near) the start of the second, third or fourth quarter.
        for (const [word, shift, part] of placed) {
          const at = Math.min(size - 16, Math.max(0, Math.floor((size * part) / 4) + shift));
          data.write(word, at);
        }
        expect(scanKeywords(set.automaton, data, 0, "wasm")).toEqual(scanKeywords(set.automaton, data, 0, "js"));
      }),
      { numRuns: 200 },
    );
  });

  it("agree across piece boundaries and on keyword-dense text (every pair of a piece recorded at once)", () => {
    // 3 MiB of keyword-dense text: three pieces, each with about 130,000 occurrences.
    const unit = Buffer.from("x token=sk_live_ https://a EAAG password ");
    const big = Buffer.concat(Array.from({ length: Math.ceil((3 << 20) / unit.length) }, () => unit));
    const js = scanKeywords(set.automaton, big, 5, "js");
    expect(js.starts.length).toBeGreaterThan(100_000);
    expect(scanKeywords(set.automaton, big, 5, "wasm")).toEqual(js);
  });
});
