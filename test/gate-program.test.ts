// The byte-check form of `afterKeyword` gates (src/engine/gate-program.ts) must decide exactly as
// the RE2 gate does wherever it decides at all: checked on every built-in rule's gate and on gates
// written to probe the parser's edges, over text built from the bytes those gates care about.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import RE2 from "re2";
import { compileGateProgram, quickGateOf, runQuickGate } from "../src/engine/gate-program.js";
import { loadBuiltinRules } from "../src/rules/load.js";

const builtin = loadBuiltinRules().filter((r) => r.afterKeyword !== undefined && r.regex !== undefined);

const probes: { keywords: string[]; folded: boolean; gate: string }[] = [
  { keywords: ["tok"], folded: false, gate: "[A-Za-z0-9]{4,6}" },
  { keywords: ["tok", "TOKEN"], folded: true, gate: "[a-f]{2,}x(?:[^a-z]|$)" },
  { keywords: ["k_"], folded: false, gate: "[a-z]+[a-z0-9]{2}" },
  { keywords: ["k_"], folded: false, gate: "\\d{2}-?[A-Z]{2}\\.(?:[A-Z]|$)" },
  { keywords: ["k_"], folded: false, gate: "[\\w.-]{1,3}:[^\\s]{2}" },
  { keywords: ["k_"], folded: false, gate: "(?:a|b)c" },
  { keywords: ["k_"], folded: false, gate: "a{1,2}?b" },
];

const alphabet = ["0123456789abcdef", "ABCDEFGHIJKLMNOP", "qrstuvwxyz012345", "a", "b", "c", "f", "x", "z", "A", "Z", "0", "9", "_", "-", ".", ":", " ", "\n", "/", "+", "=", "!", "é", "\u00ff", "tok", "TOKEN", "k_", "EAAG", "pat", "0.", "cio", "re_", "https://"];

function agree(keywords: string[], folded: boolean, gate: string): void {
  const quick = quickGateOf(keywords, folded, gate);
  if (!quick) return;
  const re = new RE2(`${folded ? "(?i:" : "(?:"}${keywords.map((k) => k.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")).join("|")})(?:${gate})`, "y");
  fc.assert(
    fc.property(fc.constantFrom(...keywords), fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }), fc.nat(80), (kw, rest, cut) => {
      const data = Buffer.from(kw + rest.join(""));
      const limit = Math.min(data.length, kw.length + cut);
      const got = runQuickGate(quick, data, 0, limit);
      if (got === undefined) return;
      re.lastIndex = 0;
      expect(got, `${gate} on ${JSON.stringify(data.toString())} up to ${limit}`).toBe(re.test(data.subarray(0, limit)));
    }),
    { numRuns: 150 },
  );
}

describe("gate programs", () => {
  it("decide as RE2 does for every built-in gate", () => {
    expect(builtin.length).toBeGreaterThan(20);
    for (const r of builtin) agree(r.keywords, r.keywordsCaseInsensitive, r.afterKeyword!);
  });

  it("decide as RE2 does on gates at the parser's edges", () => {
    for (const p of probes) agree(p.keywords, p.folded, p.gate);
  });

  it("read plain runs completely and leave groups, alternation and lazy repeats to RE2", () => {
    expect(compileGateProgram("[A-Za-z0-9]{32}(?:[^A-Za-z0-9]|$)")?.complete).toBe(true);
    expect(compileGateProgram("[A-Za-z0-9._~%+-]{1,64}:[A-Za-z0-9._~%!$&*+,;=-]{6}")?.complete).toBe(true);
    expect(compileGateProgram("[a-z]+[a-z0-9]{2}")).toMatchObject({ complete: false, atoms: [{ min: 1, max: 1 }] });
    expect(compileGateProgram("(?:a|b)c")).toBeUndefined();
    expect(compileGateProgram("a{1,2}?b")).toBeUndefined();
    const complete = builtin.filter((r) => compileGateProgram(r.afterKeyword!)?.complete).length;
    // Most built-in gates are plain runs: if this drops, a gate syntax the parser misses came in.
    expect(complete / builtin.length).toBeGreaterThan(0.7);
  });
});
