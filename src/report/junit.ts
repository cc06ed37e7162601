// JUnit XML, which Jenkins, Azure Pipelines, CircleCI and GitLab show in their test tabs: one test
// case per blocking finding (a failure), an error case when the scan was incomplete, and one passing
// case when nothing blocks, so the tab says the check ran. Names are untrusted: every attribute and
// text is escaped, and characters XML 1.0 cannot carry are written as visible `\xNN`.
import { summaryLine } from "./text.js";
import type { Finding } from "../types.js";
import type { Reporter, ScanReport } from "./report.js";
import { verificationLabel, verificationSentence } from "./verification.js";
import { partText, partViews } from "./parts.js";

/** Escapes for XML attributes and text; control characters become visible escapes, lone surrogates U+FFFD. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    .replace(/[\uFFFE\uFFFF]/g, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;");
}

function attrs(pairs: Record<string, string | number>): string {
  return Object.entries(pairs)
    .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
    .join(" ");
}

function failureCase(f: Finding): string {
  const where = `${f.path}:${f.line}:${f.column}`;
  const commit = f.commit ? ` (commit ${f.commit.slice(0, 12)}${f.author ? ` by ${f.author}` : ""})` : "";
  const parts = partViews(f);
  const value = parts ? parts.map((p) => `part: ${partText(p)}`).join("\n") : `value: ${f.redacted}`;
  const body = `${where}${commit}\n${f.severity.toUpperCase()}${verificationLabel(f)} ${f.title} [${f.ruleId}]\n${value}\n${f.verification ? `${verificationSentence(f)}\n` : ""}fix: ${f.remediation}`;
  return [
    `    <testcase ${attrs({ classname: `keyfence.${f.ruleId}`, name: `${where} ${f.ruleId}`, file: f.path, line: f.line, time: 0 })}>`,
    `      <failure ${attrs({ type: f.ruleId, message: `${f.severity.toUpperCase()}${verificationLabel(f)} ${f.title}: ${f.redacted}` })}>${xmlEscape(body)}</failure>`,
    "    </testcase>",
  ].join("\n");
}

export const junitReporter: Reporter = (report: ScanReport) => {
  const blocking = report.findings.filter((f) => report.blocking.has(f.fingerprint));
  const cases = blocking.map(failureCase);
  const incomplete = report.notices.filter((n) => n.incomplete);
  if (report.incomplete) {
    const list = incomplete.map((n) => `${n.path}: ${n.reason}`).join("\n");
    cases.push(`    <testcase ${attrs({ classname: "keyfence", name: "scan complete", time: 0 })}>\n      <error ${attrs({ type: "incomplete", message: `${incomplete.length} item(s) could not be scanned` })}>${xmlEscape(list)}</error>\n    </testcase>`);
  }
  if (!cases.length) cases.push(`    <testcase ${attrs({ classname: "keyfence", name: `no blocking credentials (fail-on: ${report.failOn})`, time: 0 })}/>`);
  const seconds = (report.stats.durationMs / 1000).toFixed(3);
  const counts = { tests: cases.length, failures: blocking.length, errors: report.incomplete ? 1 : 0, skipped: 0, time: seconds };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs({ name: "keyfence", ...counts })}>`,
    `  <testsuite ${attrs({ name: "keyfence", ...counts })}>`,
    `    <properties><property ${attrs({ name: "summary", value: summaryLine(report) })}/><property ${attrs({ name: "version", value: report.tool.version })}/></properties>`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
};
