// The index as a source: exactly what `git commit` would record. Each staged blob is scanned whole
// (a multi-line secret needs its context), and only findings that touch a line this commit adds are
// kept — a secret already in HEAD on an untouched line belongs to the baseline, not to this commit.
//
// Renames are detected (-M), so a moved file reports only the lines that changed; copies are not
// (no -C), so a copied file counts as new content, the same whether or not its source changed.
// `--text` keeps files that .gitattributes marks `-diff`/binary in view (lockfiles often are); real
// binaries are recognised by content instead.
import { KeyfenceError } from "../../errors.js";
import { classify, decodeUtf16, DEFAULT_MAX_FILE_SIZE, type SourceNotice } from "../files.js";
import type { Scanner } from "../../scanner.js";
import type { Finding } from "../../types.js";
import { CatFile } from "./cat-file.js";
import { LineSplitter } from "./line-splitter.js";
import { PatchParser, type PatchEvents } from "./patch-parser.js";
import { pathFilter, type PathFilter } from "./added-lines.js";
import { realpathSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { runGit, startGit, GitFailure } from "./process.js";
import { asUserError, openRepo } from "./repo.js";

export interface StagedOptions extends PathFilter {
  /** Folder inside the repository (default: process.cwd()). */
  cwd?: string;
  /** Environment for git (default: process.env). Inside a hook it carries GIT_INDEX_FILE. */
  env?: NodeJS.ProcessEnv;
  /** Staged files larger than this are skipped with a notice (default 50 MiB). */
  maxFileSize?: number;
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

  added(_line: Buffer, n: number): void {
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

export interface StagedSummary {
  files: number;
  bytes: number;
  /** Absolute top of the work tree (finding paths are relative to it). */
  root?: string;
}

function touches(f: Finding, ranges: [number, number][] | "whole"): boolean {
  return ranges === "whole" || ranges.some(([a, b]) => f.line <= b && f.endLine >= a);
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

/** Findings in what the next commit would add, in path order. */
export async function* scanStaged(scanner: Scanner, options: StagedOptions = {}, onNotice?: (n: SourceNotice) => void, summary?: StagedSummary): AsyncGenerator<Finding> {
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
    const onLine = (l: Buffer) => parser.line(l);
    for await (const chunk of diff.stdout) splitter.push(chunk, onLine);
    splitter.end(onLine);
    parser.end();
    const repo = await repoP;
    if (!repo.root) throw new KeyfenceError("a bare repository has no index to check", { file: repo.gitDir });
    if (summary) summary.root = repo.root;
    const { code, stderr } = await diff.done;
    if (code !== 0) throw asUserError(new GitFailure(DIFF_CACHED_ARGS, code, stderr), cwd);

    const keep = pathFilter(options);
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
        else onNotice?.({ path: p, reason: "not in the index (untracked, deleted or outside the repository): not scanned", incomplete: false });
      }
      files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
    }
    cat.request(files.map((f) => f.blob));
    const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    for (const file of files) {
      const obj = await cat.read(maxSize);
      if ("missing" in obj) {
        onNotice?.({ path: file.path, reason: `staged object ${obj.oid.slice(0, 12)} is missing`, incomplete: true });
        continue;
      }
      if ("skipped" in obj) {
        onNotice?.({ path: file.path, reason: `skipped: ${obj.size} bytes is over the size limit`, incomplete: false });
        continue;
      }
      const kind = classify(obj.content);
      if (kind === "binary") {
        onNotice?.({ path: file.path, reason: "binary file skipped", incomplete: false });
        continue;
      }
      const data = kind === "utf8" ? obj.content : decodeUtf16(obj.content.length % 2 ? obj.content.subarray(0, -1) : obj.content, kind);
      if (summary) {
        summary.files++;
        summary.bytes += data.length;
      }
      const found: Finding[] = [];
      const session = scanner.session({ path: file.path }, (f) => {
        if (touches(f, file.added)) found.push(f);
      });
      session.push(data);
      session.end();
      yield* found;
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
