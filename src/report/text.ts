// Human output: one block per finding (where, what, how bad, the redacted value, the fix), then a
// summary line. Colour only when writing to a terminal.
import { revealPart, revealSecret } from "../finding/secret-store.js";
import { SEVERITIES, type Severity } from "../types.js";
import type { Reporter, ScanReport } from "./report.js";
import { verificationLabel } from "./verification.js";

const COLORS: Record<Severity, string> = { critical: "\x1b[1;31m", high: "\x1b[31m", medium: "\x1b[33m", low: "\x1b[36m", info: "\x1b[2m" };
const RESET = "\x1b[0m";
const DIM = "\x1b[2m";

/** "3 findings (1 critical, 2 high) in 2 files of 12 scanned; 1 blocks (fail-on: medium)". */
export function summaryLine(report: ScanReport): string {
  const n = report.findings.length;
  const counts = SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, c]) => c > 0)
    .map(([s, c]) => `${c} ${s}`);
  const blocking = report.findings.filter((f) => report.blocking.has(f.fingerprint)).length;
  const plural = (k: number) => `${k} file${k === 1 ? "" : "s"}`;
  // Files with findings and files scanned are different numbers; a reader needs both.
  const withFindings = new Set(report.findings.map((f) => f.path)).size;
  const head = n === 0 ? `No secrets found in ${plural(report.stats.files)}` : `${n} finding${n === 1 ? "" : "s"} (${counts.join(", ")}) in ${plural(withFindings)} of ${report.stats.files} scanned`;
  const gate = report.failOn === "never" ? "fail-on: never" : `${blocking} block${blocking === 1 ? "s" : ""} (fail-on: ${report.failOn})`;
  const unscanned = report.notices.filter((n) => n.incomplete).length;
  const named = unscanned ? `; ${unscanned} ${unscanned === 1 ? "file" : "files"} not scanned, see above` : "";
  const incomplete = report.incomplete ? `${named}; scan INCOMPLETE` : "";
  const k = report.stats.ignored ?? 0;
  const ignored = k ? ` (${k} untracked ${k === 1 ? "path" : "paths"} skipped: ignored by git; --no-gitignore scans them)` : "";
  return `${head}${ignored}; ${gate}${incomplete}.`;
}

export const textReporter: Reporter = (report, { showSecrets, color }) => {
  const paint = (code: string, s: string) => (color ? `${code}${s}${RESET}` : s);
  const lines: string[] = [];
  for (const f of report.findings) {
    const sev = paint(COLORS[f.severity], f.severity.toUpperCase().padEnd(8));
    const where = `${f.path}:${f.line}:${f.column}`;
    const commit = f.commit ? ` ${paint(DIM, `(commit ${f.commit.slice(0, 12)}${f.author ? ` by ${f.author}` : ""}${f.date ? `, ${f.date.slice(0, 10)}` : ""})`)}` : "";
    lines.push(`${where}  ${sev}${verificationLabel(f)} ${f.title} [${f.ruleId}]${commit}`);
    if (f.parts) {
      // One line per part of a multi-part credential: its role, where it is, its redacted value.
      for (const p of f.parts) {
        const secret = showSecrets ? `  secret: ${revealPart(f, p.role, p) ?? "(unavailable)"}` : "";
        lines.push(`    ${`${p.role}:`.padEnd(7)} ${p.redacted}  (line ${p.line}:${p.column})${secret}`);
      }
    } else lines.push(`    value: ${f.redacted}${showSecrets ? `  secret: ${revealSecret(f) ?? "(unavailable)"}` : ""}`);
    if (f.verification) lines.push(`    check: ${f.verification.status}: ${f.verification.reason}`);
    lines.push(`    fix:   ${f.remediation}`);
  }
  // What was not (fully) scanned is part of the report itself, not only of stderr: a report written
  // to a file must say it too.
  for (const n of report.notices) if (n.incomplete) lines.push(`not scanned: ${n.path}: ${n.reason}`);
  const exemptions = report.exemptions ?? [];
  if (exemptions.length) {
    lines.push(`Inline allows added by this change (${exemptions.length}); each one silences findings on its line:`);
    for (const e of exemptions) lines.push(`    ${e.path}:${e.line}  ${e.rules.length ? e.rules.join(", ") : "every rule"}  — ${e.reason ?? "no reason given"}`);
  }
  if (lines.length) lines.push("");
  lines.push(summaryLine(report));
  return lines.join("\n") + "\n";
};
