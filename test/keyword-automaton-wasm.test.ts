// The automaton's byte loop runs in WebAssembly (src/engine/keyword-scan-wasm.ts) and in JavaScript
// where WebAssembly is missing: both must report the same keyword occurrences on any input — text,
// binary, across the 1 MiB pieces the WebAssembly loop copies in, across the middle of a piece (whose
// halves it scans at once), and past its per-call output cap.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compileRuleSet } from "../src/engine/compile.js";
import { scanKeywords } from "../src/engine/keyword-automaton.js";
import { loadBuiltinRules } from "../src/rules/load.js";

const set = compileRuleSet(loadBuiltinRules());
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

  it("agree across piece boundaries and past the per-call output cap", () => {
    // 3 MiB of keyword-dense text: three pieces, and far more occurrences than one call records.
    const unit = Buffer.from("x token=sk_live_ https://a EAAG password ");
    const big = Buffer.concat(Array.from({ length: Math.ceil((3 << 20) / unit.length) }, () => unit));
    const js = scanKeywords(set.automaton, big, 5, "js");
    expect(js.starts.length).toBeGreaterThan(100_000);
    expect(scanKeywords(set.automaton, big, 5, "wasm")).toEqual(js);
  });
});
