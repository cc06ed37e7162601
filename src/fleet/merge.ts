// `fleet merge`: many shards' results → one JSON, one SARIF (one run per repository), one
// organisation rotation report (Markdown or HTML). Nothing here reads a repository again.
import { KeyfenceError } from "../errors.js";
import { buildOrgReport, type OrgReport } from "./organisation.js";
import { renderOrgHtml } from "./org-html.js";
import { renderOrgMarkdown } from "./org-markdown.js";
import { repoSarifRun, sarifDocument } from "./repo-sarif.js";
import type { RepoResult } from "./repo-result.js";

export const MERGE_FORMATS = ["json", "sarif", "markdown", "html"] as const;
export type MergeFormat = (typeof MERGE_FORMATS)[number];

export function formatOfFile(file: string): MergeFormat | undefined {
  const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  return ext === "json" ? "json" : ext === "sarif" ? "sarif" : ext === "md" || ext === "markdown" ? "markdown" : ext === "html" || ext === "htm" ? "html" : undefined;
}

export function mergedJson(results: readonly RepoResult[], org: OrgReport): string {
  const findings = results.flatMap((r) => r.findings.map((f) => ({ repository: r.repository.id, ...f })));
  return (
    JSON.stringify(
      {
        schema: "keyfence-fleet-merged/1",
        tool: org.tool,
        asOf: org.asOf,
        summary: {
          repositories: org.repositories.length,
          ok: org.repositories.filter((r) => r.status === "ok").length,
          incomplete: org.repositories.filter((r) => r.status === "incomplete").length,
          failed: org.repositories.filter((r) => r.status === "failed").length,
          findings: findings.length,
          credentials: org.credentials.length,
          overdue: org.overdue,
          presentAtHead: org.presentAtHead,
          bySeverity: Object.fromEntries(org.bySeverity.map((s) => [s.severity, s.count])),
        },
        repositories: results.map((r) => ({
          id: r.repository.id,
          location: r.repository.location,
          status: r.status,
          ...(r.error && { error: r.error }),
          ...(r.head && { head: r.head }),
          refs: r.refs,
          scannedAt: r.scannedAt,
          tool: r.tool,
          commits: r.stats.commits,
          findings: r.findings.length,
          notices: r.notices,
        })),
        credentials: org.credentials,
        findings,
      },
      null,
      1,
    ) + "\n"
  );
}

export function renderMerged(format: MergeFormat, results: readonly RepoResult[], org: OrgReport, tool: { name: "keyfence"; version: string; informationUri: string }): string {
  switch (format) {
    case "json":
      return mergedJson(results, org);
    case "sarif":
      return sarifDocument(results.map((r) => repoSarifRun(r, [], tool)));
    case "markdown":
      return renderOrgMarkdown(org);
    case "html":
      return renderOrgHtml(org);
  }
}

export function orgReportOf(results: readonly RepoResult[], tool: { name: string; version: string }, asOf = new Date()): OrgReport {
  if (!results.length) throw new KeyfenceError("no fleet results found (expected repos/*.json written by 'keyfence fleet scan')", { subject: "keyfence fleet merge" });
  return buildOrgReport(results, { asOf, tool });
}
