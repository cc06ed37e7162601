import { SEVERITIES, type Severity } from "../types.js";
import type { FailOn } from "../config/config.js";

/** critical = 4 … info = 0. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}

export function blocks(s: Severity, failOn: FailOn): boolean {
  return failOn !== "never" && severityRank(s) >= severityRank(failOn);
}

export function isSeverity(v: string): v is Severity {
  return (SEVERITIES as readonly string[]).includes(v);
}
