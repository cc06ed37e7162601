// Azure Pipelines logging commands: `##vso[task.logissue type=error;sourcepath=…;linenumber=…;…]message`
// per finding, which the agent turns into errors and warnings on the run's summary and the PR.
// Escaping follows the agent's own rules (azure-pipelines-task-lib): `%` → `%AZP25`, CR → `%0D`,
// LF → `%0A`, and in properties also `]` → `%5D`, `;` → `%3B`. Every command is one line that starts
// with `##vso[`, so no path, author or message text can end it early or start a command of its own;
// other control characters are written as visible `\xNN`.
import type { Finding } from "../types.js";
import type { Reporter, ScanReport } from "./report.js";
import { verificationLabel } from "./verification.js";
import { partsSentence } from "./parts.js";

function visible(s: string): string {
  return s.replace(/[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\u0085\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Message text. */
export function azureEscapeData(s: string): string {
  return visible(s).replace(/%/g, "%AZP25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Property values: as data, plus the property separator `;` and the closing `]`. */
export function azureEscapeProperty(s: string): string {
  return azureEscapeData(s).replace(/\]/g, "%5D").replace(/;/g, "%3B");
}

export function logIssue(f: Finding, report: ScanReport): string {
  const type = report.blocking.has(f.fingerprint) ? "error" : "warning";
  const props: [string, string | number][] = [
    ["type", type],
    ["sourcepath", f.path],
    ["linenumber", f.line],
    ["columnnumber", f.column],
    ["code", f.ruleId],
  ];
  const commit = f.commit ? ` (commit ${f.commit.slice(0, 12)})` : "";
  const parts = partsSentence(f);
  const message = `keyfence: ${f.severity.toUpperCase()}${verificationLabel(f)} ${f.title} [${f.ruleId}] ${f.redacted}${commit}.${parts ? ` ${parts}.` : ""} ${f.remediation}`;
  return `##vso[task.logissue ${props.map(([k, v]) => `${k}=${azureEscapeProperty(String(v))};`).join("")}]${azureEscapeData(message)}`;
}

export const azureLoggingReporter: Reporter = (report) => {
  const lines = report.findings.map((f) => logIssue(f, report));
  if (report.incomplete) {
    for (const n of report.notices.filter((x) => x.incomplete)) lines.push(`##vso[task.logissue type=error;code=keyfence-incomplete;]${azureEscapeData(`keyfence: not fully scanned: ${n.path}: ${n.reason}`)}`);
  }
  return lines.map((l) => `${l}\n`).join("");
};
