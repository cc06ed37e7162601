// Phrases both renderers use, so Markdown and HTML say the same thing in the same words.
import { ROTATION_DAYS } from "../../types.js";
import type { Place, RotationItem, RotationReport, RotationScope } from "./model.js";

export const TITLE = "Credential exposure and rotation report";

export function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : "unknown";
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function headline(r: RotationReport): string {
  if (!r.items.length) return "No credential was found in the history of any ref.";
  return `${plural(r.items.length, "credential")} exposed in the repository's history; ${r.overdue} overdue for rotation; ${r.presentAtHead} still present at HEAD.`;
}

export function windowText(i: RotationItem): string {
  return i.rotateDays === undefined ? "—" : `${i.rotateDays} days`;
}

export function statusText(i: RotationItem): string {
  if (i.state === "overdue") return `overdue by ${plural(i.overdueDays, "day")}`;
  if (i.state === "due") return (i.rotateDays ?? 0) - i.days === 0 ? "rotate today" : `rotate within ${plural((i.rotateDays ?? 0) - i.days, "more day")}`;
  return "no rotation window";
}

export function commitText(i: RotationItem): string {
  return i.commit ? i.commit.slice(0, 12) : "—";
}

export function rotateWithin(severity: keyof typeof ROTATION_DAYS): string {
  const d = ROTATION_DAYS[severity];
  return d === undefined ? "—" : `${d} days`;
}

export function foundText(i: RotationItem): string {
  const by = i.author ? ` by ${i.author}` : "";
  const first = i.commit ? `first added in commit ${i.commit.slice(0, 12)}${by}, ${day(i.date)}` : "first exposure date unknown";
  const times = i.occurrences > 1 ? `; added ${i.occurrences} times` : "";
  const head = i.presentAtHead ? "still present at HEAD" : "removed from HEAD, still in history";
  return `${i.path}:${i.line}, ${first}${times}; ${head}`;
}

/** The scope block, label and value, in the order an auditor reads it. */
export function scopeRows(s: RotationScope): [string, string][] {
  const rows: [string, string][] = [];
  rows.push(["Repository remote", s.remote ?? "none configured"]);
  if (s.head !== undefined) rows.push(["HEAD", s.head]);
  if (s.refs) rows.push(["Refs scanned", `${plural(s.refs.count, "ref")}${s.refs.names.length ? `: ${s.refs.names.join(", ")}${s.refs.count > s.refs.names.length ? `, … and ${s.refs.count - s.refs.names.length} more` : ""}` : ""}`]);
  if (s.shallow !== undefined) rows.push(["History", s.shallow ? "SHALLOW clone: commits before the shallow boundary were not scanned" : "complete (not a shallow clone)"]);
  rows.push(["Source", s.source]);
  rows.push(["Generated at", `${s.generatedAt.replace("T", " ").replace(/\.\d+Z$/, "Z")}`]);
  rows.push(["Tool", `keyfence ${s.toolVersion}`]);
  if (s.configDigest) rows.push(["Configuration digest", `sha256:${s.configDigest}`]);
  if (s.rules) rows.push(["Rules", `${s.rules.count} active, digest sha256:${s.rules.digest}`]);
  return rows;
}

export const PLACES_SHOWN = 20;

/** "config/pay.env:2, commit 1a2b3c4d5e6f by Ada, 2024-01-20 (rule …)". */
export function placeText(p: Place, item: Pick<RotationItem, "ruleIds">): string {
  const commit = p.commit ? `, commit ${p.commit.slice(0, 12)}${p.author ? ` by ${p.author}` : ""}, ${day(p.date)}` : "";
  const rule = item.ruleIds.length > 1 ? ` (${p.ruleId})` : "";
  return `${p.path}:${p.line}${commit}${rule}`;
}

/** "and 3 more places" beside the first, for the table. */
export function morePlaces(i: RotationItem): string {
  const files = new Set(i.places.map((p) => p.path)).size;
  if (i.places.length <= 1) return "";
  return files > 1 ? `+${plural(files - 1, "other file")}, ${plural(i.places.length, "place")}` : `${plural(i.places.length, "place")}`;
}
