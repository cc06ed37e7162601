// The organisation rotation report as one self-contained HTML page: inline CSS and SVG, no script,
// a Content-Security-Policy that forbids everything else; every text from a repository is escaped.
import { barChart } from "../report/rotation/chart.js";
import { rotateWithin } from "../report/rotation/wording.js";
import type { Severity } from "../types.js";
import { orgHeadline, statusOf } from "./org-markdown.js";
import type { OrgReport } from "./organisation.js";

const SEVERITY_COLOR: Record<Severity, string> = { critical: "#b3261e", high: "#e46a00", medium: "#c99a00", low: "#3f7fbf", info: "#8a8a8a" };

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;color:#1d1d1f;margin:2rem auto;max-width:1200px;padding:0 1rem}
h2{font-size:1.2rem;border-bottom:1px solid #ddd;margin-top:2rem}.incomplete{border:2px solid #b00020;background:#fff4f4;padding:.5rem 1rem}
.charts{display:flex;flex-wrap:wrap;gap:2rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f4f4f6}td.num{text-align:right}code{font:12px ui-monospace,monospace;background:#f4f4f6;padding:0 .2rem;word-break:break-all}
.sev{font-weight:700;text-transform:uppercase;font-size:11px;padding:.05rem .35rem;border-radius:3px;color:#fff}
${Object.entries(SEVERITY_COLOR).map(([s, c]) => `.sev-${s}{background:${c}}`).join("")}.overdue{color:#b3261e;font-weight:600}`;

export function renderOrgHtml(r: OrgReport): string {
  const charts = [
    barChart("chart-severity", "Credentials by severity", r.bySeverity.map((s) => ({ label: s.severity, count: s.count, color: SEVERITY_COLOR[s.severity] }))),
    barChart("chart-provider", "Credentials by provider", r.byProvider.slice(0, 12).map((p) => ({ label: p.provider, count: p.count, color: "#5b5f97" }))),
    barChart("chart-age", "Credentials by age since first exposure", r.byAgeBand.map((b) => ({ label: b.band, count: b.count, color: "#5b5f97" }))),
  ];
  const incomplete = r.notScanned
    ? `<div class="incomplete" id="not-scanned"><strong>Incomplete.</strong> ${r.notScanned} of ${r.repositories.length} repositories were not scanned in full; their credentials are missing from this report.<ul>${r.repositories
        .filter((x) => x.status !== "ok")
        .map((x) => `<li><code>${esc(x.id)}</code>: ${esc(x.status === "failed" ? x.error ?? "failed" : x.notices.join("; ") || "incomplete")}</li>`)
        .join("")}</ul></div>`
    : "";
  const rows = r.credentials
    .map(
      (c, n) =>
        `<tr><td class="num">${n + 1}</td><td><code>${esc(c.redacted)}</code> ${esc(c.title)}</td><td>${esc(c.provider)}</td><td><span class="sev sev-${c.severity}">${c.severity}</span></td><td>${esc((c.firstExposed ?? "unknown").slice(0, 10))}</td><td class="num">${c.days} days</td><td${c.state === "overdue" ? ' class="overdue"' : ""}>${esc(statusOf(c))}</td><td>${c.presentAtHead ? "yes" : "no"}</td><td class="num">${c.repositories.length}</td><td><ul>${c.places
          .map((p) => `<li><code>${esc(p.repository)}</code> <code>${esc(`${p.path}:${p.line}`)}</code>${p.commit ? ` @<code>${esc(p.commit.slice(0, 10))}</code>` : ""}</li>`)
          .join("")}</ul>${c.revokeUrl ? `<a href="${esc(c.revokeUrl)}" rel="noreferrer noopener">revoke/roll</a>` : ""}</td></tr>`,
    )
    .join("\n");
  const repos = r.repositories
    .map((x) => `<tr><td><code>${esc(x.id)}</code></td><td>${x.status}</td><td>${x.head ? `<code>${esc(x.head.slice(0, 12))}</code>` : "—"}</td><td class="num">${x.refs}</td><td class="num">${x.commits}</td><td class="num">${x.findings}</td></tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Organisation credential exposure and rotation report</title><style>${CSS}</style></head><body>
<h1>Organisation credential exposure and rotation report</h1>
<p>${r.repositories.length} repositories · exposure measured to ${esc(r.asOf.slice(0, 10))} (UTC) · keyfence ${esc(r.tool.version)}. Values are redacted; a credential is counted once wherever it was found (in several repositories or at several paths), by its rule and a keyed digest of its value, with every place.</p>
${incomplete}
<h2>Summary</h2><p><strong>${esc(orgHeadline(r))}</strong></p>
<div class="charts">${charts.map((c) => `<figure>${c}</figure>`).join("")}</div>
<table id="severity-windows"><tr><th>severity</th><th>rotate within</th><th>credentials</th></tr>${r.bySeverity.map((s) => `<tr><td>${s.severity}</td><td>${rotateWithin(s.severity)}</td><td class="num">${s.count}</td></tr>`).join("")}</table>
<h2>Credentials</h2>
<table id="credential-table"><tr><th>#</th><th>credential</th><th>provider</th><th>severity</th><th>first exposed</th><th>age</th><th>status</th><th>at a HEAD</th><th>repositories</th><th>places</th></tr>
${rows}
</table>
<h2>Repositories</h2>
<table id="repository-table"><tr><th>repository</th><th>status</th><th>HEAD</th><th>refs</th><th>commits</th><th>findings</th></tr>
${repos}
</table>
</body></html>
`;
}
