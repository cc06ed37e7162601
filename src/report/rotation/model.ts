// The rotation report's facts, computed once and rendered as Markdown or HTML: every credential a
// history scan found, how long it has been exposed against the rotation window of its severity, and
// whether it is still at HEAD. Nothing here holds a secret: the redacted form and the hash only.
import { SEVERITIES, type Severity } from "../../types.js";
import { severityRank } from "../../policy/severity.js";
import { COMPLIANCE_TAGS } from "../../compliance/tags.js";
import type { HistoryFinding } from "../../finding/exposure.js";

const DAY = 86_400_000;

/** Ages that line up with the rotation windows (30/60/90/180 days) and one year. */
export const AGE_BANDS = [
  { label: "< 30 days", min: 0, max: 29 },
  { label: "30–59 days", min: 30, max: 59 },
  { label: "60–89 days", min: 60, max: 89 },
  { label: "90–179 days", min: 90, max: 179 },
  { label: "180–364 days", min: 180, max: 364 },
  { label: "≥ 365 days", min: 365, max: Infinity },
] as const;

export type RotationState = "overdue" | "due" | "no window";

export interface RotationItem {
  ruleId: string;
  title: string;
  provider: string;
  severity: Severity;
  redacted: string;
  /** First 12 hex digits of the secret's SHA-256: enough to match it across reports, nothing more. */
  hashPrefix: string;
  path: string;
  line: number;
  commit?: string;
  author?: string;
  /** First exposure: the date of the commit that first added it (ISO 8601). */
  date?: string;
  days: number;
  rotateDays?: number;
  overdueDays: number;
  state: RotationState;
  presentAtHead: boolean;
  occurrences: number;
  revokeUrl?: string;
  tags: string[];
  ageBand: string;
}

export interface RotationReport {
  /** Which repository (folder name or path as given). */
  repository: string;
  /** Exposure is measured up to this moment (ISO 8601). */
  asOf: string;
  items: RotationItem[];
  bySeverity: { severity: Severity; count: number }[];
  byAgeBand: { band: string; count: number }[];
  overdue: number;
  presentAtHead: number;
  /** Every tag the items carry, sorted, for the controls appendix. */
  tags: string[];
  /** Why the history could not be read in full (shallow or partial clone, missing objects); empty when complete. */
  limitations: string[];
}

/** Controls in the order of the compliance table (PCI DSS, SOC 2, GDPR, CWE); custom tags last. */
function tagOrder(tag: string): number {
  const i = COMPLIANCE_TAGS.findIndex((t) => t.tag === tag);
  return i === -1 ? COMPLIANCE_TAGS.length : i;
}

export function ageBand(days: number): string {
  return AGE_BANDS.find((b) => days >= b.min && days <= b.max)!.label;
}

/**
 * Builds the report. Exposure age is measured again from each first-exposure date to `asOf`, so a
 * history JSON written last month yields today's ages; presence at HEAD is taken as scanned.
 */
export function buildRotationReport(findings: readonly HistoryFinding[], options: { repository: string; asOf: Date; limitations?: readonly string[] }): RotationReport {
  const now = options.asOf.getTime();
  const items: RotationItem[] = findings.map((f) => {
    const days = f.date ? Math.max(0, Math.floor((now - Date.parse(f.date)) / DAY)) : f.exposure.days;
    const rotateDays = f.exposure.rotateDays ?? f.rotateDays;
    const overdueDays = rotateDays === undefined ? 0 : Math.max(0, days - rotateDays);
    return {
      ruleId: f.ruleId,
      title: f.title,
      provider: f.provider,
      severity: f.severity,
      redacted: f.redacted,
      hashPrefix: f.secretDigest.slice(0, 12),
      path: f.path,
      line: f.line,
      ...(f.commit !== undefined && { commit: f.commit }),
      ...(f.author !== undefined && { author: f.author }),
      ...(f.date !== undefined && { date: f.date }),
      days,
      ...(rotateDays !== undefined && { rotateDays }),
      overdueDays,
      state: rotateDays === undefined ? "no window" : overdueDays > 0 ? "overdue" : "due",
      presentAtHead: f.exposure.presentAtHead,
      occurrences: f.exposure.occurrences,
      ...(f.revokeUrl !== undefined && { revokeUrl: f.revokeUrl }),
      tags: [...f.tags],
      ageBand: ageBand(days),
    };
  });
  items.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.overdueDays - a.overdueDays || b.days - a.days || a.path.localeCompare(b.path));
  return {
    repository: options.repository,
    asOf: options.asOf.toISOString(),
    items,
    bySeverity: SEVERITIES.map((severity) => ({ severity, count: items.filter((i) => i.severity === severity).length })).filter((s) => s.severity !== "info" || s.count > 0),
    byAgeBand: AGE_BANDS.map((b) => ({ band: b.label, count: items.filter((i) => i.ageBand === b.label).length })),
    overdue: items.filter((i) => i.state === "overdue").length,
    presentAtHead: items.filter((i) => i.presentAtHead).length,
    tags: [...new Set(items.flatMap((i) => i.tags))].sort((a, b) => tagOrder(a) - tagOrder(b) || a.localeCompare(b)),
    limitations: [...(options.limitations ?? [])],
  };
}
