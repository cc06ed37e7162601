// What a push carries besides the commits a `git log` of the refs walks: every stash entry (the
// reflog of refs/stash: only the newest is a ref), tags that point straight at a blob (no commit holds
// it), and submodule commits (another repository's history, which keyfence cannot read from here and
// so names as not scanned, with its path). Commit and annotated-tag messages are scanned as names
// (src/sources/git/names.ts).
import type { Scope, Source, SourceItem } from "../source.js";
import { CatFile } from "./cat-file.js";
import { revisionArgs } from "./names.js";
import { runGit, type GitCallOptions } from "./process.js";
import { GitRangeSource } from "./range.js";

/**
 * Each source's first git query starts when the source is made, so that it runs while the commits'
 * own `git log` is read, not after it (a history's tail was these queries one after another). A
 * failure surfaces where the query is awaited, never as an unhandled rejection.
 */
function started<T>(query: Promise<T>): Promise<T> {
  query.catch(() => {});
  return query;
}

/** Stash entries after the newest (which `--all` already walks): each the commits it made (worktree, index, untracked). */
export class StashEntriesSource implements Source {
  readonly name = "stash";

  private readonly stash: Promise<{ code: number }>;

  constructor(private readonly o: GitCallOptions & { since?: string }) {
    this.stash = started(runGit(["rev-parse", "-q", "--verify", "refs/stash"], { cwd: o.cwd, env: o.env, okCodes: [1, 128] }));
  }

  async *items(scope: Scope): AsyncGenerator<SourceItem> {
    const { cwd, env } = this.o;
    const has = await this.stash;
    if (has.code !== 0) return;
    const { stdout } = await runGit(["log", "-g", "--format=%H", "refs/stash", "--"], { cwd, env });
    const entries = stdout.toString("utf8").split("\n").filter((l) => /^[0-9a-f]{40,64}$/.test(l));
    for (const w of entries.slice(1)) {
      // `W^1..W` is the stash commit, its index commit and its untracked-files commit.
      const source = new GitRangeSource({ cwd, env, range: `${w}^1..${w}`, renames: false, ...(this.o.since !== undefined && { since: this.o.since }) });
      yield* source.items(scope);
    }
  }
}

/** Tags (lightweight or annotated) whose object is a blob: scanned whole, named by the tag. */
export class TaggedBlobsSource implements Source {
  readonly name = "tagged blobs";

  private readonly tags: Promise<{ stdout: Buffer }>;

  constructor(private readonly o: GitCallOptions) {
    this.tags = started(runGit(["for-each-ref", "refs/tags", "--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)"], { cwd: o.cwd, env: o.env }));
  }

  async *items(scope: Scope): AsyncGenerator<SourceItem> {
    const { cwd, env } = this.o;
    const { stdout } = await this.tags;
    const blobs: { ref: string; oid: string }[] = [];
    for (const line of stdout.toString("utf8").split("\n")) {
      const [ref, type, oid, peeledType, peeled] = line.split("\0");
      if (!ref) continue;
      if (type === "blob" && oid) blobs.push({ ref, oid });
      else if (type === "tag" && peeledType === "blob" && peeled) blobs.push({ ref, oid: peeled });
    }
    if (!blobs.length) return;
    const cat = new CatFile({ cwd, env });
    let done = false;
    try {
      cat.request(blobs.map((b) => b.oid));
      for (const b of blobs) {
        const obj = await cat.read(scope.maxSize);
        if ("content" in obj) yield { target: { path: b.ref, blob: b.oid }, content: { kind: "bytes", data: obj.content } };
        else if ("skipped" in obj) yield { notice: scope.oversize(b.ref, obj.size) };
        else yield { notice: { path: b.ref, reason: `tagged blob ${b.oid.slice(0, 12)} is missing from this clone`, incomplete: true } };
      }
      await cat.close();
      done = true;
    } finally {
      if (!done) cat.kill();
    }
  }
}

/**
 * Submodule commits the revisions record (a gitlink added or moved): each named once with its path as
 * not scanned, which makes the scan incomplete unless the configuration excludes the path.
 */
export class SubmoduleCommitsSource implements Source {
  readonly name = "submodules";

  private readonly log: Promise<{ stdout: Buffer }>;

  constructor(private readonly o: GitCallOptions & { revisions: string[]; since?: string }) {
    const args = ["log", "--raw", "--no-abbrev", "-z", "--no-renames", "--format=%x01%H", ...(o.since ? [`--since=${o.since}`] : []), ...revisionArgs(o.revisions), "--"];
    this.log = started(runGit(args, { cwd: o.cwd, env: o.env }));
  }

  async *items(scope: Scope): AsyncGenerator<SourceItem> {
    const { stdout } = await this.log;
    const tokens = stdout.toString("utf8").split("\0");
    const seen = new Set<string>();
    let commit = "";
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!.replace(/^\n/, "");
      const start = /^\x01([0-9a-f]{40,64})/.exec(t);
      if (start) {
        commit = start[1]!;
        continue;
      }
      // ":<old mode> <new mode> <old oid> <new oid> <status>" then the path as the next token.
      const raw = /^:\d{6} (\d{6}) [0-9a-f]+ ([0-9a-f]+) ([A-Z])\d*$/.exec(t);
      if (!raw) continue;
      const path = tokens[++i] ?? "";
      if (raw[1] !== "160000" || raw[3] === "D" || !path || !scope.includes(path)) continue;
      const key = `${path}\0${raw[2]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      yield {
        notice: {
          path,
          reason: `submodule commit ${raw[2]!.slice(0, 12)} (recorded by ${commit.slice(0, 12)}) not scanned: it is another repository's history; scan that repository too, or exclude the path`,
          incomplete: true,
        },
      };
    }
  }
}

/** Every source of what a push of all refs carries beyond their commits. */
export function pushedObjects(o: GitCallOptions & { revisions: string[]; since?: string }): Source[] {
  const since = o.since !== undefined ? { since: o.since } : {};
  return [new StashEntriesSource({ cwd: o.cwd, env: o.env, ...since }), new TaggedBlobsSource({ cwd: o.cwd, env: o.env }), new SubmoduleCommitsSource({ cwd: o.cwd, env: o.env, revisions: o.revisions, ...since })];
}
