// GitHub Actions annotations through workflow commands (`::error file=…,line=…::message`), so each
// finding shows on the pull request's diff at its line. Values are escaped as GitHub's runner
// requires, which also keeps a crafted file name from starting a command of its own.
import type { Finding } from "../types.js";
import type { Reporter, ScanReport } from "./report.js";
import { verificationLabel } from "./verification.js";
import { partsSentence } from "./parts.js";

/** Message text: `%`, CR and LF encoded. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Property values: as data, plus `:` and `,` which separate properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function level(f: Finding, report: ScanReport): "error" | "warning" | "notice" {
  if (report.blocking.has(f.fingerprint)) return "error";
  return f.severity === "low" || f.severity === "info" ? "notice" : "warning";
}

export function annotation(f: Finding, report: ScanReport): string {
  const props: [string, string | number][] = [["file", f.path], ["line", f.line], ["endLine", f.endLine]];
  // Columns are meaningful to GitHub only within one line.
  if (f.line === f.endLine) props.push(["col", f.column], ["endColumn", f.endColumn]);
  props.push(["title", `keyfence: ${f.title} [${f.ruleId}]`]);
  const commit = f.commit ? ` (commit ${f.commit.slice(0, 12)})` : "";
  const parts = partsSentence(f);
  const message = `${f.severity.toUpperCase()}${verificationLabel(f)} ${f.redacted}${commit}.${parts ? ` ${parts}.` : ""} ${f.remediation}`;
  return `::${level(f, report)} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(",")}::${escapeData(message)}`;
}

export const githubAnnotationsReporter: Reporter = (report) => report.findings.map((f) => annotation(f, report) + "\n").join("");
