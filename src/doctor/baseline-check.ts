// Baseline hygiene: every accepted finding was accepted by someone, for a reason, until a date.
// An expired entry blocks scans again; an entry without reviewer or reason is an acceptance nobody
// owns; one without an expiry never comes up for review.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_BASELINE_FILE, loadBaseline, type BaselineEntry } from "../policy/baseline.js";
import { KeyfenceError } from "../errors.js";
import { loadConfigQuietly } from "./config-check.js";
import { errorLine, listed, shown, type CheckResult, type DoctorContext } from "./check.js";

const ID = "baseline";
const TITLE = "Baseline entries reviewed and current";
/** Entries expiring this soon are flagged so the review happens before scans start blocking. */
const SOON_DAYS = 14;

function describe(e: BaselineEntry): string {
  return `${e.path} ${e.ruleId} ${e.redacted ?? e.fingerprint.slice(0, 12)}`;
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export async function baselineCheck(ctx: DoctorContext): Promise<CheckResult> {
  const configured = loadConfigQuietly(ctx)?.baseline;
  const file = configured ?? join(ctx.root, DEFAULT_BASELINE_FILE);
  const name = shown(ctx.root, file);
  if (!existsSync(file)) {
    if (configured) return { id: ID, title: TITLE, status: "fail", found: [`the config names baseline ${name}, which does not exist`], fix: `keyfence baseline create --reviewer YOU --reason WHY --ticket ID --expires YYYY-MM-DD --file ${name}` };
    return { id: ID, title: TITLE, status: "pass", found: ["no baseline: every finding is reported"] };
  }
  let entries: BaselineEntry[];
  try {
    entries = loadBaseline(file).entries;
  } catch (err) {
    if (!(err instanceof KeyfenceError)) throw err;
    return { id: ID, title: TITLE, status: "fail", found: [errorLine(err, ctx.root)], fix: `correct ${name} as the message says (or recreate it: keyfence baseline create --force …)` };
  }
  const expired = entries.filter((e) => e.expires !== undefined && e.expires < ctx.today);
  const unowned = entries.filter((e) => !e.reviewer?.trim() || !e.reason?.trim());
  const open = entries.filter((e) => e.expires === undefined);
  const soon = entries.filter((e) => e.expires !== undefined && e.expires >= ctx.today && e.expires <= addDays(ctx.today, SOON_DAYS));
  const found: string[] = [];
  if (expired.length) found.push(`${expired.length} expired (scans report them again):`, ...listed(expired.map((e) => `  ${describe(e)} expired ${e.expires}`)));
  if (unowned.length) found.push(`${unowned.length} without reviewer or reason:`, ...listed(unowned.map((e) => `  ${describe(e)}`)));
  if (open.length) found.push(`${open.length} without an expiry date (never come up for review)`);
  if (soon.length) found.push(`${soon.length} expire within ${SOON_DAYS} days:`, ...listed(soon.map((e) => `  ${describe(e)} expires ${e.expires}`)));
  if (expired.length || unowned.length) {
    const fix = expired.length
      ? `rotate the credential and run 'keyfence baseline prune', or, after review, set a new "expires" on each listed entry in ${name}`
      : `set "reviewer" and "reason" on each listed entry in ${name} (or re-accept: keyfence baseline create --force --reviewer YOU --reason WHY --ticket ID --expires YYYY-MM-DD)`;
    return { id: ID, title: TITLE, status: "fail", found, fix };
  }
  if (open.length || soon.length) {
    return { id: ID, title: TITLE, status: "warn", found, fix: open.length ? `add "expires": "YYYY-MM-DD" to the entries in ${name} without one` : `review the entries listed and renew "expires" in ${name}, or rotate and prune them` };
  }
  return { id: ID, title: TITLE, status: "pass", found: [`${name}: ${entries.length} entr${entries.length === 1 ? "y" : "ies"}, all reviewed, none expired`] };
}
