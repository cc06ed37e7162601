// The index as a source: exactly what `git commit` would record. Each staged blob is scanned whole
// (a multi-line secret needs its context), and only findings that touch a line this commit adds are
// kept — a secret already in HEAD on an untouched line belongs to the baseline, not to this commit.
//
// Renames are detected (-M), so a moved file reports only the lines that changed; copies are not
// (no -C), so a copied file counts as new content, the same whether or not its source changed.
// `--text` keeps files that .gitattributes marks `-diff`/binary in view (lockfiles often are); real
// binaries are recognised by content instead.
import { KeyfenceError } from "../../errors.js";
import { checkedMaxFileSize, type SourceNotice } from "../files.js";
import { SNIFF_BYTES, startsAsText, TextDecoder, textForScan } from "../../text/index.js";
import type { Scanner } from "../../scanner.js";
import type { Finding } from "../../types.js";
import { CatFile } from "./cat-file.js";
import { LineSplitter } from "./line-splitter.js";
import { PatchParser, type PatchEvents } from "./patch-parser.js";
import { pathFilter, type PathFilter } from "./added-lines.js";
import { startGit, GitFailure } from "./process.js";
import { asUserError, openRepo } from "./repo.js";

export interface StagedOptions extends PathFilter {
  /** Folder inside the repository (default: process.cwd()). */
  cwd?: string;
  /** Environment for git (default: process.env). Inside a hook it carries GIT_INDEX_FILE. */
  env?: NodeJS.ProcessEnv;
  /** Staged files larger than this are skipped with a notice (default 50 MiB). */
  maxFileSize?: number;
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

function touches(f: Finding, ranges: [number, number][]): boolean {
  return ranges.some(([a, b]) => f.line <= b && f.endLine >= a);
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
    const files = collector.files.filter((f) => f.added.length && keep(f.path));
    cat.request(files.map((f) => f.blob));
    const maxSize = checkedMaxFileSize(options.maxFileSize);
    for (const file of files) {
      const obj = await cat.read(maxSize);
      if ("missing" in obj) {
        onNotice?.({ path: file.path, reason: `staged object ${obj.oid.slice(0, 12)} is missing`, incomplete: true });
        continue;
      }
      const found: Finding[] = [];
      const session = scanner.session({ path: file.path }, (f) => {
        if (touches(f, file.added)) found.push(f);
      });
      if ("skipped" in obj) {
        // Over the limit, a text blob is streamed to its end: a size limit must never let a secret into a commit.
        const streamed = await streamBlob(obj.oid, { cwd, env }, (chunk) => session.push(chunk));
        if (!streamed) {
          onNotice?.({ path: file.path, reason: `not scanned: binary file of ${obj.size} bytes is over the maximum file size of ${maxSize} (exclude it, or raise maxFileSize)`, incomplete: true });
          continue;
        }
        if (summary) {
          summary.files++;
          summary.bytes += obj.size;
        }
      } else {
        const { data } = textForScan(obj.content);
        if (summary) {
          summary.files++;
          summary.bytes += data.length;
        }
        session.push(data);
      }
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

/**
 * Streams one blob through the text module into `push`; false (and nothing pushed) when it is binary
 * from its first bytes, which over the size limit is not scanned (see startsAsText).
 */
async function streamBlob(oid: string, options: { cwd: string; env?: NodeJS.ProcessEnv }, push: (chunk: Buffer) => void): Promise<boolean> {
  const args = ["cat-file", "blob", oid];
  const proc = startGit(args, options);
  proc.child.stdin.end();
  const decoder = new TextDecoder();
  let finished = false;
  let head: Buffer[] | undefined = [];
  try {
    for await (const chunk of proc.stdout) {
      if (head) {
        head.push(chunk);
        const seen = Buffer.concat(head);
        if (seen.length < SNIFF_BYTES) continue;
        head = undefined;
        if (!startsAsText(seen)) return false;
        decoder.push(seen).forEach(push);
        continue;
      }
      decoder.push(chunk).forEach(push);
    }
    if (head && !startsAsText(Buffer.concat(head))) return false;
    if (head) decoder.push(Buffer.concat(head)).forEach(push);
    decoder.end().forEach(push);
    const { code, stderr } = await proc.done;
    finished = true;
    if (code !== 0) throw new GitFailure(args, code, stderr);
    return true;
  } finally {
    if (!finished) proc.child.kill();
  }
}
