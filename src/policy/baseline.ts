// Baselines: findings a reviewer accepted, so later scans report only what is new. Entries are keyed
// on what survives ordinary work — the rule, the path and the secret's hash — never on lines or
// commit SHAs, so line moves, reformatting, rebases and squash merges leave them valid. A file that
// was renamed keeps its entries: an entry whose path no longer exists matches the same rule and
// secret at any path (a copy beside a still-existing original is a new exposure and is reported).
// The file holds hashes and redacted forms only; an entry can carry who accepted it, why, a ticket
// and an expiry, after which the finding blocks again.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { packageFile } from "../package-root.js";
import { join, relative, sep } from "node:path";
import { loadDocument } from "../schema-document.js";
import { fingerprintOf } from "../finding/fingerprint.js";
import { deriveFinding } from "../finding/secret-store.js";
import { remediationPlanOf, withRemediation } from "../finding/remediation.js";
import { KeyfenceError, displayPath } from "../errors.js";
import { readRegularFile } from "../io/regular-file.js";
import type { Finding, Severity } from "../types.js";

const require = createRequire(import.meta.url);
export const BASELINE_SCHEMA = require(packageFile("schema/baseline.schema.json")) as object;

export const DEFAULT_BASELINE_FILE = ".keyfence-baseline.json";

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  path: string;
  /** The secret's keyed digest (src/finding/fingerprint.ts). */
  secretDigest: string;
  redacted?: string;
  severity?: Severity;
  /** YYYY-MM-DD (UTC). */
  added: string;
  reviewer?: string;
  reason?: string;
  ticket?: string;
  /** Last day (YYYY-MM-DD, UTC) the acceptance holds. */
  expires?: string;
}

export interface Baseline {
  version: 2;
  /** Public name of the fingerprint key the digests were made with. */
  keyId: string;
  entries: BaselineEntry[];
}

/** Who accepted new entries, why, and until when: copied onto entries that `create`/`update` add. */
export type EntryReview = Pick<BaselineEntry, "reviewer" | "reason" | "ticket" | "expires">;

/** A day as YYYY-MM-DD in UTC: the unit expiries are written in. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The `version` a baseline's text declares, when it is JSON with one. */
export function formatOf(text: string): unknown {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null ? (v as { version?: unknown }).version : undefined;
  } catch {
    return undefined;
  }
}

/** Reads and checks a baseline; `text` is its content when it comes from elsewhere than the disk (a commit). */
export function loadBaseline(file: string, text?: string): Baseline {
  const raw = text ?? readRegularFile(file, "baseline").toString("utf8");
  // The first format held unkeyed SHA-256 hashes of the secrets: refused, with the one command that converts it.
  if (formatOf(raw) === 1) {
    throw new KeyfenceError("baseline format 1 holds unkeyed SHA-256 hashes of the secrets; convert it with 'keyfence baseline migrate'", { file: displayPath(file) });
  }
  const doc = loadDocument<Baseline>(file, BASELINE_SCHEMA, {
    what: "baseline",
    text: raw,
    subjectOf: (value, path) => {
      const entry = path[0] === "entries" && typeof path[1] === "number" ? (value as Baseline).entries?.[path[1]] : undefined;
      return entry && typeof entry.fingerprint === "string" ? `entry ${entry.fingerprint}` : undefined;
    },
  });
  const seen = new Set<string>();
  doc.value.entries.forEach((e, i) => {
    const where = { file, line: doc.lineAt(["entries", i]), subject: `entry ${e.fingerprint}` };
    // A fingerprint that does not follow from its fields means a hand edit went wrong.
    if (fingerprintOf(e.ruleId, e.path, e.secretDigest) !== e.fingerprint) throw new KeyfenceError("fingerprint does not match ruleId, path and secretDigest", where);
    if (seen.has(e.fingerprint)) throw new KeyfenceError("duplicate entry", where);
    seen.add(e.fingerprint);
  });
  return doc.value;
}

/** The file's text: entries in a stable order, so reviews see small diffs. */
export function serializeBaseline(baseline: Baseline): string {
  const entries = [...baseline.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint)));
  const ordered = entries.map((e) => ({
    fingerprint: e.fingerprint,
    ruleId: e.ruleId,
    path: e.path,
    secretDigest: e.secretDigest,
    ...(e.redacted !== undefined && { redacted: e.redacted }),
    ...(e.severity !== undefined && { severity: e.severity }),
    added: e.added,
    ...(e.reviewer !== undefined && { reviewer: e.reviewer }),
    ...(e.reason !== undefined && { reason: e.reason }),
    ...(e.ticket !== undefined && { ticket: e.ticket }),
    ...(e.expires !== undefined && { expires: e.expires }),
  }));
  return JSON.stringify({ version: 2, keyId: baseline.keyId, entries: ordered }, null, 2) + "\n";
}

export function entryFor(f: Finding, review: EntryReview, today: string): BaselineEntry {
  if (f.path.startsWith("/") || f.path.split("/").includes("..")) {
    throw new KeyfenceError(`finding path "${f.path}" is outside the scan root; run keyfence from the repository root`, { subject: "baseline" });
  }
  return { fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path, secretDigest: f.secretDigest, redacted: f.redacted, severity: f.severity, added: today, ...review };
}

export type Verdict =
  /** Not in the baseline: report it. */
  | { kind: "new" }
  /** Accepted by an entry that still holds. */
  | { kind: "accepted"; entry: BaselineEntry; renamedFrom?: string }
  /** Was accepted, but the acceptance expired: report it again. */
  | { kind: "expired"; entry: BaselineEntry };

export interface BaselineMatchOptions {
  /** Today, for expiries (default: now). */
  today?: string;
  /** Whether a path (relative to the scan root) still exists; decides rename matching. */
  exists?: (path: string) => boolean;
}

/** A baseline's digests mean something only under the key they were made with: anything else is refused. */
export function checkBaselineKey(file: string, baseline: Baseline, key: { id: string; source: string }): void {
  if (baseline.keyId === key.id) return;
  const how =
    key.source === "environment"
      ? "KEYFENCE_FINGERPRINT_KEY holds another key"
      : "this clone has another key; import the repository's ('keyfence key import', or set KEYFENCE_FINGERPRINT_KEY as in CI)";
  throw new KeyfenceError(`written with fingerprint key ${baseline.keyId}, this run has ${key.id}: ${how}`, { file: displayPath(file), subject: "baseline" });
}

function expired(entry: BaselineEntry, today: string): boolean {
  return entry.expires !== undefined && entry.expires < today;
}

/** Matches findings against a baseline and remembers which entries were seen. */
export class BaselineMatcher {
  private readonly byFingerprint = new Map<string, BaselineEntry>();
  /** Entries whose path is gone, by rule + secret hash: candidates for a rename. */
  private readonly orphaned = new Map<string, BaselineEntry[]>();
  private readonly seen = new Set<BaselineEntry>();
  readonly today: string;

  constructor(
    readonly baseline: Baseline,
    options: BaselineMatchOptions = {},
  ) {
    this.today = options.today ?? dayOf(new Date());
    const exists = options.exists ?? (() => true);
    for (const e of baseline.entries) {
      this.byFingerprint.set(e.fingerprint, e);
      if (!exists(e.path)) {
        const k = `${e.ruleId}\0${e.secretDigest}`;
        this.orphaned.set(k, [...(this.orphaned.get(k) ?? []), e]);
      }
    }
  }

  judge(f: Finding): Verdict {
    const own = this.entryOf(f.fingerprint, f.ruleId, f.secretDigest);
    if (own || !f.parts) return this.verdictOf(own);
    // A multi-part finding that a baseline written before pairs knew part by part (the key id, the
    // secret, each its own entry): an entry for any of its parts accepts the pair, as it did the parts.
    const found = f.parts.flatMap((p) => this.entryOf(fingerprintOf(p.ruleId, f.path, p.secretDigest), p.ruleId, p.secretDigest) ?? []);
    for (const e of found) this.seen.add(e.entry);
    return this.verdictOf(found.find((e) => !expired(e.entry, this.today)) ?? found[0]);
  }

  private entryOf(fingerprint: string, ruleId: string, secretDigest: string): { entry: BaselineEntry; renamedFrom?: string } | undefined {
    const entry = this.byFingerprint.get(fingerprint);
    if (entry) return { entry };
    const moved = this.orphaned.get(`${ruleId}\0${secretDigest}`)?.[0];
    return moved && { entry: moved, renamedFrom: moved.path };
  }

  private verdictOf(found: { entry: BaselineEntry; renamedFrom?: string } | undefined): Verdict {
    if (!found) return { kind: "new" };
    const { entry, renamedFrom } = found;
    this.seen.add(entry);
    if (expired(entry, this.today)) return { kind: "expired", entry };
    return renamedFrom === undefined ? { kind: "accepted", entry } : { kind: "accepted", entry, renamedFrom };
  }

  /** Entries no finding matched: the secret is gone (or was not in what was scanned). */
  stale(): BaselineEntry[] {
    return this.baseline.entries.filter((e) => !this.seen.has(e));
  }
}

/** The baseline file's path as a finding under `root` would name it. */
export function pathUnder(root: string, file: string): string {
  return relative(root, file).split(sep).join("/");
}

/** `exists` for paths relative to a scan root on disk. */
export function existsUnder(root: string): (path: string) => boolean {
  return (p) => p === "-" || existsSync(join(root, p));
}

/** The finding as reported when its acceptance ran out: the fix line says so first. */
export function markExpired(f: Finding, entry: BaselineEntry): Finding {
  const by = [entry.reviewer && `by ${entry.reviewer}`, entry.ticket && `ticket ${entry.ticket}`].filter(Boolean).join(", ");
  const plan = remediationPlanOf(f);
  return withRemediation(f, { ...plan, preface: [...(plan.preface ?? []), `Baseline acceptance expired on ${entry.expires}${by ? ` (${by})` : ""}.`] });
}

/** Filters a scan's findings through a baseline, keeping counts for the summary. */
export class BaselineFilter {
  readonly matcher: BaselineMatcher;
  accepted = 0;
  expired = 0;
  /** Fingerprint → the entry that accepted it, for the audit trail's "why". */
  readonly acceptedEntries = new Map<string, BaselineEntry>();

  constructor(
    readonly file: string,
    baseline: Baseline,
    options: BaselineMatchOptions & { selfPath?: string } = {},
  ) {
    this.matcher = new BaselineMatcher(baseline, options);
    this.selfPath = options.selfPath;
  }

  /** The baseline's own path as findings name it: its hashes look like secrets to generic rules. */
  private readonly selfPath: string | undefined;

  /** The finding to report, or undefined when the baseline accepts it. */
  apply(f: Finding): Finding | undefined {
    if (f.path === this.selfPath) return undefined;
    const v = this.matcher.judge(f);
    if (v.kind === "accepted") {
      this.accepted++;
      this.acceptedEntries.set(f.fingerprint, v.entry);
      return undefined;
    }
    if (v.kind === "expired") {
      this.expired++;
      return markExpired(f, v.entry);
    }
    return f;
  }
}
