// Doctor output: a readable report for people, JSON for dashboards. Both carry the same facts.
import { TOOL } from "../version.js";
import { escapeControls } from "../names/escape.js";
import type { CheckStatus } from "./check.js";
import type { DoctorReport } from "./doctor.js";

const LABEL: Record<CheckStatus, string> = { pass: "PASS", warn: "WARN", fail: "FAIL" };
const COLOR: Record<CheckStatus, string> = { pass: "\x1b[32m", warn: "\x1b[33m", fail: "\x1b[1;31m" };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function renderDoctorText(report: DoctorReport, color = false): string {
  const out = [`keyfence doctor: ${escapeControls(report.root)}`, ""];
  for (const c of report.checks) {
    const label = color ? `${COLOR[c.status]}${LABEL[c.status]}\x1b[0m` : LABEL[c.status];
    out.push(`  ${label}  ${c.title}`);
    c.found.forEach((line, i) => out.push(`        ${i === 0 ? "found:" : "      "} ${escapeControls(line)}`));
    if (c.fix) out.push(`        fix:   ${escapeControls(c.fix)}`);
  }
  const s = report.summary;
  out.push("", `${plural(s.pass, "check")} passed, ${plural(s.warn, "warning")}, ${s.fail} failing.`);
  return out.join("\n") + "\n";
}

export function renderDoctorJson(report: DoctorReport): string {
  return JSON.stringify({ tool: TOOL, root: report.root, status: report.status, summary: report.summary, checks: report.checks }, null, 2) + "\n";
}
