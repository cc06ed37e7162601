// docs/coverage.md, generated from the rule packs (npm run coverage:doc) so that it cannot drift:
// test/coverage-doc.test.ts fails when the file differs from what the packs say.
import type { Confidence, Environment, Rule } from "../types.js";

const ENVIRONMENTS: readonly Environment[] = ["live", "sandbox", "unknown"];
const CONFIDENCES: readonly Confidence[] = ["A", "B", "C"];

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** How a rule's hits are confirmed beyond its regex, in short words. */
export function validationOf(rule: Rule): string[] {
  const out: string[] = [...rule.validate];
  if (rule.decode) out.push(`decode:${rule.decode.as}`);
  if (rule.context) out.push("context");
  if (rule.afterKeyword) out.push("gate");
  if (rule.entropy !== undefined) out.push("entropy");
  return out;
}

function counted(values: string[]): string {
  const n = new Map<string, number>();
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
  return [...n].map(([v, c]) => (c > 1 ? `${v} ×${c}` : v)).join(", ");
}

interface ProviderRow {
  family: string;
  provider: string;
  rules: Rule[];
}

function providerRows(rules: readonly Rule[]): ProviderRow[] {
  const rows = new Map<string, ProviderRow>();
  for (const r of rules) {
    const key = `${r.family}\u0000${r.provider}`;
    const row = rows.get(key) ?? { family: r.family, provider: r.provider, rules: [] };
    row.rules.push(r);
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => (a.family === b.family ? a.provider.localeCompare(b.provider, "en") : a.family < b.family ? -1 : 1));
}

/** The whole of docs/coverage.md. */
export function renderCoverageTable(rules: readonly Rule[]): string {
  const rows = providerRows(rules);
  const families = [...new Set(rows.map((r) => r.family))].sort();
  const lines: string[] = [
    "# Coverage",
    "",
    "<!-- Generated from rules/**/*.yaml by `npm run coverage:doc`; test/coverage-doc.test.ts fails when it drifts. Do not edit by hand. -->",
    "",
    `keyfence ships **${rules.length} rules** for **${new Set(rules.map((r) => r.provider)).size} providers** in ${families.length} families.`,
    "Environment: what the rule reports (`live`/`sandbox` read from the token itself; `unknown` means the",
    "token carries no marker, so only surrounding text can tell). Validation: `crc32-base62`, `aws-key-id`,",
    "`luhn`, … are offline checksum or structure checks; `gate` is a cheap check right after the keyword;",
    "`context` reads sandbox/production markers nearby; `entropy` a minimum randomness. Confidence follows the",
    "research grades: A = the provider documents the format, B = independent sources agree, C = one source",
    "or an inference (such rules are context-gated and report at lower severity).",
    "",
    "## By family",
    "",
    "| family | providers | rules | live | sandbox | unknown | A | B | C |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const f of families) {
    const fr = rules.filter((r) => r.family === f);
    const env = ENVIRONMENTS.map((e) => fr.filter((r) => r.environment === e).length);
    const conf = CONFIDENCES.map((c) => fr.filter((r) => r.confidence === c).length);
    lines.push(`| ${f} | ${new Set(fr.map((r) => r.provider)).size} | ${fr.length} | ${env.join(" | ")} | ${conf.join(" | ")} |`);
  }
  lines.push("", "## By provider", "", "| family | provider | rules | kinds | environment | validation | confidence |", "| --- | --- | ---: | --- | --- | --- | --- |");
  for (const row of rows) {
    const kinds = counted(row.rules.map((r) => r.kind));
    const env = counted(row.rules.map((r) => r.environment));
    const validation = counted(row.rules.flatMap(validationOf)) || "regex only";
    const conf = counted(row.rules.map((r) => r.confidence));
    lines.push(`| ${row.family} | ${escapeCell(row.provider)} | ${row.rules.length} | ${escapeCell(kinds)} | ${env} | ${validation} | ${conf} |`);
  }
  const deferring = rules.filter((r) => r.defersTo?.length);
  lines.push(
    "",
    "## Overlaps",
    "",
    "Tokens that two rules can both claim. The rule on the left yields to the ones on the right where both",
    "report the same text (`defersTo`); generic rules yield to every provider rule. test/rule-overlaps.test.ts",
    "runs every rule's examples through every rule and fails on a double claim this table does not settle.",
    "",
    "| rule | yields to |",
    "| --- | --- |",
    ...deferring.map((r) => `| \`${r.id}\` | ${r.defersTo!.map((id) => `\`${id}\``).join(", ")} |`),
    "",
    "## Rules",
    "",
    "| id | provider | kind | severity | environment | confidence | validation |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...[...rules]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((r) => `| ${r.id} | ${escapeCell(r.provider)} | ${escapeCell(r.kind)} | ${r.severity} | ${r.environment} | ${r.confidence} | ${validationOf(r).join(", ") || "regex only"} |`),
    "",
  );
  return lines.join("\n");
}
