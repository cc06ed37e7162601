// The organisation rotation report as Markdown (renders on GitHub/GitLab, pastes into a ticket).
// Repository names, paths and authors are untrusted: table cells cannot break out of their cell.
import { rotateWithin } from "../report/rotation/wording.js";
import type { OrgCredential, OrgReport } from "./organisation.js";

function md(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/[\r\n\x00-\x1f\x7f]+/g, " ").replace(/([`*_[\]])/g, "\\$1");
}

function code(text: string): string {
  const clean = text.replace(/[\r\n\x00-\x1f\x7f]+/g, " ");
  return clean.includes("`") ? `\`\` ${clean} \`\`` : `\`${clean}\``;
}

export function statusOf(c: OrgCredential): string {
  if (c.state === "overdue") return `overdue by ${c.overdueDays} days`;
  if (c.state === "due") return `rotate within ${(c.rotateDays ?? 0) - c.days} more days`;
  return "no rotation window";
}

export function orgHeadline(r: OrgReport): string {
  const scanned = r.repositories.length - r.notScanned;
  const multi = r.credentials.filter((c) => c.repositories.length > 1).length;
  return `${r.credentials.length} distinct credentials in ${scanned} of ${r.repositories.length} repositories scanned in full; ${r.overdue} overdue for rotation; ${r.presentAtHead} still present at a HEAD; ${multi} found in more than one repository.`;
}

export function renderOrgMarkdown(r: OrgReport): string {
  const out: string[] = [];
  out.push("# Organisation credential exposure and rotation report", "");
  out.push(`${r.repositories.length} repositories · exposure measured to ${r.asOf.slice(0, 10)} (UTC) · keyfence ${r.tool.version}`, "");
  out.push("Values are redacted. A credential is counted once wherever it was found — in several repositories or at several paths — by its rule and a keyed digest of its value (never the value), with every place (repository, path, commit).", "");
  if (r.notScanned) {
    out.push(`> **Incomplete.** ${r.notScanned} of ${r.repositories.length} repositories were not scanned in full; their credentials are missing from this report:`);
    for (const repo of r.repositories.filter((x) => x.status !== "ok")) out.push(`> - ${code(repo.id)}: ${md(repo.status === "failed" ? repo.error ?? "failed" : repo.notices.join("; ") || "incomplete")}`);
    out.push("");
  }
  out.push("## Summary", "", orgHeadline(r), "");
  out.push("| severity | rotate within | credentials |", "| --- | --- | ---: |");
  for (const s of r.bySeverity) out.push(`| ${s.severity} | ${rotateWithin(s.severity)} | ${s.count} |`);
  out.push("", "| provider | credentials |", "| --- | ---: |");
  for (const p of r.byProvider) out.push(`| ${md(p.provider)} | ${p.count} |`);
  out.push("", "| age since first exposure | credentials |", "| --- | ---: |");
  for (const b of r.byAgeBand) out.push(`| ${b.band} | ${b.count} |`);
  out.push("");
  if (r.credentials.length) {
    out.push("## Credentials", "");
    out.push("| # | credential | provider | severity | first exposed | age | status | at a HEAD | repositories | places |");
    out.push("| ---: | --- | --- | --- | --- | ---: | --- | --- | ---: | --- |");
    r.credentials.forEach((c, n) => {
      // Every place, not the first few: each is a copy someone must remove after the rotation.
      const places = c.places.map((p) => `${code(p.repository)} ${code(`${p.path}:${p.line}`)}${p.commit ? ` @${p.commit.slice(0, 10)}` : ""}`);
      out.push(`| ${n + 1} | ${code(c.redacted)} ${md(c.title)} | ${md(c.provider)} | ${c.severity} | ${(c.firstExposed ?? "unknown").slice(0, 10)} | ${c.days} days | ${statusOf(c)} | ${c.presentAtHead ? "yes" : "no"} | ${c.repositories.length} | ${places.join("<br>")} |`);
    });
    out.push("");
  }
  out.push("## Repositories", "", "| repository | status | HEAD | refs | commits | findings |", "| --- | --- | --- | ---: | ---: | ---: |");
  for (const repo of r.repositories) out.push(`| ${code(repo.id)} | ${repo.status} | ${repo.head ? code(repo.head.slice(0, 12)) : "—"} | ${repo.refs} | ${repo.commits} | ${repo.findings} |`);
  out.push("");
  return out.join("\n");
}
