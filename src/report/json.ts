import { revealPart, revealSecret } from "../finding/secret-store.js";
import { SEVERITIES } from "../types.js";
import type { Reporter } from "./report.js";

/** Machine-readable result; raw values appear only under --show-secrets, as `secret`. */
export const jsonReporter: Reporter = (report, { showSecrets }) => {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length]));
  const doc = {
    tool: report.tool,
    failOn: report.failOn,
    summary: {
      findings: report.findings.length,
      blocking: report.findings.filter((f) => report.blocking.has(f.fingerprint)).length,
      bySeverity,
      files: report.stats.files,
      filesWithFindings: new Set(report.findings.map((f) => f.path)).size,
      bytes: report.stats.bytes,
      ...(report.stats.ignored !== undefined && { ignored: report.stats.ignored }),
      incomplete: report.incomplete,
    },
    findings: report.findings.map((f) => ({
      ...f,
      blocking: report.blocking.has(f.fingerprint),
      ...(showSecrets && { secret: revealSecret(f) }),
      ...(showSecrets && f.parts && { parts: f.parts.map((p) => ({ ...p, secret: revealPart(f, p.role, p) })) }),
    })),
    notices: report.notices,
  };
  return JSON.stringify(doc, null, 2) + "\n";
};
