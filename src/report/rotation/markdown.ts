// The rotation report as Markdown: renders on GitHub/GitLab, pastes into a ticket, diffs in review.
import { complianceTag } from "../../compliance/tags.js";
import { responseChecklist } from "./checklist.js";
import { PLACES_SHOWN, TITLE, commitText, day, foundText, headline, morePlaces, placeText, rotateWithin, scopeRows, statusText, windowText } from "./wording.js";
import type { RotationReport } from "./model.js";

/** Table cells and inline text: no pipe, newline or HTML from a path or author name gets through. */
function md(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/[\r\n]+/g, " ");
}

function code(text: string): string {
  const clean = text.replace(/[\r\n]+/g, " ");
  const fence = clean.includes("`") ? "``" : "`";
  return `${fence}${fence.length > 1 ? " " : ""}${clean}${fence.length > 1 ? " " : ""}${fence}`;
}

export function renderRotationMarkdown(r: RotationReport, tool: { version: string }): string {
  const out: string[] = [];
  out.push(`# ${TITLE}`, "");
  out.push(`Repository: ${code(r.repository)} · exposure measured to ${day(r.asOf)} (UTC) · keyfence ${tool.version}`, "");
  out.push("Values are redacted; the digest prefix (HMAC-SHA256 under the repository's fingerprint key, which no report holds) identifies a credential across reports without revealing it.", "");
  if (r.scope) {
    out.push("| scope | |", "| --- | --- |");
    for (const [k, v] of scopeRows(r.scope)) out.push(`| ${k} | ${code(v)} |`);
    out.push("");
  }
  // An auditor must see that the evidence is partial, in the document itself, not only on a console.
  if (r.limitations.length) out.push("> **Incomplete history.** This report covers only what could be read:", ...r.limitations.map((l) => `> - ${l}`), "");
  out.push("## Summary", "", headline(r), "");
  out.push("| severity | rotate within | credentials |", "| --- | --- | ---: |");
  for (const s of r.bySeverity) out.push(`| ${s.severity} | ${rotateWithin(s.severity)} | ${s.count} |`);
  out.push("", "| age since first exposure | credentials |", "| --- | ---: |");
  for (const b of r.byAgeBand) out.push(`| ${b.band} | ${b.count} |`);
  out.push("");
  if (r.items.length) {
    out.push("## Credentials", "");
    out.push("| # | credential | file | provider | severity | first exposed | commit | author | age | window | status | at HEAD | controls |");
    out.push("| ---: | --- | --- | --- | --- | --- | --- | --- | ---: | --- | --- | --- | --- |");
    r.items.forEach((i, n) => {
      out.push(
        `| ${n + 1} | ${code(i.redacted)} ${md(i.title)} | ${code(`${i.path}:${i.line}`)}${morePlaces(i) ? ` (${md(morePlaces(i))})` : ""} | ${md(i.provider)} | ${i.severity} | ${day(i.date)} | ${code(commitText(i))} | ${md(i.author ?? "—")} | ${i.days} days | ${windowText(i)} | ${statusText(i)} | ${i.presentAtHead ? "yes" : "no"} | ${i.tags.map(md).join(", ")} |`,
      );
    });
    out.push("", "## Response checklist per credential", "");
    out.push("For each leaked key, in this order. Rewriting history does not end an exposure (clones keep the objects): revoking the key does.", "");
    r.items.forEach((i, n) => {
      out.push(`### ${n + 1}. ${md(i.title)}: ${code(i.redacted)} (${i.severity}, ${statusText(i)})`, "");
      out.push(`- Found: ${md(foundText(i))}.`);
      if (i.parts) {
        out.push(`- ${i.parts.length} parts:`);
        for (const p of i.parts) out.push(`  - ${md(p.role)}: ${code(p.redacted)} at ${code(`${i.path}:${p.line}:${p.column}`)} (${code(p.ruleId)})`);
      }
      out.push(`- Rule${i.ruleIds.length > 1 ? "s" : ""} ${i.ruleIds.map(code).join(", ")}; value hash ${code(i.hashPrefix)}…`);
      if (i.places.length > 1) {
        out.push(`- Added in ${i.places.length} places (oldest first):`);
        for (const p of i.places.slice(0, PLACES_SHOWN)) out.push(`  - ${md(placeText(p, i))}`);
        if (i.places.length > PLACES_SHOWN) out.push(`  - … and ${i.places.length - PLACES_SHOWN} more`);
      }
      if (i.revokeUrl) out.push(`- Revoke/rotate page: <${i.revokeUrl}>`);
      out.push("");
      for (const s of responseChecklist(i)) out.push(`- [ ] **${s.step}**: ${md(s.detail)}`);
      out.push("");
    });
  }
  if (r.tags.length) {
    out.push("## Controls referenced", "", "| tag | framework | requirement |", "| --- | --- | --- |");
    for (const t of r.tags) {
      const known = complianceTag(t);
      out.push(`| ${code(t)} | ${known ? md(known.framework) : "—"} | ${known ? md(known.title) : "(custom tag)"} |`);
    }
    out.push("");
  }
  return out.join("\n");
}
