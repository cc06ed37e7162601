// The index as a source: exactly what `git commit` would record. Each staged blob is scanned whole
// (a multi-line secret needs its context), and only findings that touch a line this commit adds are
// kept — a secret already in HEAD on an untouched line belongs to the baseline, not to this commit.
//
// Renames are detected (-M), so a moved file reports only the lines that changed; copies are not
// (no -C), so a copied file counts as new content, the same whether or not its source changed.
// `--text` keeps files that .gitattributes marks `-diff`/binary in view (lockfiles often are); real
// binaries are recognised by content instead.
import { KeyfenceError } from "../../errors.js";
import type { Scope, ScanUnit, Source, SourceItem } from "../source.js";
import { CatFile } from "./cat-file.js";
import { LineSplitter } from "./line-splitter.js";
import { PatchParser, type PatchEvents } from "./patch-parser.js";
import { realpathSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { runGit, startGit, GitFailure } from "./process.js";
import { asUserError, openRepo } from "./repo.js";

export interface StagedOptions {
  /** Folder inside the repository (default: process.cwd()). */
  cwd?: string;
  /** Environment for git (default: process.env). Inside a hook it carries GIT_INDEX_FILE. */
  env?: NodeJS.ProcessEnv;
  /**
   * Only these files (relative to `cwd`, or absolute), as lint-staged and the pre-commit framework
   * pass them. A named file the commit changes is judged by the lines it adds; a named file it does
   * not change is judged whole, as it stands in the index — so `pre-commit run --all-files` (nothing
   * staged, every file named) audits the tree instead of passing it unseen.
   */
  paths?: readonly string[];
}

export interface StagedFile {
  path: string;
  blob: string;
  /** Added line ranges [first, last], 1-based, inclusive, ascending; "whole" for a named file the commit does not change. */
  added: [number, number][] | "whole";
}

export const DIFF_CACHED_ARGS = [
  "diff",
  "--cached",
  "-U0",
  "--full-index",
  "-M",
  "--text",
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--ignore-submodules",
  "--src-prefix=a/",
  "--dst-prefix=b/",
];

/** Collects, per staged file, its new blob and the line ranges this commit adds. */
export class StagedCollector implements PatchEvents {
  readonly files: StagedFile[] = [];
  private current: StagedFile | undefined;

  fileStart(file: { path: string; blob?: string }): void {
    this.current = file.blob ? { path: file.path, blob: file.blob, added: [] } : undefined;
    if (this.current) this.files.push(this.current);
  }

  added(_buf: Buffer, _start: number, _end: number, n: number): void {
    const ranges = this.current?.added;
    if (!ranges || ranges === "whole") return;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === n - 1) last[1] = n;
    else ranges.push([n, n]);
  }

  fileEnd(): void {
    this.current = undefined;
  }
}

/** A path as git names it under `root` (posix, relative), symbolic links in the folders above resolved. */
function repoPath(root: string, cwd: string, p: string): string {
  const real = (x: string): string => {
    try {
      return realpathSync(x);
    } catch {
      const parent = dirname(x);
      return parent === x ? x : join(real(parent), basename(x));
    }
  };
  return relative(real(root), real(resolve(cwd, p))).split(sep).join("/");
}

/** Index entries (`git ls-files --stage`) of the named paths: blob per path, regular files and links only. */
async function indexBlobs(paths: readonly string[], cwd: string, env: NodeJS.ProcessEnv | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!paths.length) return out;
  // Literal pathspecs: a file named "*.env" names that file, not a glob. Run from the top, paths as git names them.
  const { stdout } = await runGit(["ls-files", "--stage", "-z", "--", ...paths], { cwd, env: { ...(env ?? process.env), GIT_LITERAL_PATHSPECS: "1" } });
  for (const rec of stdout.toString("utf8").split("\0")) {
    const m = /^(\d{6}) ([0-9a-f]+) (\d)\t([\s\S]+)$/.exec(rec);
    if (m && m[1] !== "160000" && m[3] === "0") out.set(m[4]!, m[2]!);
  }
  return out;
}

/**
 * What the next commit would add, in path order: each staged blob whole, with the lines this commit
 * adds as the lines that count (a named file the commit does not change counts whole).
 */
export class StagedSource implements Source {
  readonly name = "staged";
  /** Absolute top of the work tree (finding paths are relative to it), once `items` has started. */
  root: string | undefined;

  constructor(private readonly options: StagedOptions = {}) {}

  async *items(scope: Scope): AsyncGenerator<SourceItem> {
    const options = this.options;
    const cwd = options.cwd ?? process.cwd();
    const env = options.env;
    // The three git processes start together: the hook's latency is one git start-up, not three.
    const repoP = openRepo({ cwd, env });
    repoP.catch(() => {});
    const diff = startGit(DIFF_CACHED_ARGS, { cwd, env });
    diff.child.stdin.end();
    const cat = new CatFile({ cwd, env });
    let done = false;
    try {
      const collector = new StagedCollector();
      const parser = new PatchParser(collector);
      const splitter = new LineSplitter();
      const onLine = (b: Buffer, s: number, e: number) => parser.line(b, s, e);
      for await (const chunk of diff.stdout) splitter.push(chunk, onLine);
      splitter.end(onLine);
      parser.end();
      const repo = await repoP;
      if (!repo.root) throw new KeyfenceError("a bare repository has no index to check", { file: repo.gitDir });
      this.root = repo.root;
      const { code, stderr } = await diff.done;
      if (code !== 0) throw asUserError(new GitFailure(DIFF_CACHED_ARGS, code, stderr), cwd);

      // Only blobs in the scope are read at all; blobs over the size limit are read past.
      const keep = (p: string) => scope.includes(p);
      let files = collector.files.filter((f) => f.added.length && keep(f.path));
      if (options.paths) {
        const named = new Set(options.paths.map((p) => repoPath(repo.root!, cwd, p)));
        const changed = new Set(collector.files.map((f) => f.path));
        files = files.filter((f) => named.has(f.path));
        const unchanged = [...named].filter((p) => !changed.has(p) && keep(p));
        const blobs = await indexBlobs(unchanged, repo.root, env);
        for (const p of unchanged) {
          const blob = blobs.get(p);
          if (blob) files.push({ path: p, blob, added: "whole" });
          else yield { notice: { path: p, reason: "not in the index (untracked, deleted or outside the repository): not scanned", incomplete: false } };
        }
        files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
      }
      cat.request(files.map((f) => f.blob));
      for (const file of files) {
        const obj = await cat.read(scope.maxSize);
        if ("missing" in obj) {
          yield { notice: { path: file.path, reason: `staged object ${obj.oid.slice(0, 12)} is missing`, incomplete: true } };
        } else if ("skipped" in obj) {
          // Over the limit, the blob is streamed (scanned to its end if it is text): a size limit must
          // never let a secret into a commit.
          const unit: ScanUnit = { target: { path: file.path, blob: file.blob }, content: { kind: "stream", chunks: blobChunks(file.blob, { cwd, env }) }, overLimit: scope.maxSize };
          yield file.added !== "whole" ? { ...unit, counts: file.added } : unit;
        } else {
          yield { target: { path: file.path, blob: file.blob }, content: { kind: "bytes", data: obj.content }, ...(file.added !== "whole" && { counts: file.added }) };
        }
      }
      await cat.close();
      done = true;
    } catch (err) {
      throw asUserError(err, cwd);
    } finally {
      if (!done) {
        cat.kill();
        diff.child.kill();
      }
    }
  }
}

/** One blob's bytes from its own `git cat-file blob` process, read only when the scan gets to them. */
async function* blobChunks(oid: string, options: { cwd: string; env?: NodeJS.ProcessEnv }): AsyncGenerator<Buffer> {
  const args = ["cat-file", "blob", oid];
  const proc = startGit(args, options);
  proc.child.stdin.end();
  let finished = false;
  try {
    for await (const chunk of proc.stdout) yield chunk as Buffer;
    const { code, stderr } = await proc.done;
    finished = true;
    if (code !== 0) throw new GitFailure(args, code, stderr);
  } finally {
    if (!finished) proc.child.kill();
  }
}
