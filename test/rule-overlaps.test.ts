// No two rules may claim the same token unless one of them says it yields: a rule's `defersTo`
// names the rules it gives way to, and generic rules give way to every provider rule. Every rule's
// positive examples are run through every rule whose keywords occur in them; each double claim
// must be declared, and the full engine must then report the token once, by the winner.
import { describe, expect, it } from "vitest";
import { Engine } from "../src/engine/engine.js";
import { compileRuleSet } from "../src/engine/compile.js";
import { findKeywordHits } from "../src/engine/prefilter.js";
import { exampleInput } from "../src/rules/tester.js";
import type { Finding, Rule } from "../src/types.js";
import { BUILTIN } from "./helpers/secrets.js";

const byId = new Map(BUILTIN.map((r) => [r.id, r]));
const solo = new Map<string, Engine>();
const engineOf = (r: Rule) => solo.get(r.id) ?? solo.set(r.id, new Engine([r])).get(r.id)!;
const set = compileRuleSet(BUILTIN);
const all = new Engine(set);

type Span = Pick<Finding, "line" | "column" | "endLine" | "endColumn">;
const before = (a: Span, b: Span) => a.endLine < b.line || (a.endLine === b.line && a.endColumn <= b.column);
const overlaps = (a: Span, b: Span) => !before(a, b) && !before(b, a);
/** Whether `a` gives way to `b` on a token both claim: generic to specific, decoders to what they decode, and declared deferrals. */
const yields = (a: Rule, b: Rule) => (a.generic && !b.generic) || !!a.decode || !!a.defersTo?.includes(b.id);
const declared = (a: Rule, b: Rule) => (a.generic && b.generic) || yields(a, b) || yields(b, a);
/**
 * A part-only rule (`alone: drop`) claims nothing: the engine keeps its match beside the others' for
 * pairing (src/pairing/), which drops it unless a pair takes it (and then the others' finding of it).
 */
const partOnly = (r: Rule) => r.alone === "drop";

interface Claim {
  rule: Rule;
  other: Rule;
  example: number;
}

function claims(): { undeclared: Claim[]; misresolved: string[] } {
  const undeclared: Claim[] = [];
  const misresolved: string[] = [];
  for (const rule of BUILTIN) {
    if (partOnly(rule)) continue;
    rule.examples.match.forEach((_, i) => {
      const text = Buffer.from(exampleInput(rule, "match", i));
      const own = engineOf(rule).scanBuffer(text, { path: "example" });
      if (own.length !== 1) return; // the rule's own example test reports this
      const candidates = new Set(findKeywordHits(set, text, 0, true).hits.flatMap((h) => h.rules.map((r) => set.rules[r]!.rule)));
      const claimants = [rule];
      for (const other of candidates) {
        if (other.id === rule.id || partOnly(other)) continue;
        if (!engineOf(other).scanBuffer(text, { path: "example" }).some((f) => overlaps(f, own[0]!))) continue;
        if (!declared(rule, other)) undeclared.push({ rule, other, example: i });
        claimants.push(other);
      }
      // Whoever does not give way to another claimant may report the token; exactly one must.
      const winners = claimants.filter((a) => !claimants.some((b) => b !== a && yields(a, b)));
      const reported = all.scanBuffer(text, { path: "example" }).filter((f) => overlaps(f, own[0]!) && !partOnly(byId.get(f.ruleId)!));
      // A decoding rule's own example hides a token that the rule inside reports (decoders.test.ts).
      const anyWinner = !!rule.decode;
      if (reported.length !== 1 || !(anyWinner || winners.some((w) => w.id === reported[0]!.ruleId))) {
        misresolved.push(`${rule.id} match[${i}]: expected one of ${winners.map((w) => w.id).join(", ")} alone, the engine reported ${reported.map((f) => f.ruleId).join(", ") || "nothing"}`);
      }
    });
  }
  return { undeclared, misresolved };
}

describe("rule overlaps", () => {
  const result = claims();

  it("every token two rules can claim is settled by defersTo (or a generic or decoding rule)", () => {
    const pairs = [...new Set(result.undeclared.map((c) => `${c.rule.id} ⟷ ${c.other.id} (on ${c.rule.id} match[${c.example}])`))];
    expect(pairs).toEqual([]);
  });

  it("the engine reports such a token once, by the rule that does not defer", () => {
    expect(result.misresolved).toEqual([]);
  });

  it("defersTo names existing rules, never itself, and no two rules defer to each other", () => {
    const problems: string[] = [];
    for (const r of BUILTIN) {
      for (const id of r.defersTo ?? []) {
        const target = byId.get(id);
        if (!target) problems.push(`${r.id} defers to unknown rule ${id}`);
        else if (id === r.id) problems.push(`${r.id} defers to itself`);
        else if (target.defersTo?.includes(r.id)) problems.push(`${r.id} and ${id} defer to each other`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("a declared deferral is used: the rules it names can claim one of the deferring rule's examples or the other way round", () => {
    const used = new Set(pairsSeen());
    const unused = BUILTIN.flatMap((r) => (r.defersTo ?? []).filter((id) => !used.has(`${r.id}>${id}`)).map((id) => `${r.id} defers to ${id}, but no example of either is claimed by both`));
    expect(unused).toEqual([]);
  });
});

/** `a>b` for every declared deferral that some positive example actually exercises. */
function pairsSeen(): string[] {
  const seen: string[] = [];
  for (const rule of BUILTIN) {
    const targets = BUILTIN.filter((o) => rule.defersTo?.includes(o.id));
    for (const target of targets) {
      const exercised = [rule, target].some((r) =>
        r.examples.match.some((_, i) => {
          const text = Buffer.from(exampleInput(r, "match", i));
          const a = engineOf(rule).scanBuffer(text, { path: "example" });
          const b = engineOf(target).scanBuffer(text, { path: "example" });
          return a.some((x) => b.some((y) => overlaps(x, y)));
        }),
      );
      if (exercised) seen.push(`${rule.id}>${target.id}`);
    }
  }
  return seen;
}
