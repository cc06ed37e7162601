// The rotation report's facts, computed once and rendered as Markdown or HTML: every credential a
// history scan found, how long it has been exposed against the rotation window of its severity, and
// whether it is still at HEAD. Nothing here holds a secret: the redacted form and the hash only.
import { SEVERITIES, type Severity } from "../../types.js";
import { partViews, type PartView } from "../parts.js";
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

/** One place a credential was added: a commit and a path. */
export interface Place {
  ruleId: string;
  path: string;
  line: number;
  commit?: string;
  author?: string;
  date?: string;
}

/** What the report is evidence of: which repository, which commits, which tool and configuration. */
export interface RotationScope {
  /** The remote's address with any user name, password, token, query or fragment removed. */
  remote?: string;
  /** The commit HEAD pointed at when the history was scanned. */
  head?: string;
  /** Refs scanned (every branch, tag, remote-tracking ref and the stash): how many, and their names. */
  refs?: { count: number; names: string[] };
  /** Whether the clone was shallow (history cut off) when scanned. */
  shallow?: boolean;
  /** Where the findings came from: a scan of every ref, or a saved history file. */
  source: string;
  generatedAt: string;
  toolVersion: string;
  /** SHA-256 of the effective configuration (canonical JSON) and of the active rules. */
  configDigest?: string;
  rules?: { count: number; digest: string };
}

export interface RotationItem {
  /** The most severe rule that matched the value; `ruleIds` lists every one. */
  ruleId: string;
  ruleIds: string[];
  kind: string;
  title: string;
  provider: string;
  severity: Severity;
  redacted: string;
  /** A multi-part credential's parts (role, redacted, line:column), the anchor first; never a raw value. */
  parts?: PartView[];
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
  /** Every place it was added (oldest first): the same secret in many commits and files is one credential. */
  places: Place[];
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
  scope?: RotationScope;
}

/** The key the history source uses for one credential under one rule. */
export function placeKey(ruleId: string, secretDigest: string): string {
  return `${ruleId}\0${secretDigest}`;
}

export interface RotationOptions {
  repository: string;
  asOf: Date;
  limitations?: readonly string[];
  /** Every occurrence by placeKey (from scanHistory's onOccurrence); without it, each finding's first place. */
  places?: ReadonlyMap<string, readonly Place[]>;
  scope?: RotationScope;
}

function placeOf(f: HistoryFinding): Place {
  return { ruleId: f.ruleId, path: f.path, line: f.line, ...(f.commit !== undefined && { commit: f.commit }), ...(f.author !== undefined && { author: f.author }), ...(f.date !== undefined && { date: f.date }) };
}

const byDate = (a: { date?: string }, b: { date?: string }) => (a.date ?? "9999").localeCompare(b.date ?? "9999");

/**
 * One credential per secret value: the history reports a value once per rule, and two rules can match
 * one value (a live key in a test folder is also an environment finding), or a value can sit in many
 * files. They are one key to rotate, so they are one item, with every place listed.
 */
function groupBySecret(findings: readonly HistoryFinding[]): HistoryFinding[][] {
  const groups = new Map<string, HistoryFinding[]>();
  for (const f of findings) {
    const g = groups.get(f.secretDigest);
    if (g) g.push(f);
    else groups.set(f.secretDigest, [f]);
  }
  return [...groups.values()];
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
export function buildRotationReport(findings: readonly HistoryFinding[], options: RotationOptions): RotationReport {
  const now = options.asOf.getTime();
  const items: RotationItem[] = groupBySecret(findings).map((group) => {
    // The most severe rule speaks for the credential; the earliest commit dates its exposure.
    const f = [...group].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || byDate(a, b))[0]!;
    const earliest = [...group].sort(byDate)[0]!;
    const date = earliest.date;
    const days = date ? Math.max(0, Math.floor((now - Date.parse(date)) / DAY)) : f.exposure.days;
    const rotateDays = f.exposure.rotateDays ?? f.rotateDays;
    const overdueDays = rotateDays === undefined ? 0 : Math.max(0, days - rotateDays);
    const places = group.flatMap((g) => [...(options.places?.get(placeKey(g.ruleId, g.secretDigest)) ?? [placeOf(g)])]).sort(byDate);
    return {
      ruleId: f.ruleId,
      ruleIds: [...new Set(group.map((g) => g.ruleId))],
      kind: f.kind ?? "",
      title: f.title,
      provider: f.provider,
      severity: f.severity,
      redacted: f.redacted,
      // Where the parts are at the first exposure (the place the item names).
      ...(earliest.parts?.length && { parts: partViews(earliest)! }),
      hashPrefix: f.secretDigest.slice(0, 12),
      path: earliest.path,
      line: earliest.line,
      ...(earliest.commit !== undefined && { commit: earliest.commit }),
      ...(earliest.author !== undefined && { author: earliest.author }),
      ...(date !== undefined && { date }),
      days,
      ...(rotateDays !== undefined && { rotateDays }),
      overdueDays,
      state: rotateDays === undefined ? "no window" : overdueDays > 0 ? "overdue" : "due",
      presentAtHead: group.some((g) => g.exposure.presentAtHead),
      occurrences: group.reduce((n, g) => n + g.exposure.occurrences, 0),
      places,
      ...(f.revokeUrl !== undefined && { revokeUrl: f.revokeUrl }),
      tags: [...new Set(group.flatMap((g) => g.tags))],
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
    ...(options.scope && { scope: options.scope }),
  };
}
