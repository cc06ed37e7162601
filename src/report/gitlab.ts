// GitLab's secret-detection report (gl-secret-detection-report.json), schema version 15.2.1, which
// current GitLab releases accept. It feeds the merge request security widget and the vulnerability
// report. No source excerpt (`raw_source_code_extract`) is ever written: it would hold the secret.
import { nodeCrypto } from "../deferred-imports.js";
import type { Finding, Severity } from "../types.js";
import type { Reporter, ScanReport } from "./report.js";
import { verificationSentence } from "./verification.js";
import { partText, partViews, partsSentence } from "./parts.js";

export const GITLAB_SCHEMA_VERSION = "15.2.1";
const SCHEMA_URL = `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${GITLAB_SCHEMA_VERSION}/dist/secret-detection-report-format.json`;
const SEVERITY: Record<Severity, string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low", info: "Info" };
/** GitLab's placeholder when a finding is not tied to a commit (a working-tree scan). */
const NO_COMMIT = "0000000";

/** `yyyy-mm-ddThh:mm:ss` in UTC, the only form the schema allows. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Stable and unique per occurrence: the same secret in two commits or two places is two entries. */
function vulnerabilityId(f: Finding): string {
  const h = nodeCrypto().createHash("sha256").update(`${f.fingerprint}\0${f.commit ?? ""}\0${f.offset}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function identifiers(f: Finding) {
  const cwes = f.tags.map((t) => /^CWE-(\d+)$/.exec(t)).filter((m): m is RegExpExecArray => m !== null);
  return [
    { type: "keyfence_rule_id", name: `keyfence rule ${f.ruleId}`, value: f.ruleId },
    ...cwes.map((m) => ({ type: "cwe", name: m[0], value: m[1]!, url: `https://cwe.mitre.org/data/definitions/${m[1]}.html` })),
  ];
}

function vulnerability(f: Finding) {
  const text = (name: string, value: string) => ({ type: "text", name, value });
  const parts = partViews(f);
  return {
    id: vulnerabilityId(f),
    name: f.title.slice(0, 255),
    description: `${f.message}. Value (redacted): ${f.redacted}.${parts ? ` ${partsSentence(f)}.` : ""}${f.verification ? ` ${verificationSentence(f)}` : ""}`,
    severity: SEVERITY[f.severity],
    solution: f.remediation.slice(0, 7000),
    identifiers: identifiers(f),
    ...(f.revokeUrl && { links: [{ name: `Revoke or roll the ${f.provider} credential`, url: f.revokeUrl }] }),
    location: {
      file: f.path,
      start_line: f.line,
      end_line: f.endLine,
      commit: { sha: f.commit ?? NO_COMMIT, ...(f.author && { author: f.author }), ...(f.date && { date: f.date }) },
    },
    details: {
      redacted: text("Redacted value", f.redacted),
      // A multi-part credential: one entry per part (role, line:column, redacted), the anchor first.
      ...(parts && { parts: { type: "list", name: "Parts", items: parts.map((p) => text(p.role, partText(p))) } }),
      fingerprint: text("keyfence fingerprint", f.fingerprint),
      ...(f.rotateDays !== undefined && { rotate: text("Rotate within", `${f.rotateDays} days`) }),
      ...(f.tags.length && { tags: text("Tags", f.tags.join(", ")) }),
      ...(f.verification && { verification: text("Verification", `${f.verification.status}: ${f.verification.reason}`) }),
    },
  };
}

export function gitlabReport(report: ScanReport, finishedAt = Date.now()) {
  const tool = { id: "keyfence", name: "keyfence", version: report.tool.version, vendor: { name: "keyfence" }, url: report.tool.informationUri };
  return {
    version: GITLAB_SCHEMA_VERSION,
    schema: SCHEMA_URL,
    scan: {
      analyzer: tool,
      scanner: tool,
      type: "secret_detection",
      start_time: timestamp(finishedAt - report.stats.durationMs),
      end_time: timestamp(finishedAt),
      status: "success",
      messages: report.notices.filter((n) => n.incomplete).map((n) => ({ level: "warn", value: `${n.path}: ${n.reason}` })),
    },
    vulnerabilities: report.findings.map(vulnerability),
  };
}

export const gitlabReporter: Reporter = (report) => JSON.stringify(gitlabReport(report), null, 2) + "\n";
