// Phrases both renderers use, so Markdown and HTML say the same thing in the same words.
import { ROTATION_DAYS } from "../../types.js";
import type { RotationItem, RotationReport } from "./model.js";

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
  if (i.state === "due") return `rotate within ${plural((i.rotateDays ?? 0) - i.days, "more day")}`;
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
