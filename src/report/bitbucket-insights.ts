// Bitbucket Code Insights: a report and its annotations, in the shapes the Reports API takes
// (PUT …/commit/{commit}/reports/{id}, POST …/reports/{id}/annotations), so a pipeline step can upload
// them as they are (docs/ci.md). One JSON document: { report, annotations }. Text is cut to the API's
// limits by code point; nothing holds a secret (only the redacted form).
import { nodeCrypto } from "../deferred-imports.js";
import { summaryLine } from "./text.js";
import type { Finding, Severity } from "../types.js";
import type { Reporter, ScanReport } from "./report.js";
import { verificationLabel } from "./verification.js";
import { partsSentence } from "./parts.js";

/** The API's limits: report details 2,000 characters; annotation summary 450, details 2,000; 1,000 annotations per report. */
export const BITBUCKET_LIMITS = { reportDetails: 2000, summary: 450, details: 2000, annotations: 1000 } as const;

const SEVERITY: Record<Severity, "CRITICAL" | "HIGH" | "MEDIUM" | "LOW"> = { critical: "CRITICAL", high: "HIGH", medium: "MEDIUM", low: "LOW", info: "LOW" };

function cut(s: string, max: number): string {
  const points = [...s];
  return points.length <= max ? s : `${points.slice(0, max - 1).join("")}…`;
}

/** Unique within the report and stable across runs: the same secret in two commits is two annotations. */
function externalId(f: Finding): string {
  return `keyfence-${nodeCrypto().createHash("sha256").update(`${f.fingerprint}\0${f.commit ?? ""}\0${f.offset}`).digest("hex").slice(0, 24)}`;
}

function annotation(f: Finding, report: ScanReport) {
  const commit = f.commit ? ` (commit ${f.commit.slice(0, 12)})` : "";
  return {
    external_id: externalId(f),
    annotation_type: "VULNERABILITY",
    summary: cut(`${f.title} [${f.ruleId}]${verificationLabel(f)}: ${f.redacted}${commit}`, BITBUCKET_LIMITS.summary),
    // The parts first: a cut keeps where each part is, and drops the end of the advice instead.
    details: cut(f.parts ? `${partsSentence(f)}. ${f.remediation}` : f.remediation, BITBUCKET_LIMITS.details),
    path: f.path,
    line: f.line,
    severity: SEVERITY[f.severity],
    result: report.blocking.has(f.fingerprint) ? "FAILED" : "IGNORED",
  };
}

export const bitbucketInsightsReporter: Reporter = (report) => {
  // Blocking findings first, so the API's cap never drops one of them.
  const ordered = [...report.findings].sort((a, b) => Number(report.blocking.has(b.fingerprint)) - Number(report.blocking.has(a.fingerprint)));
  const annotations = ordered.slice(0, BITBUCKET_LIMITS.annotations).map((f) => annotation(f, report));
  const left = ordered.length - annotations.length;
  const blocking = report.findings.filter((f) => report.blocking.has(f.fingerprint)).length;
  const doc = {
    report: {
      title: "keyfence",
      details: cut(`${summaryLine(report)}${left ? ` ${left} finding(s) beyond Bitbucket's ${BITBUCKET_LIMITS.annotations} annotations are in keyfence's own report.` : ""}`, BITBUCKET_LIMITS.reportDetails),
      report_type: "SECURITY",
      reporter: `keyfence ${report.tool.version}`,
      link: report.tool.informationUri,
      result: blocking > 0 || report.incomplete ? "FAILED" : "PASSED",
      data: [
        { title: "Blocking credentials", type: "NUMBER", value: blocking },
        { title: "Findings", type: "NUMBER", value: report.findings.length },
        { title: "Files scanned", type: "NUMBER", value: report.stats.files },
        { title: "Scan complete", type: "BOOLEAN", value: !report.incomplete },
        { title: "Fail on", type: "TEXT", value: String(report.failOn) },
      ],
    },
    annotations,
  };
  return JSON.stringify(doc, null, 2) + "\n";
};
