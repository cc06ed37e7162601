// How long a credential has been exposed, as history measures it: part of a history finding.
import type { Finding } from "../types.js";

export interface Exposure {
  /** Whole days between the first commit that added it and `now`. */
  days: number;
  /** Rotation window of its severity (undefined for info). */
  rotateDays?: number;
  /** Days past the rotation window (0 when still within it). */
  overdueDays: number;
  /** Still in the tree at HEAD. */
  presentAtHead: boolean;
  /** How many times a commit added it (on any path, any ref). */
  occurrences: number;
}

/** A history finding: the first commit that added the credential, plus its exposure. */
export interface HistoryFinding extends Finding {
  exposure: Exposure;
}

/** "exposed 412 days; critical credentials must be rotated within 30". */
export function exposureSentence(f: Finding, e: Exposure): string {
  const window = e.rotateDays === undefined ? "" : `; ${f.severity} credentials must be rotated within ${e.rotateDays}`;
  const where = e.presentAtHead ? "still present at HEAD" : "removed from HEAD but still in history";
  return `exposed ${e.days} day${e.days === 1 ? "" : "s"}${window}; ${where}`;
}
