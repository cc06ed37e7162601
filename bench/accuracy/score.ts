// Scores findings against the corpus labels: a label is found when a finding of one of its rules
// overlaps its span; a finding that overlaps no label, or overlaps one with the wrong rule, is a
// false positive. Recall by class and by rule, precision overall. No secret value is ever printed.
// A pair (a finding with `parts`) stands for every planted credential its parts overlap: an AWS key
// id and its secret, planted as two labels, are one finding that finds both; the pair is one true
// positive per label it covers, and a false positive only when no part overlaps a label of its rule.
import type { Finding } from "../../dist/types.js";
import type { CorpusFile } from "./corpus.js";
import type { Class } from "./kinds.js";

export interface Score {
  labels: number;
  findings: number;
  truePositives: number;
  /** Findings with parts, and the labels their non-anchor parts found. */
  pairs: number;
  pairedLabels: number;
  falsePositives: { path: string; ruleId: string; redacted: string; line: number; why: string }[];
  /** Unlabelled info findings (public-by-design keys beside the planted ones): filtered by policy, not counted. */
  unlabelledInfo: number;
  missed: { path: string; rules: string[]; how: string }[];
  byClass: Map<Class, { found: number; total: number }>;
  byRule: Map<string, { found: number; total: number }>;
  /** Recall and false positives per syntax (files of the per-syntax corpus). */
  bySyntax: Map<string, { found: number; total: number; falsePositives: number }>;
}

export function score(files: readonly CorpusFile[], findingsOf: (f: CorpusFile) => Finding[]): Score {
  const s: Score = { labels: 0, findings: 0, truePositives: 0, pairs: 0, pairedLabels: 0, falsePositives: [], unlabelledInfo: 0, missed: [], byClass: new Map(), byRule: new Map(), bySyntax: new Map() };
  const bump = <K, E extends { found: number; total: number }>(m: Map<K, E>, k: K, found: boolean) => {
    const e = m.get(k) ?? ({ found: 0, total: 0 } as E);
    e.total++;
    if (found) e.found++;
    m.set(k, e);
  };
  for (const file of files) {
    const findings = findingsOf(file);
    s.findings += findings.length;
    s.pairs += findings.filter((f) => f.parts?.length).length;
    const used = new Set<Finding>();
    for (const label of file.labels) {
      s.labels++;
      const covers = (f: Finding) => spansOf(f).some((p) => label.rules.includes(p.ruleId) && overlaps(p, file.text, label));
      const hit = findings.find(covers);
      if (hit) {
        used.add(hit);
        // Further findings of accepted rules on the same span are the same secret, not noise.
        for (const f of findings) if (covers(f)) used.add(f);
        s.truePositives++;
        if (hit.parts?.length && !(label.rules.includes(hit.ruleId) && overlaps(hit, file.text, label))) s.pairedLabels++;
      } else {
        s.missed.push({ path: file.path, rules: label.rules, how: label.how });
      }
      bump(s.byClass, label.cls, !!hit);
      bump(s.byRule, label.rules[0]!, !!hit);
      if (file.syntax) bump(syntaxEntry(s, file.syntax), file.syntax, !!hit);
    }
    for (const f of findings) {
      if (used.has(f)) continue;
      const wrong = file.labels.find((l) => spansOf(f).some((p) => overlaps(p, file.text, l)));
      if (!wrong && f.severity === "info") {
        s.unlabelledInfo++;
        continue;
      }
      if (file.syntax) syntaxEntry(s, file.syntax).get(file.syntax)!.falsePositives++;
      s.falsePositives.push({ path: file.path, ruleId: f.ruleId, redacted: f.redacted, line: f.line, why: wrong ? `overlaps a ${wrong.rules[0]} label (wrong provider)` : "no label here" });
    }
  }
  return s;
}

/** The per-syntax map with an entry for `syntax` (false positives count even where nothing was planted). */
function syntaxEntry(s: Score, syntax: string): Map<string, { found: number; total: number; falsePositives: number }> {
  if (!s.bySyntax.has(syntax)) s.bySyntax.set(syntax, { found: 0, total: 0, falsePositives: 0 });
  return s.bySyntax as Map<string, { found: number; total: number; falsePositives: number }>;
}

type Span = Pick<Finding, "ruleId" | "offset" | "line" | "endLine" | "column" | "endColumn">;

/** Where a finding's values are: the finding itself and, for a pair, each of its parts. */
function spansOf(f: Finding): Span[] {
  return f.parts?.length ? [f, ...f.parts] : [f];
}

function overlaps(f: Span, _text: string, l: { start: number; end: number }): boolean {
  // A finding's end offset is not carried; its start must fall inside the labelled span or the
  // label must start inside the finding's line range, which the offset check covers for tokens.
  return f.offset >= l.start && f.offset < l.end || (f.offset <= l.start && f.offset + Math.max(1, f.endColumn - f.column) > l.start && f.line === f.endLine);
}
