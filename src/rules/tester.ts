// Every rule carries its own tests (examples that must match once, look-alikes that must not), run
// here against that rule alone, in the spirit of ESLint's RuleTester.
import { Engine } from "../engine/engine.js";
import { expandExample } from "./example-template.js";
import { pairFindings } from "../pairing/pair.js";
import { pairingPlan } from "../pairing/plan.js";
import type { Rule } from "../types.js";

export interface ExampleFailure {
  rule: Rule;
  expectation: "match" | "noMatch" | "paired";
  /** 0-based index of the example in its list. */
  index: number;
  /** The example as written (a template), never the generated value. */
  template: string;
  found: number;
  /** For a pair example: how many parts it should have named, and how many the finding named. */
  parts?: { want: number; got: number | undefined };
}

export interface RuleTestReport {
  rules: number;
  examples: number;
  failures: ExampleFailure[];
}

/** The value a template expands to for a rule; `salt` varies it (fuzzing), the default is stable. */
export function exampleInput(rule: Rule, expectation: "match" | "noMatch" | "paired", index: number, salt = ""): string {
  const template = expectation === "paired" ? rule.examples.paired![index]!.text : rule.examples[expectation][index]!;
  return expandExample(template, `${rule.id}/${expectation}/${index}${salt}`);
}

/**
 * A rule's pair examples, scanned with the rule and the rules of its parts and then paired as a scan
 * unit is: each must give exactly one finding, of this rule, naming the stated number of parts.
 */
function testPairs(rule: Rule, byId: ReadonlyMap<string, Rule>, salt: string | undefined, failures: ExampleFailure[]): number {
  const paired = rule.examples.paired ?? [];
  if (!paired.length) return 0;
  const set = [rule, ...new Set((rule.pair?.parts ?? []).flatMap((p) => byId.get(p.rule) ?? []))];
  const engine = new Engine(set);
  const plan = pairingPlan(set);
  paired.forEach((example, index) => {
    const input = exampleInput(rule, "paired", index, salt);
    const found = pairFindings(plan, engine.scanBuffer(Buffer.from(input), { path: "example" }));
    const got = found.length === 1 && found[0]!.ruleId === rule.id ? found[0]!.parts?.length : undefined;
    if (found.length !== 1 || got !== example.parts) failures.push({ rule, expectation: "paired", index, template: example.text, found: found.length, parts: { want: example.parts, got } });
  });
  return paired.length;
}

export function testRules(rules: readonly Rule[], options: { salt?: string; companions?: readonly Rule[] } = {}): RuleTestReport {
  const failures: ExampleFailure[] = [];
  let examples = 0;
  // A pack under test may pair with rules of other packs (the built-in ones).
  const byId = new Map([...(options.companions ?? []), ...rules].map((r) => [r.id, r]));
  for (const rule of rules) {
    examples += testPairs(rule, byId, options.salt, failures);
    // A rule that follows another's matches (`follows`) is run with those rules; only its own findings count.
    const engine = new Engine([rule, ...(rule.follows ?? []).flatMap((id) => byId.get(id) ?? [])]);
    for (const expectation of ["match", "noMatch"] as const) {
      rule.examples[expectation].forEach((template, index) => {
        examples++;
        const input = exampleInput(rule, expectation, index, options.salt);
        const found = engine.scanBuffer(Buffer.from(input), { path: "example" }).filter((f) => f.ruleId === rule.id).length;
        if (expectation === "match" ? found !== 1 : found !== 0) failures.push({ rule, expectation, index, template, found });
      });
    }
  }
  return { rules: rules.length, examples, failures };
}

/** `file:line: rule id: …` — one line per failure, no generated values. */
export function describeFailure(f: ExampleFailure): string {
  const where = `${f.rule.origin.file}${f.rule.origin.line ? `:${f.rule.origin.line}` : ""}`;
  const want = f.expectation === "match" ? "must match exactly once" : f.expectation === "paired" ? `must give one finding with ${f.parts?.want} parts` : "must not match";
  const found = f.parts ? `found ${f.found} finding(s)${f.parts.got !== undefined ? ` with ${f.parts.got} parts` : ""}` : `found ${f.found}`;
  return `${where}: rule ${f.rule.id}: examples.${f.expectation}[${f.index}] ${want}, ${found}: ${JSON.stringify(f.template).slice(0, 120)}`;
}
