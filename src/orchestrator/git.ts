// The git scans of the public API, each one source run through a scanner's orchestrator: the index
// (what the next commit adds), a commit range (each secret once, at the commit that introduced it)
// and the whole history (each credential once, with its exposure).
import type { Scanner } from "../scanner.js";
import { GitRangeSource, StagedSource, type GitRangeOptions, type GitScanSummary, type StagedOptions } from "../sources/git/index.js";
import type { SourceNotice } from "../sources/source.js";
import type { Finding } from "../types.js";
import { pushedObjects, SubmoduleCommitsSource } from "../sources/git/pushed-objects.js";
import { historyFindings, namesWithExposure, type HistoryFinding, type HistoryOptions } from "./history.js";
import { findingsInRunNames, type Name } from "../names/name-findings.js";
import { pathsAtHead } from "../sources/git/head.js";
import type { ScopeOptions } from "./scope.js";

export interface StagedScanOptions extends StagedOptions, Omit<ScopeOptions, "gitignore"> {}

export interface GitRangeScanOptions extends GitRangeOptions, Pick<ScopeOptions, "include" | "exclude"> {
  /** Each secret once (by fingerprint), at the first commit that added it, as `keyfence git` and `ci` report; default: every occurrence. */
  dedupe?: boolean;
}

export interface StagedSummary {
  files: number;
  bytes: number;
  /** Absolute top of the work tree (finding paths are relative to it). */
  root?: string;
}

function scopeOf(o: ScopeOptions): ScopeOptions {
  return {
    ...(o.include && { include: o.include }),
    ...(o.exclude && { exclude: o.exclude }),
    ...(o.maxFileSize !== undefined && { maxFileSize: o.maxFileSize }),
  };
}

/** Findings in what the next commit would add, in path order (only findings on added lines). */
export async function* scanStaged(scanner: Scanner, options: StagedScanOptions = {}, onNotice?: (n: SourceNotice) => void, summary?: StagedSummary): AsyncGenerator<Finding> {
  const source = new StagedSource(options);
  const count = (u: { size: number }) => {
    if (!summary) return;
    summary.files++;
    summary.bytes += u.size;
    summary.root = source.root;
  };
  try {
    yield* scanner.scan(source, { ...scopeOf(options), ...(onNotice && { onNotice }), onUnit: count });
  } finally {
    if (summary && source.root) summary.root = source.root;
  }
}

/**
 * Findings in the lines added by every commit of a range, oldest commit first, each carrying its
 * commit, author and date. Every added occurrence is yielded unless `dedupe` asks for each secret once.
 */
export async function* scanGitRange(scanner: Scanner, options: GitRangeScanOptions = {}, onNotice?: (n: SourceNotice) => void, summary?: GitScanSummary): AsyncGenerator<Finding> {
  const source = new GitRangeSource(options);
  // A range carries submodule commits too (named as not scanned); every ref also its stash entries and tagged blobs.
  const cwd = options.cwd ?? process.cwd();
  const revisions = options.range !== undefined ? [options.range] : options.all ? ["--all"] : ["HEAD"];
  const extra = options.all ? pushedObjects({ cwd, env: options.env, revisions, ...(options.since !== undefined && { since: options.since }) }) : [new SubmoduleCommitsSource({ cwd, env: options.env, revisions, ...(options.since !== undefined && { since: options.since }) })];
  try {
    yield* scanner.scan([source, ...extra], { ...scopeOf(options), ...(onNotice && { onNotice }), dedupe: options.dedupe === true });
  } finally {
    if (summary) Object.assign(summary, source.stats);
  }
}

/** Every distinct credential in the history of all refs, with its first commit and exposure, most urgent first. */
export function scanHistory(scanner: Scanner, options: HistoryOptions = {}, onNotice?: (n: SourceNotice) => void, summary?: GitScanSummary): AsyncGenerator<HistoryFinding> {
  return historyFindings((sources, o) => scanner.scan(sources, o), options, onNotice, summary);
}

/**
 * Credentials in a history's names — commit and tag messages, authors, paths, refs (`names`, from
 * historyNames) and the paths and authors of the findings and notices of its contents — each once
 * with its earliest commit and exposure; a file name is at HEAD while a file of that name is.
 * `onOccurrence` sees every place, as scanHistory's option does for contents.
 */
export async function historyNameFindings(scanner: Scanner, names: readonly Name[], found: readonly Finding[], notices: readonly SourceNotice[], options: { cwd: string; env?: NodeJS.ProcessEnv; now?: Date; onOccurrence?: (f: Finding) => void }): Promise<HistoryFinding[]> {
  const inNames = findingsInRunNames(scanner, names, found, notices);
  if (options.onOccurrence) for (const f of inNames) options.onOccurrence(f);
  const atHead = inNames.some((f) => f.tags.includes("in-file-name")) ? await pathsAtHead(options.cwd, options.env) : new Set<string>();
  return namesWithExposure(inNames, { ...(options.now && { now: options.now }), pathsAtHead: atHead });
}
