// The history view: every credential ever committed on any ref, reported once with the commit that
// first added it, whether HEAD still holds it, and how long it has been exposed against the rotation
// window of its severity. Runs two sources through the orchestrator — all commits, then the blobs at
// HEAD where history found something — and aggregates; memory grows with the number of distinct
// credentials found, never with the size of the history.
import { remediationPlanOf, withRemediation } from "../finding/remediation.js";
import { severityRank } from "../policy/severity.js";
import { GitRangeSource, HeadBlobsSource, type GitRangeOptions, type GitScanSummary } from "../sources/git/index.js";
import { pushedObjects } from "../sources/git/pushed-objects.js";
import type { SourceNotice } from "../sources/source.js";
import type { Finding } from "../types.js";
import { exposureSentence, type Exposure, type HistoryFinding } from "../finding/exposure.js";

export { exposureSentence, type Exposure, type HistoryFinding } from "../finding/exposure.js";
import type { RunOptions, RunSources } from "./orchestrator.js";

export interface HistoryOptions extends Omit<GitRangeOptions, "range" | "all" | "renames"> {
  /** The moment exposure is measured to (default: now). */
  now?: Date;
  /** Only paths matching these globs (default: the configuration's). */
  include?: readonly string[];
  /** Paths matching these globs are skipped (default: the configuration's). */
  exclude?: readonly string[];
  /** Called for every occurrence (each commit and path that added a credential), oldest first: the report lists a credential's places. */
  onOccurrence?: (f: Finding) => void;
}

const DAY = 86_400_000;

function withExposure(f: Finding, e: Exposure): HistoryFinding {
  const sentence = exposureSentence(f, e);
  const plan = { ...remediationPlanOf(f), exposure: { sentence, days: e.days, overdueDays: e.overdueDays } };
  return withRemediation(f, plan, { message: `${f.message}: ${sentence}`, exposure: e } as Partial<Finding>) as HistoryFinding;
}

function exposureOf(f: Finding, now: number, presentAtHead: boolean, occurrences: number): Exposure {
  const days = f.date ? Math.max(0, Math.floor((now - Date.parse(f.date)) / DAY)) : 0;
  const rotateDays = f.rotateDays;
  return {
    days,
    ...(rotateDays !== undefined && { rotateDays }),
    overdueDays: rotateDays === undefined ? 0 : Math.max(0, days - rotateDays),
    presentAtHead,
    occurrences,
  };
}

/**
 * Findings in a history's names (commit and tag messages, authors, paths, refs), each credential once
 * with its earliest commit and exposure, as `historyFindings` gives for contents. A message or an
 * author stays in history until it is rewritten, never "at HEAD"; a file name is at HEAD while a
 * file of that name is (`pathsAtHead`).
 */
export function namesWithExposure(found: readonly Finding[], options: { now?: Date; pathsAtHead: ReadonlySet<string> }): HistoryFinding[] {
  const now = (options.now ?? new Date()).getTime();
  const seen = new Map<string, Seen & { atHead: boolean }>();
  for (const f of found) {
    const key = keyOf(f);
    const atHead = f.tags.includes("in-file-name") && options.pathsAtHead.has(f.path);
    const s = seen.get(key);
    if (!s) seen.set(key, { first: f, occurrences: 1, atHead });
    else {
      s.occurrences++;
      s.atHead ||= atHead;
      if (f.date && (!s.first.date || f.date < s.first.date)) s.first = f;
    }
  }
  return [...seen.values()].map((s) => withExposure(s.first, exposureOf(s.first, now, s.atHead, s.occurrences)));
}

interface Seen {
  first: Finding;
  occurrences: number;
}

const keyOf = (f: Finding) => `${f.ruleId}\0${f.secretDigest}`;

/**
 * Every distinct credential (rule + secret) in the history of all refs, with its first commit and
 * exposure, most urgent first (severity, then days overdue).
 */
export async function* historyFindings(scan: RunSources, options: HistoryOptions = {}, onNotice?: (n: SourceNotice) => void, summary?: GitScanSummary, run: RunOptions = {}): AsyncGenerator<HistoryFinding> {
  const cwd = options.cwd ?? process.cwd();
  const now = (options.now ?? new Date()).getTime();
  const { include, exclude } = options;
  const scope = { ...(include && { include }), ...(exclude && { exclude }) };
  const seen = new Map<string, Seen>();
  const paths = new Set<string>();
  // Oldest commit first, so the first occurrence is the introduction. Renames are not followed: a
  // moved file counts as added at its new path, which is what the HEAD check below needs.
  const commits = new GitRangeSource({ ...options, all: true, renames: false });
  try {
    // And what a push carries beyond the refs' commits: every stash entry, tags to blobs, submodule commits (named as not scanned).
    const sources = [commits, ...pushedObjects({ cwd, env: options.env, revisions: ["--all"], ...(options.since !== undefined && { since: options.since }) })];
    for await (const f of scan(sources, { ...run, ...scope, ...(onNotice && { onNotice }) })) {
      options.onOccurrence?.(f);
      const key = keyOf(f);
      const s = seen.get(key);
      if (s) s.occurrences++;
      else seen.set(key, { first: f, occurrences: 1 });
      paths.add(f.path);
    }
  } finally {
    if (summary) Object.assign(summary, commits.stats);
  }
  const atHead = new Set<string>();
  if (seen.size) {
    // The HEAD check's own notices (a binary blob) say nothing about the history: not reported.
    for await (const f of scan(new HeadBlobsSource({ cwd, env: options.env, paths }), { ...run, ...scope })) atHead.add(keyOf(f));
  }
  const out = [...seen.entries()].map(([key, s]) => withExposure(s.first, exposureOf(s.first, now, atHead.has(key), s.occurrences)));
  out.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.exposure.overdueDays - a.exposure.overdueDays || a.path.localeCompare(b.path));
  yield* out;
}
