// The rotation report as one self-contained HTML page: inline CSS, inline SVG charts, no script and
// no external asset (a Content-Security-Policy says so to the browser), so it can be mailed,
// archived and opened offline by an auditor. Every text from the repository is escaped.
import { complianceTag } from "../../compliance/tags.js";
import type { Severity } from "../../types.js";
import { barChart } from "./chart.js";
import { responseChecklist } from "./checklist.js";
import { PLACES_SHOWN, TITLE, commitText, day, foundText, headline, morePlaces, placeText, rotateWithin, scopeRows, statusText, windowText } from "./wording.js";
import type { RotationReport } from "./model.js";

const SEVERITY_COLOR: Record<Severity, string> = { critical: "#b3261e", high: "#e46a00", medium: "#c99a00", low: "#3f7fbf", info: "#8a8a8a" };
const AGE_COLOR = "#5b5f97";

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A path that may wrap, but only after a slash: never inside a name. */
function pathHtml(path: string): string {
  return path
    .split("/")
    .map((seg) => `<span class="seg">${esc(seg)}</span>`)
    .join("/<wbr>");
}

/** The host names the page well enough in a table cell; the full address is the link and its title. */
function linkText(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; margin: 2rem auto; max-width: 1600px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.meta { color: #555; margin-top: 0; }
.incomplete { border: 2px solid #b00020; background: #fff4f4; padding: 0.5rem 1rem; margin: 1rem 0; }
.headline { font-size: 1.05rem; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 2rem; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
.chart text { font-size: 12px; fill: #1d1d1f; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid #ddd; padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #f4f4f6; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; }
#scope { width: auto; }
#scope th { text-align: left; }
#scope td code { white-space: normal; overflow-wrap: anywhere; }
#credential-table { font-size: 13px; }
/* Tokens never break: a redacted value, a commit or a rule id split over two lines reads as two. */
code, .sev, .date { white-space: nowrap; }
.path { white-space: normal; } .path .seg { white-space: nowrap; }
.more { color: #555; font-size: 12px; white-space: nowrap; }
#severity-windows { width: auto; min-width: 24rem; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f4f4f6; padding: 0 .2rem; border-radius: 3px; }
.sev { font-weight: 700; text-transform: uppercase; font-size: 11px; padding: .05rem .35rem; border-radius: 3px; color: #fff; }
.sev-critical { background: ${SEVERITY_COLOR.critical}; } .sev-high { background: ${SEVERITY_COLOR.high}; }
.sev-medium { background: ${SEVERITY_COLOR.medium}; } .sev-low { background: ${SEVERITY_COLOR.low}; } .sev-info { background: ${SEVERITY_COLOR.info}; }
.overdue { color: ${SEVERITY_COLOR.critical}; font-weight: 600; }
.checklist { list-style: none; padding-left: .2rem; }
.checklist li { margin: .2rem 0; }
.places { margin: .2rem 0 .4rem; padding-left: 1.2rem; }
article { border: 1px solid #e3e3e8; border-radius: 6px; padding: .2rem 1rem .6rem; margin: .8rem 0; break-inside: avoid; page-break-inside: avoid; }
/* "Save as PDF": A4 landscape pages, headers repeated, no row or checklist cut in two, links spelled out. */
@page { size: A4 landscape; margin: 12mm 10mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .charts { gap: 1rem; }
  .table-wrap { overflow: visible; }
  #credential-table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, figure, #scope { break-inside: avoid; page-break-inside: avoid; }
  #checklists { break-before: page; page-break-before: always; }
  article a[href]::after { content: " (" attr(href) ")"; font-size: 8pt; color: #555; }
  a { color: inherit; text-decoration: none; }
  .sev { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

export function renderRotationHtml(r: RotationReport, tool: { version: string }): string {
  const severityChart = barChart(
    "chart-severity",
    "Credentials by severity",
    r.bySeverity.map((s) => ({ label: s.severity, count: s.count, color: SEVERITY_COLOR[s.severity] })),
  );
  const ageChart = barChart(
    "chart-age",
    "Credentials by age since first exposure",
    r.byAgeBand.map((b) => ({ label: b.band, count: b.count, color: AGE_COLOR })),
  );
  const rows = r.items.map(
    (i, n) => `<tr data-severity="${i.severity}" data-state="${i.state}">
<td class="num">${n + 1}</td><td><code class="redacted">${esc(i.redacted)}</code><br>${esc(i.title)}</td><td><span class="path">${pathHtml(i.path)}:${i.line}</span>${morePlaces(i) ? `<br><span class="more">${esc(morePlaces(i))}</span>` : ""}</td><td>${esc(i.provider)}</td>
<td><span class="sev sev-${i.severity}">${i.severity}</span></td><td class="date">${day(i.date)}</td><td><code>${esc(commitText(i))}</code></td><td>${esc(i.author ?? "—")}</td>
<td class="num">${i.days} days</td><td>${windowText(i)}</td><td${i.state === "overdue" ? ' class="overdue"' : ""}>${esc(statusText(i))}</td>
<td>${i.presentAtHead ? "yes" : "no"}</td><td>${i.revokeUrl ? `<a href="${esc(i.revokeUrl)}" title="${esc(i.revokeUrl)}">${esc(linkText(i.revokeUrl))}</a>` : "—"}</td><td>${i.tags.map((t) => `<code>${esc(t)}</code>`).join(" ")}</td></tr>`,
  );
  const articles = r.items.map(
    (i, n) => `<article id="credential-${n + 1}">
<h3>${n + 1}. ${esc(i.title)}: <code class="redacted">${esc(i.redacted)}</code> <span class="sev sev-${i.severity}">${i.severity}</span> <span${i.state === "overdue" ? ' class="overdue"' : ""}>${esc(statusText(i))}</span></h3>
<p>Found: ${esc(foundText(i))}. Rule${i.ruleIds.length > 1 ? "s" : ""} ${i.ruleIds.map((id) => `<code>${esc(id)}</code>`).join(", ")}; value hash <code>${esc(i.hashPrefix)}</code>…</p>
${i.parts ? `<p>${i.parts.length} parts:</p>\n<ul class="parts">${i.parts.map((p) => `<li>${esc(p.role)}: <code class="redacted">${esc(p.redacted)}</code> at <span class="path">${pathHtml(i.path)}:${p.line}:${p.column}</span> (<code>${esc(p.ruleId)}</code>)</li>`).join("")}</ul>\n` : ""}${
  i.places.length > 1
    ? `<p>Added in ${i.places.length} places (oldest first):</p>\n<ol class="places">${i.places
        .slice(0, PLACES_SHOWN)
        .map((p) => `<li><span class="path">${pathHtml(placeText(p, i))}</span></li>`)
        .join("")}${i.places.length > PLACES_SHOWN ? `<li class="more">… and ${i.places.length - PLACES_SHOWN} more</li>` : ""}</ol>`
    : ""
}
<ul class="checklist">
${responseChecklist(i)
  .map((s) => `<li><label><input type="checkbox"> <strong>${esc(s.step)}</strong>: ${esc(s.detail)}</label></li>`)
  .join("\n")}
</ul>
</article>`,
  );
  const controls = r.tags.map((t) => {
    const k = complianceTag(t);
    return `<tr><td><code>${esc(t)}</code></td><td>${k ? esc(k.framework) : "—"}</td><td>${k ? esc(k.title) : "(custom tag)"}</td></tr>`;
  });
  const severityRows = r.bySeverity.map((s) => `<tr><td><span class="sev sev-${s.severity}">${s.severity}</span></td><td>${rotateWithin(s.severity)}</td><td class="num">${s.count}</td></tr>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${TITLE}: ${esc(r.repository)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${TITLE}</h1>
<p class="meta">Repository <code>${esc(r.repository)}</code> · exposure measured to ${day(r.asOf)} (UTC) · keyfence ${esc(tool.version)}. Values are redacted; the digest prefix (HMAC-SHA256 under the repository's fingerprint key, which no report holds) identifies a credential across reports without revealing it.</p>
${r.scope ? `<table id="scope"><caption hidden>Scope</caption><tbody>${scopeRows(r.scope).map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join("")}</tbody></table>` : ""}
</header>
${r.limitations.length ? `<aside class="incomplete"><strong>Incomplete history.</strong> This report covers only what could be read:<ul>${r.limitations.map((l) => `<li>${esc(l)}</li>`).join("")}</ul></aside>` : ""}
<section id="summary">
<h2>Summary</h2>
<p class="headline">${esc(headline(r))}</p>
<div class="charts">
<figure><figcaption>By severity</figcaption>${severityChart}</figure>
<figure><figcaption>By age since first exposure</figcaption>${ageChart}</figure>
</div>
<table id="severity-windows"><thead><tr><th>severity</th><th>rotate within</th><th>credentials</th></tr></thead><tbody>${severityRows.join("")}</tbody></table>
</section>
${
  r.items.length
    ? `<section id="credentials">
<h2>Credentials</h2>
<div class="table-wrap">
<table id="credential-table">
<thead><tr><th>#</th><th>credential</th><th>file</th><th>provider</th><th>severity</th><th>first exposed</th><th>commit</th><th>author</th><th>age</th><th>window</th><th>status</th><th>at HEAD</th><th>revoke / rotate</th><th>controls</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
</div>
</section>
<section id="checklists">
<h2>Response checklist per credential</h2>
<p>For each leaked key, in this order. Rewriting history does not end an exposure (clones keep the objects): revoking the key does.</p>
${articles.join("\n")}
</section>`
    : ""
}
${
  controls.length
    ? `<section id="controls">
<h2>Controls referenced</h2>
<table><thead><tr><th>tag</th><th>framework</th><th>requirement</th></tr></thead><tbody>${controls.join("")}</tbody></table>
</section>`
    : ""
}
</body>
</html>
`;
}
