// Commits as a source: `git log -p` streamed through the patch parser, only added lines scanned.
//
// Merge commits are read as dense combined diffs (`--cc`): a merge reports only lines that none of
// its parents has (conflict resolutions, "evil merges"). Lines a merge brings in from a side branch
// are reported at the side-branch commit that added them, which the walk visits too — so nothing
// is reported twice and nothing is attributed to whoever pressed "merge". `firstParent` instead
// walks the first-parent chain and diffs each merge against its first parent, which attributes a
// merged branch's content to the merge (the view of a branch that only receives merges).
import { KeyfenceError } from "../../errors.js";
import type { Scope, ScanUnit, Source, SourceItem } from "../source.js";
import { openerFor } from "../openers.js";
import { AddedLineUnits, type AddedLineStats } from "./added-lines.js";
import { CatFile } from "./cat-file.js";
import { LineSplitter } from "./line-splitter.js";
import { LOG_FORMAT, PatchParser, type CommitInfo } from "./patch-parser.js";
import { startGit, GitFailure, type GitOutput } from "./process.js";
import { startDrainedGit } from "./drained-git.js";
import { asUserError, isPartialClone, openRepo } from "./repo.js";

export interface GitRangeOptions {
  /** Folder inside the repository (default: process.cwd()). */
  cwd?: string;
  /** Revision range as git understands it: `A..B`, `A...B`, or one revision (all its ancestors). */
  range?: string;
  /** Only commits after this date (any format `git log --since` accepts). */
  since?: string;
  /** Every ref (branches, tags, remotes, stash) instead of a range. */
  all?: boolean;
  /**
   * Leave out every commit an existing ref reaches (`--not --all`): the commits new to the repository,
   * which is what a pre-receive hook judges (the pushed refs are not updated until it accepts).
   */
  newToRepository?: boolean;
  /** Walk the first-parent chain and diff merges against their first parent (see above). */
  firstParent?: boolean;
  /** Detect renames so that a moved file is not reported as added (default true). */
  renames?: boolean;
  /** Environment for git (default: process.env), e.g. to pass GIT_DIR. */
  env?: NodeJS.ProcessEnv;
  /** Called as each commit starts, with running totals. */
  onCommit?: (commit: CommitInfo, stats: AddedLineStats) => void;
}

export interface GitScanSummary {
  commits: number;
  files: number;
  bytes: number;
  binary: number;
}

/** The `git log` arguments for a range scan (exported for the benchmark, which times git alone). */
export function logArgs(options: GitRangeOptions): string[] {
  if (options.range !== undefined && (options.range === "" || options.range.startsWith("-"))) {
    throw new KeyfenceError(`invalid revision range "${options.range}"`, { subject: "--range" });
  }
  // Only the user's revision goes after --end-of-options, where git cannot take it for an option.
  const revs = options.range !== undefined ? [options.range] : options.all ? [] : ["HEAD"];
  const merges = options.firstParent ? ["--first-parent", "-m"] : ["--cc"];
  return [
    "log",
    "-p",
    "-U0",
    ...merges,
    "--text",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--full-index",
    "--ignore-submodules",
    options.renames === false ? "--no-renames" : "-M",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--root",
    "--reverse",
    "--date-order",
    LOG_FORMAT,
    ...(options.since !== undefined ? [`--since=${options.since}`] : []),
    ...(options.range === undefined && options.all ? ["--all"] : []),
    // --not flips the sense of the revisions after it: every ref excluded, then the range included.
    ...(options.newToRepository ? ["--not", "--all", "--not"] : []),
    "--end-of-options",
    ...revs,
    "--",
  ];
}

/** git's way of saying an object is not in this repository (partial, shallow or damaged clone). */
const MISSING_OBJECT = /lazy fetching disabled|unable to read|missing (blob|tree|commit|object)|could not fetch|promisor|bad object|object .* is missing|not our ref/i;
const BAD_REVISION = /unknown revision|bad revision|ambiguous argument|invalid object name|bad default revision|does not have any commits/i;

/**
 * The lines added by every commit of a range, oldest commit first, as units that carry their commit,
 * author and date. Every added occurrence is a unit (a secret added, moved and removed in the range
 * is found at each commit that added it); the orchestrator's `dedupe` keeps the first. A repository
 * with missing objects ends the walk early with an `incomplete` notice rather than an error.
 */
export class GitRangeSource implements Source {
  readonly name = "commits";
  /** Totals so far (final once `items` is exhausted). */
  readonly stats: AddedLineStats = { commits: 0, files: 0, bytes: 0, binary: 0 };

  constructor(private readonly options: GitRangeOptions = {}) {}

  async *items(scope: Scope): AsyncGenerator<SourceItem> {
    const options = this.options;
    const cwd = options.cwd ?? process.cwd();
    const env = options.env;
    const args = logArgs(options);
    // The log starts first, so that git works while the repository is looked at. A whole history is
    // read on a thread of its own (drained-git.ts); a range, usually a few commits, from the pipe.
    let proc: GitOutput;
    if (options.all) proc = startDrainedGit(args, { cwd, env });
    else {
      const piped = startGit(args, { cwd, env });
      piped.child.stdin.end();
      proc = piped;
    }
    // Read from now on: node discards a child's output that nobody is reading when it exits.
    const chunks = proc.stdout[Symbol.asyncIterator]();
    const first = chunks.next();
    first.catch(() => {});
    let finished = false;
    const blobs = new WholeBlobs(cwd, env, scope);
    const ready: ScanUnit[] = [];
    const sink = new AddedLineUnits(scope, ready, options.onCommit);
    try {
      const partialP = isPartialClone({ cwd, env });
      partialP.catch(() => {});
      const repo = await openRepo({ cwd, env });
      const where = repo.root ?? repo.gitDir;
      if (repo.shallow) {
        yield { notice: { path: where, reason: "shallow clone: commits beyond the shallow boundary are missing, and each boundary commit shows its whole tree as added (dates are those of the boundary)", incomplete: false } };
      }
      if (await partialP) {
        yield { notice: { path: where, reason: "partial clone: objects that were not downloaded cannot be scanned (keyfence never fetches them); the scan stops at the first missing one", incomplete: false } };
      }
      const parser = new PatchParser(sink);
      const splitter = new LineSplitter();
      const onLine = (b: Buffer, s: number, e: number) => parser.line(b, s, e);
      for (let r = await first; !r.done; r = await chunks.next()) {
        splitter.push(r.value, onLine);
        if (ready.length) yield* blobs.resolve(ready.splice(0));
      }
      splitter.end(onLine);
      parser.end();
      if (ready.length) yield* blobs.resolve(ready.splice(0));
      await blobs.close();
      const { code, stderr } = await proc.done;
      finished = true;
      if (code !== 0) {
        const failure = new GitFailure(args, code, stderr);
        if (MISSING_OBJECT.test(stderr)) {
          yield { notice: { path: where, reason: `history incomplete after ${sink.stats.commits} commits: ${failure.reason}`, incomplete: true } };
        } else if (BAD_REVISION.test(stderr)) {
          throw new KeyfenceError(failure.reason, { subject: options.range !== undefined ? `--range ${options.range}` : "git log" });
        } else {
          throw asUserError(failure, cwd, "git log");
        }
      }
    } finally {
      if (!finished) proc.kill();
      blobs.kill();
      Object.assign(this.stats, sink.stats);
    }
  }
}

/**
 * A format that an opener reads (an archive, a notebook) is only meaningful whole: the lines a
 * commit added to a `.gz` are fragments of deflate data, not a smaller gzip. Such a file is scanned
 * as the blob the commit wrote (read by id from one `git cat-file` process, started when first
 * needed); findings on parts an earlier commit added are that commit's, and dedupe keeps those.
 */
class WholeBlobs {
  private cat: CatFile | undefined;

  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv | undefined,
    private readonly scope: Scope,
  ) {}

  async *resolve(units: ScanUnit[]): AsyncGenerator<SourceItem> {
    const whole = (u: ScanUnit) => {
      const oid = u.target.blob;
      return oid !== undefined && /^[0-9a-f]{40,64}$/.test(oid) && openerFor(u) !== undefined;
    };
    // Asked for all at once, read back in order: one round trip per batch, not per blob.
    const wanted = new Set(units.filter(whole));
    if (wanted.size) {
      this.cat ??= new CatFile({ cwd: this.cwd, env: this.env });
      this.cat.request([...wanted].map((u) => u.target.blob!));
    }
    for (const unit of units) {
      if (!wanted.has(unit)) {
        yield unit;
        continue;
      }
      const obj = await this.cat!.read(this.scope.maxSize);
      if ("content" in obj) yield { target: unit.target, content: { kind: "bytes", data: obj.content } };
      else if ("skipped" in obj) yield { notice: this.scope.oversize(unit.target.path, obj.size) };
      // A blob missing from a partial clone: its added lines are what there is to scan.
      else yield unit;
    }
  }

  async close(): Promise<void> {
    const cat = this.cat;
    this.cat = undefined;
    await cat?.close();
  }

  kill(): void {
    this.cat?.kill();
    this.cat = undefined;
  }
}
