// The whole history as a source: every credential ever committed on any ref, reported once with the
// commit that first added it, whether HEAD still holds it, and how long it has been exposed against
// the rotation window of its severity. Memory grows with the number of distinct credentials found,
// never with the size of the history.
import { deriveFinding } from "../../finding/secret-store.js";
import { severityRank } from "../../policy/severity.js";
import type { Scanner } from "../../scanner.js";
import type { SourceNotice } from "../files.js";
import { classify, decodeUtf16 } from "../files.js";
import type { Finding } from "../../types.js";
import { CatFile } from "./cat-file.js";
import { LineSplitter } from "./line-splitter.js";
import { startGit, runGit } from "./process.js";
import { scanGitRange, type GitRangeOptions, type GitScanSummary } from "./range.js";

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

export interface HistoryOptions extends Omit<GitRangeOptions, "range" | "all" | "renames"> {
  /** The moment exposure is measured to (default: now). */
  now?: Date;
  /** Called for every occurrence (each commit and path that added a credential), oldest first: the report lists a credential's places. */
  onOccurrence?: (f: Finding) => void;
}

const DAY = 86_400_000;

/** "exposed 412 days; critical credentials must be rotated within 30". */
export function exposureSentence(f: Finding, e: Exposure): string {
  const window = e.rotateDays === undefined ? "" : `; ${f.severity} credentials must be rotated within ${e.rotateDays}`;
  const where = e.presentAtHead ? "still present at HEAD" : "removed from HEAD but still in history";
  return `exposed ${e.days} day${e.days === 1 ? "" : "s"}${window}; ${where}`;
}

function withExposure(f: Finding, e: Exposure): HistoryFinding {
  const sentence = exposureSentence(f, e);
  const urgency = e.rotateDays === undefined ? undefined : e.overdueDays > 0 ? `Rotate it now (${e.overdueDays} days overdue)` : `Rotate it within ${e.rotateDays - e.days} more days`;
  // The finding's own advice starts with the window ("Rotate within 30 days (url); …"): say it once.
  const advice = urgency ? (/^Rotate within \d+ days/.test(f.remediation) ? f.remediation.replace(/^Rotate within \d+ days/, urgency) : `${urgency}. ${f.remediation}`) : f.remediation;
  const capital = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  return deriveFinding(f, {
    message: `${f.message}: ${sentence}`,
    remediation: `${capital}. ${advice}`,
    exposure: e,
  } as Partial<Finding>) as HistoryFinding;
}

interface Seen {
  first: Finding;
  occurrences: number;
}

/**
 * Every distinct credential (rule + secret) in the history of all refs, with its first commit and
 * exposure, most urgent first (severity, then days overdue).
 */
export async function* scanHistory(scanner: Scanner, options: HistoryOptions = {}, onNotice?: (n: SourceNotice) => void, summary?: GitScanSummary): AsyncGenerator<HistoryFinding> {
  const cwd = options.cwd ?? process.cwd();
  const now = (options.now ?? new Date()).getTime();
  const seen = new Map<string, Seen>();
  const paths = new Set<string>();
  // Oldest commit first, so the first occurrence is the introduction. Renames are not followed: a
  // moved file counts as added at its new path, which is what the HEAD check below needs.
  for await (const f of scanGitRange(scanner, { ...options, all: true, renames: false }, onNotice, summary)) {
    options.onOccurrence?.(f);
    const key = `${f.ruleId}\0${f.secretHash}`;
    const s = seen.get(key);
    if (s) s.occurrences++;
    else seen.set(key, { first: f, occurrences: 1 });
    paths.add(f.path);
  }
  const atHead = seen.size ? await credentialsAtHead(scanner, cwd, options.env, paths) : new Set<string>();
  const out = [...seen.entries()].map(([key, s]) => {
    const f = s.first;
    const days = f.date ? Math.max(0, Math.floor((now - Date.parse(f.date)) / DAY)) : 0;
    const rotateDays = f.rotateDays;
    const e: Exposure = {
      days,
      ...(rotateDays !== undefined && { rotateDays }),
      overdueDays: rotateDays === undefined ? 0 : Math.max(0, days - rotateDays),
      presentAtHead: atHead.has(key),
      occurrences: s.occurrences,
    };
    return withExposure(f, e);
  });
  out.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.exposure.overdueDays - a.exposure.overdueDays || a.path.localeCompare(b.path));
  yield* out;
}

/**
 * Keys (rule + secret hash) of credentials found at HEAD in `paths`. Any copy of a credential at
 * HEAD was added by some commit reachable from HEAD, at the path where it now is, so only the paths
 * where history added a credential need to be read.
 */
async function credentialsAtHead(scanner: Scanner, cwd: string, env: NodeJS.ProcessEnv | undefined, paths: Set<string>): Promise<Set<string>> {
  const found = new Set<string>();
  const head = await runGit(["rev-parse", "-q", "--verify", "HEAD^{commit}"], { cwd, env, okCodes: [1, 128] });
  if (head.code !== 0) return found;
  const blobs: { path: string; oid: string }[] = [];
  const ls = startGit(["ls-tree", "-r", "-z", "--full-tree", "HEAD"], { cwd, env });
  ls.child.stdin.end();
  // Entries are "<mode> <type> <oid>\t<path>\0".
  const split = new LineSplitter(0);
  const onEntry = (entry: Buffer) => {
    const tab = entry.indexOf(9);
    if (tab < 0) return;
    const path = entry.subarray(tab + 1).toString("utf8");
    const [, type, oid] = entry.subarray(0, tab).toString("latin1").split(" ");
    if (type === "blob" && oid && paths.has(path)) blobs.push({ path, oid });
  };
  for await (const chunk of ls.stdout) split.push(chunk, onEntry);
  split.end(onEntry);
  await ls.done;
  if (!blobs.length) return found;
  const cat = new CatFile({ cwd, env });
  try {
    cat.request(blobs.map((b) => b.oid));
    for (const b of blobs) {
      const obj = await cat.read();
      if (!("content" in obj)) continue;
      const kind = classify(obj.content);
      if (kind === "binary") continue;
      const data = kind === "utf8" ? obj.content : decodeUtf16(obj.content, kind);
      const s = scanner.session({ path: b.path }, (f) => found.add(`${f.ruleId}\0${f.secretHash}`));
      s.push(data);
      s.end();
    }
    await cat.close();
  } catch (err) {
    cat.kill();
    throw err;
  }
  return found;
}
