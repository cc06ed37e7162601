// A push parser for the unified and combined (`--cc`) patches that `git diff` and `git log -p` print.
// It reports, per file, the lines the change adds with their line numbers in the new file; it keeps
// no file content. Commit headers are recognised by a leading NUL, which no patch line can start with
// (the log format we ask for begins with %x00).
import { headerPath } from "./quoted-path.js";

export interface CommitInfo {
  commit: string;
  parents: string[];
  /** "Name <email>". */
  author: string;
  /** Author date, ISO 8601 with offset. */
  date: string;
}

export interface FileHeader {
  /** Path in the new tree, relative to the repository root, `/`-separated. */
  path: string;
  /** Object id of the new blob when git printed one (`--full-index` makes it complete). */
  blob?: string;
}

export interface PatchEvents {
  commit?(info: CommitInfo): void;
  /** A file with at least one hunk starts; `added` calls for it follow. */
  fileStart(file: FileHeader): void;
  /**
   * A line in the new file that no parent has: bytes [start, end) of `buf`, without the diff prefix
   * and the "\n". `buf` is git's output and is reused: what is kept must be copied.
   */
  added(buf: Buffer, start: number, end: number, lineNumber: number): void;
  fileEnd(): void;
}

/** The `--format` for `git log` that this parser understands. */
export const LOG_FORMAT = "--format=%x00%H%x00%P%x00%aN <%aE>%x00%aI";

const DIFF = Buffer.from("diff ");
const PLUS3 = Buffer.from("+++ ");
const INDEX = Buffer.from("index ");

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

export class PatchParser {
  /** Inside a file's header (between `diff …` and its first hunk). */
  private header: { path?: string; blob?: string; deleted: boolean } | undefined;
  private inFile = false;
  /** Number of parent columns in the current hunk (1 for plain diffs, n for `--cc` of n parents). */
  private columns = 1;
  private inHunk = false;
  private next = 0;

  constructor(private readonly on: PatchEvents) {}

  /** One line of the patch: bytes [start, end) of `buf`, without its "\n". */
  line(buf: Buffer, start = 0, end = buf.length): void {
    const c = start < end ? buf[start] : undefined;
    if (this.inHunk) {
      // Hunk bodies hold only lines starting with '+', '-', ' ' or '\' ("\ No newline at end of file").
      if (c === 0x2b || c === 0x2d || c === 0x20) {
        this.hunkLine(buf, start, end);
        return;
      }
      if (c === 0x5c) return;
      this.inHunk = false;
    }
    // Hunk headers (one per change with -U0) are read in place; of the other header lines only
    // commits, `diff`, `+++` and `index` lines mean anything, and only they get a view of their own.
    if (c === 0x40 /* @ */) {
      this.hunkHeader(buf, start, end);
      return;
    }
    if (c !== 0 && c !== 0x64 && c !== 0x2b && c !== 0x69) return;
    this.headerLine(start === 0 && end === buf.length ? buf : buf.subarray(start, end), c);
  }

  /** A commit, `diff`, `+++` or `index` line. */
  private headerLine(line: Buffer, c: number | undefined): void {
    if (c === 0) {
      this.endFile();
      this.header = undefined;
      this.on.commit?.(parseCommit(line));
      return;
    }
    if (c === 0x64 /* d */ && startsWith(line, DIFF)) {
      this.endFile();
      this.header = { deleted: false };
      return;
    }
    const h = this.header;
    if (!h) return;
    if (c === 0x2b && startsWith(line, PLUS3)) {
      const field = line.subarray(4);
      if (field.toString("latin1") === "/dev/null") h.deleted = true;
      else h.path = headerPath(field, "b/");
      return;
    }
    if (c === 0x69 && startsWith(line, INDEX)) {
      // "index <old>..<new> <mode>" or, for merges, "index <p1>,<p2>..<new>".
      const m = /\.\.([0-9a-f]+)/.exec(line.toString("latin1"));
      if (m) h.blob = m[1];
    }
  }

  /** Call at the end of input. */
  end(): void {
    this.endFile();
    this.header = undefined;
  }

  private hunkHeader(buf: Buffer, start: number, end: number): void {
    let at = start;
    while (at < end && buf[at] === 0x40) at++;
    // "@@ -a,b +c,d @@" or, for n parents, n+1 '@' and n "-" ranges.
    const range = newRange(buf, start, end);
    if (at - start < 2 || !range) return;
    this.columns = at - start - 1;
    this.next = range.start;
    if (range.count === 0) return; // a pure deletion adds nothing
    this.inHunk = true;
    if (!this.inFile) {
      const h = this.header;
      if (!h || h.deleted || h.path === undefined) return void (this.inHunk = false);
      this.inFile = true;
      this.on.fileStart({ path: h.path, ...(h.blob !== undefined && { blob: h.blob }) });
    }
  }

  private hunkLine(buf: Buffer, start: number, end: number): void {
    const n = this.columns;
    let added = true;
    for (let i = 0; i < n; i++) {
      const p = start + i < end ? buf[start + i] : undefined;
      if (p === 0x2d) return; // removed relative to some parent: not in the new file
      if (p !== 0x2b) added = false;
    }
    if (added) this.on.added(buf, Math.min(end, start + n), end, this.next);
    this.next++;
  }

  private endFile(): void {
    this.inHunk = false;
    if (this.inFile) {
      this.inFile = false;
      this.on.fileEnd();
    }
  }
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** Digits from `i` (before `limit`): their value and where they end (`end === i` when there are none). */
function digitsAt(line: Buffer, i: number, limit: number): { value: number; end: number } {
  let value = 0;
  let end = i;
  while (end < limit && isDigit(line[end])) value = value * 10 + (line[end++]! - 0x30);
  return { value, end };
}

/**
 * A hunk header's new-file range: the first " +c[,d] @" in the line, read from its bytes (a string
 * and a regex per hunk were a tenth of a history's parsing: -U0 makes a hunk of every change).
 */
export function newRange(line: Buffer, from = 0, to = line.length): { start: number; count: number | undefined } | undefined {
  for (let i = from; i + 1 < to; i++) {
    if (line[i] !== 0x20 || line[i + 1] !== 0x2b) continue;
    const first = digitsAt(line, i + 2, to);
    if (first.end === i + 2) continue;
    let p = first.end;
    let count: number | undefined;
    if (p < to && line[p] === 0x2c) {
      const second = digitsAt(line, p + 1, to);
      if (second.end > p + 1) {
        count = second.value;
        p = second.end;
      }
    }
    if (p + 1 < to && line[p] === 0x20 && line[p + 1] === 0x40) return { start: first.value, count };
  }
  return undefined;
}

function parseCommit(line: Buffer): CommitInfo {
  const [, commit = "", parents = "", author = "", date = ""] = line.toString("utf8").split("\0");
  return { commit, parents: parents ? parents.split(" ") : [], author, date };
}
