// Test inputs with credentials are generated from the rules' own example templates (seeded), so
// the repository holds no credential-shaped literals and every value is fake by construction.
import { loadBuiltinRules } from "../../src/rules/load.js";
import { exampleInput } from "../../src/rules/tester.js";
import type { Rule } from "../../src/types.js";

export const BUILTIN = loadBuiltinRules();

export function ruleById(id: string): Rule {
  const r = BUILTIN.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}

/** A positive example of `ruleId`, expanded with `salt` for fresh values. */
export function positive(ruleId: string, index = 0, salt = ""): string {
  return exampleInput(ruleById(ruleId), "match", index, salt);
}

/** Every positive example of every built-in rule. */
export function allPositives(salt = ""): { rule: Rule; text: string }[] {
  // A part-only rule (`alone: drop`: a client id, an account SID) is never reported on its own, so its
  // examples are not credentials a scan must find by themselves.
  return BUILTIN.filter((rule) => rule.alone !== "drop").flatMap((rule) => rule.examples.match.map((_, i) => ({ rule, text: exampleInput(rule, "match", i, salt) })));
}
