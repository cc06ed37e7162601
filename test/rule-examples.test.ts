import { describe, expect, it } from "vitest";
import { loadBuiltinRules } from "../src/rules/load.js";
import { describeFailure, testRules } from "../src/rules/tester.js";

describe("built-in rule packs", () => {
  const rules = loadBuiltinRules();

  it("load, compile and have unique ids", () => {
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it("every rule has at least two positive and two negative examples", () => {
    for (const r of rules) {
      expect(r.examples.match.length, r.id).toBeGreaterThanOrEqual(2);
      expect(r.examples.noMatch.length, r.id).toBeGreaterThanOrEqual(2);
    }
  });

  it("every example behaves as written (stable seed)", () => {
    const report = testRules(rules);
    expect(report.failures.map(describeFailure)).toEqual([]);
  });

  it("every example behaves as written (fresh values)", () => {
    for (const salt of ["#a", "#b", "#c"]) {
      const report = testRules(rules, { salt });
      expect(report.failures.map(describeFailure)).toEqual([]);
    }
  });
});
