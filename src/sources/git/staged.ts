// The index as a source: exactly what `git commit` would record. Each staged blob is scanned whole
// (a multi-line secret needs its context), and only findings that touch a line this commit adds are
// kept — a secret already in HEAD on an untouched line belongs to the baseline, not to this commit.
//
// Renames are detected (-M), so a moved file reports only the lines that changed; copies are not
// (no -C), so a copied file counts as new content, the same whether or not its source changed.
// `--text` keeps files that .gitattributes marks `-diff`/binary in view (lockfiles often are); real
// binaries are recognised by content instead.
import { KeyfenceError } from "../../errors.js";
import type { Scope, Source, SourceItem } from "../source.js";
import { CatFile } from "./cat-file.js";
import { LineSplitter } from "./line-splitter.js";
import { PatchParser, type PatchEvents } from "./patch-parser.js";
import { startGit, GitFailure } from "./process.js";
import { asUserError, openRepo } from "./repo.js";

export interface StagedOptions {
  /** Folder inside the repository (default: process.cwd()). */
  cwd?: string;
  /** Environment for git (default: process.env). Inside a hook it carries GIT_INDEX_FILE. */
  env?: NodeJS.ProcessEnv;
}

export interface StagedFile {
  path: string;
  blob: string;
  /** Added line ranges [first, last], 1-based, inclusive, ascending. */
  added: [number, number][];
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
    if (!ranges) return;
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

/**
 * What the next commit would add, in path order: each staged blob whole, with the lines this commit
 * adds as the lines that count.
 */
export class StagedSource implements Source {
  readonly name = "staged";
  /** Absolute top of the work tree (finding paths are relative to it), once `items` has started. */
  root: string | undefined;

  constructor(private readonly options: StagedOptions = {}) {}

  async *items(scope: Scope): AsyncGenerator<SourceItem> {
    const cwd = this.options.cwd ?? process.cwd();
    const env = this.options.env;
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
      this.root = repo.root;
      const { code, stderr } = await diff.done;
      if (code !== 0) throw asUserError(new GitFailure(DIFF_CACHED_ARGS, code, stderr), cwd);

      // Only blobs in the scope are read at all; blobs over the size limit are read past.
      const files = collector.files.filter((f) => f.added.length && scope.includes(f.path));
      cat.request(files.map((f) => f.blob));
      for (const file of files) {
        const obj = await cat.read(scope.maxSize);
        if ("missing" in obj) {
          yield { notice: { path: file.path, reason: `staged object ${obj.oid.slice(0, 12)} is missing`, incomplete: true } };
        } else if ("skipped" in obj) {
          yield { notice: scope.oversize(file.path, obj.size) };
        } else {
          yield { target: { path: file.path, blob: file.blob }, content: { kind: "bytes", data: obj.content }, counts: file.added };
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
