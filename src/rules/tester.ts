// Every rule carries its own tests (examples that must match once, look-alikes that must not), run
// here against that rule alone, in the spirit of ESLint's RuleTester.
import { Engine } from "../engine/engine.js";
import { expandExample } from "./example-template.js";
import type { Rule } from "../types.js";

export interface ExampleFailure {
  rule: Rule;
  expectation: "match" | "noMatch";
  /** 0-based index of the example in its list. */
  index: number;
  /** The example as written (a template), never the generated value. */
  template: string;
  found: number;
}

export interface RuleTestReport {
  rules: number;
  examples: number;
  failures: ExampleFailure[];
}

/** The value a template expands to for a rule; `salt` varies it (fuzzing), the default is stable. */
export function exampleInput(rule: Rule, expectation: "match" | "noMatch", index: number, salt = ""): string {
  const template = rule.examples[expectation][index]!;
  return expandExample(template, `${rule.id}/${expectation}/${index}${salt}`);
}

export function testRules(rules: readonly Rule[], options: { salt?: string } = {}): RuleTestReport {
  const failures: ExampleFailure[] = [];
  let examples = 0;
  for (const rule of rules) {
    const engine = new Engine([rule]);
    for (const expectation of ["match", "noMatch"] as const) {
      rule.examples[expectation].forEach((template, index) => {
        examples++;
        const input = exampleInput(rule, expectation, index, options.salt);
        const found = engine.scanBuffer(Buffer.from(input), { path: "example" }).length;
        if (expectation === "match" ? found !== 1 : found !== 0) failures.push({ rule, expectation, index, template, found });
      });
    }
  }
  return { rules: rules.length, examples, failures };
}

/** `file:line: rule id: …` — one line per failure, no generated values. */
export function describeFailure(f: ExampleFailure): string {
  const where = `${f.rule.origin.file}${f.rule.origin.line ? `:${f.rule.origin.line}` : ""}`;
  const want = f.expectation === "match" ? "must match exactly once" : "must not match";
  return `${where}: rule ${f.rule.id}: examples.${f.expectation}[${f.index}] ${want}, found ${f.found}: ${JSON.stringify(f.template).slice(0, 120)}`;
}
