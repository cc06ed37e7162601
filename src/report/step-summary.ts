// A Markdown table for $GITHUB_STEP_SUMMARY: what was found, where, how bad, what to do. GitHub
// refuses a step summary over 1 MiB, so rows stop short of the limit and a note says how many
// were left out.
import type { Finding } from "../types.js";
import { summaryLine } from "./text.js";
import type { Reporter, ScanReport } from "./report.js";
import { verificationLabel } from "./verification.js";
import { partViews } from "./parts.js";

export const STEP_SUMMARY_LIMIT = 1024 * 1024;

/** Text safe in a table cell: no line breaks, no cell separators, no raw HTML. */
function cell(s: string): string {
  return s.replace(/\r?\n|\r/g, " ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|");
}

/** A code span that survives backticks inside it. */
function code(s: string): string {
  const text = s.replace(/\r?\n|\r/g, " ").replace(/\|/g, "\\|");
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function row(f: Finding, report: ScanReport): string {
  const gate = report.blocking.has(f.fingerprint) ? "⛔ blocks" : "report";
  const where = `${f.path}:${f.line}${f.commit ? ` @ ${f.commit.slice(0, 12)}` : ""}`;
  // A multi-part credential: a line per part in the value cell (role, redacted, line:column).
  const parts = partViews(f);
  const value = parts ? parts.map((p) => `${cell(p.role)}: ${code(p.redacted)} (${p.line}:${p.column})`).join("<br>") : code(f.redacted);
  return `| ${gate} | ${f.severity}${verificationLabel(f)} | ${cell(f.title)} (${code(f.ruleId)}) | ${code(where)} | ${value} | ${cell(f.remediation)} |\n`;
}

/** Every inline allow the change adds, so reviewers see each exemption it grants itself. */
function exemptionsTable(report: ScanReport): string {
  const list = report.exemptions ?? [];
  if (list.length === 0) return "";
  const rows = list.map((e) => `| ${code(`${e.path}:${e.line}`)} | ${e.rules.length ? e.rules.map(code).join(", ") : "every rule"} | ${e.reason ? cell(e.reason) : "_no reason given_"} |\n`);
  return `\n### Inline allows added by this change (${list.length})\n\n| Location | Rules | Reason |\n| --- | --- | --- |\n${rows.join("")}`;
}

export function renderStepSummary(report: ScanReport, limit = STEP_SUMMARY_LIMIT): string {
  const head = `## keyfence\n\n${cell(summaryLine(report))}\n${exemptionsTable(report)}`;
  if (report.findings.length === 0) return head;
  const table = `\n| | Severity | Finding | Location | Value | Fix |\n| --- | --- | --- | --- | --- | --- |\n`;
  const note = (n: number) => `\n_${n} more finding${n === 1 ? "" : "s"} not shown: GitHub limits a step summary to 1 MiB. The SARIF and JSON reports list them all._\n`;
  // Blocking findings first, so truncation drops the least urgent rows.
  const ordered = [...report.findings].sort((a, b) => Number(report.blocking.has(b.fingerprint)) - Number(report.blocking.has(a.fingerprint)));
  let out = head + table;
  let size = Buffer.byteLength(out);
  const reserve = Buffer.byteLength(note(ordered.length));
  for (let i = 0; i < ordered.length; i++) {
    const r = row(ordered[i]!, report);
    const bytes = Buffer.byteLength(r);
    if (size + bytes + reserve > limit) return out + note(ordered.length - i);
    out += r;
    size += bytes;
  }
  return out;
}

export const githubSummaryReporter: Reporter = (report) => renderStepSummary(report);
