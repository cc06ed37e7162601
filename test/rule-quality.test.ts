// Rule quality on real third-party code (test/helpers/rule-corpus.ts): every keyword must be rare
// enough that the rule's regex seldom runs, and every regex must keep RE2 on its DFA (no fallback to
// the NFA) on the windows the engine really hands it, found the way the engine finds them.
import { beforeAll, describe, expect, it } from "vitest";
import { compileRuleSet, type RuleSet } from "../src/engine/compile.js";
import { findKeywordHits } from "../src/engine/prefilter.js";
import { MAX_WINDOW } from "../src/engine/session.js";
import { exampleInput } from "../src/rules/tester.js";
import { BUILTIN } from "./helpers/secrets.js";
import { ruleCorpus } from "./helpers/rule-corpus.js";
import { DfaModel, dfaStateBudget, dfaStateBytes } from "./helpers/re2-dfa-model.js";

/**
 * Windows the engine opens per MB of real code (keyword hits that pass the rule's afterKeyword gate).
 * A provider rule's keyword should be its token's own prefix or a provider name: nearly never seen.
 */
const WINDOWS_PER_MB = 1;
/** Generic rules key on words such as "password" and "token"; gates and the grammar keep them this rare. */
const GENERIC_WINDOWS_PER_MB = 200;
/** Raw keyword hits per MB for provider rules without a gate (each opens a window)… */
const HITS_PER_MB = 25;
/** …and with one (each costs a sticky RE2 test at the hit). */
const GATED_HITS_PER_MB = 500;
/**
 * Rules whose keywords are ordinary words by design (PCI data has no prefix), measured on the corpus
 * and held to a ceiling so that they cannot get worse. Lower a ceiling when a rule gets a gate.
 */
const DENSE: Record<string, { windows: number; why: string }> = {
  "pci-card-pan": { windows: 36, why: "card numbers carry no prefix; the keywords are card words" },
};

interface Usage {
  hits: number;
  windows: { file: number; start: number; end: number }[];
}

let set: RuleSet;
let usage: Usage[];
let megabytes: number;
let corpus: ReturnType<typeof ruleCorpus>;

beforeAll(() => {
  corpus = ruleCorpus();
  megabytes = corpus.bytes / 1e6;
  set = compileRuleSet(BUILTIN);
  usage = BUILTIN.map(() => ({ hits: 0, windows: [] }));
  corpus.files.forEach(({ data }, file) => {
    const open = new Map<number, { file: number; start: number; end: number }>();
    for (const hit of findKeywordHits(set, data, 0, true).hits) {
      for (const r of hit.rules) {
        const c = set.rules[r]!;
        usage[r]!.hits++;
        // A rule without a regex (assignment only) opens no window: the grammar reads the name at the hit.
        if (c.rule.regex === undefined) continue;
        if (c.gate) {
          c.gate.lastIndex = hit.pos;
          if (!c.gate.test(data.subarray(0, Math.min(data.length, hit.pos + hit.length + c.rule.window.after)))) continue;
        }
        // The engine's windows: [hit − before, hit end + after], merged while they overlap.
        const start = Math.max(0, hit.pos - c.rule.window.before);
        const end = Math.min(data.length, hit.pos + hit.length + c.rule.window.after);
        const cur = open.get(r);
        if (cur && start < cur.end && Math.max(cur.end, end) - cur.start <= MAX_WINDOW) cur.end = Math.max(cur.end, end);
        else {
          const w = { file, start, end };
          usage[r]!.windows.push(w);
          open.set(r, w);
        }
      }
    }
  });
});

describe("rule keywords on real code", () => {
  it("the corpus is there and large enough to measure (npm ci installs it)", () => {
    expect(corpus.files.length).toBeGreaterThan(500);
    expect(megabytes).toBeGreaterThan(10);
  });

  it("open at most the budgeted number of windows per MB", () => {
    const over = BUILTIN.flatMap((rule, i) => {
      const perMB = usage[i]!.windows.length / megabytes;
      const limit = DENSE[rule.id]?.windows ?? (rule.generic ? GENERIC_WINDOWS_PER_MB : WINDOWS_PER_MB);
      return perMB > limit ? [`${rule.id}: ${perMB.toFixed(2)} windows/MB > ${limit} (keywords ${rule.keywords.join(", ")}${rule.afterKeyword ? "" : "; consider an afterKeyword gate"})`] : [];
    });
    expect(over).toEqual([]);
  });

  it("provider rules' keywords hit at most the budgeted number of times per MB", () => {
    const over = BUILTIN.flatMap((rule, i) => {
      const perMB = usage[i]!.hits / megabytes;
      const limit = rule.afterKeyword ? GATED_HITS_PER_MB : HITS_PER_MB;
      return !rule.generic && !DENSE[rule.id] && perMB > limit ? [`${rule.id}: ${perMB.toFixed(1)} keyword hits/MB > ${limit} (keywords ${rule.keywords.join(", ")})`] : [];
    });
    expect(over).toEqual([]);
  });

  it("the dense-rule table names existing rules that still need their ceiling", () => {
    const stale = Object.keys(DENSE).filter((id) => {
      const i = BUILTIN.findIndex((r) => r.id === id);
      return i < 0 || usage[i]!.windows.length / megabytes <= WINDOWS_PER_MB;
    });
    expect(stale).toEqual([]);
  });
});

describe("rule regexes stay on RE2's DFA", () => {
  it("every search the engine makes fits in RE2's DFA state cache (corpus windows and the rule's examples)", () => {
    const problems: string[] = [];
    BUILTIN.forEach((rule, i) => {
      // A keyed rule's value pattern runs on values the grammar extracts, never longer than its examples' text.
      const model = new DfaModel(rule.regex ?? rule.assignment!.value);
      const budget = dfaStateBudget(model.nfaSize);
      const texts: { what: string; data: Buffer }[] = (rule.regex ? usage[i]!.windows : []).map((w) => ({
        what: `${corpus.files[w.file]!.path.replace(/^.*node_modules\//, "")}@${w.start}`,
        data: corpus.files[w.file]!.data.subarray(w.start, w.end),
      }));
      for (const kind of ["match", "noMatch"] as const) {
        rule.examples[kind].forEach((_, n) => texts.push({ what: `examples.${kind}[${n}]`, data: Buffer.from(exampleInput(rule, kind, n)) }));
      }
      let worst = { bytes: 0, what: "" };
      for (const t of texts) {
        const { states, widest } = model.search(t.data);
        const bytes = states * dfaStateBytes(widest);
        if (bytes > worst.bytes) worst = { bytes, what: `${t.what}: ${states} states of up to ${widest} instructions` };
      }
      if (budget <= 20 * dfaStateBytes(model.nfaSize)) problems.push(`${rule.id}: program of ~${model.nfaSize} instructions leaves RE2 no room for 20 states`);
      else if (worst.bytes >= budget) problems.push(`${rule.id}: ${worst.what} need ${worst.bytes} bytes, RE2's cache holds ${Math.floor(budget)}`);
    });
    expect(problems).toEqual([]);
  });

  it("the model tells a state explosion from a linear pattern", () => {
    // (a|b)*a(a|b){12}: the DFA must remember the last 13 bytes, 2^13 states on random a/b text.
    let x = 12345;
    const text = Buffer.from(Array.from({ length: 20000 }, () => ((x = (x * 1103515245 + 12345) % 2147483648) >> 16) & 1 ? "a" : "b").join(""));
    const explosive = new DfaModel("[ab]*a[ab]{12}").search(text);
    const linear = new DfaModel("(?:^|[^A-Za-z0-9_])(?P<secret>cfut_[A-Za-z0-9]{40}[0-9a-f]{8})").search(text);
    expect(explosive.states).toBeGreaterThan(4000);
    expect(linear.states).toBeLessThan(10);
  });
});
