// Scans the lines a patch adds, file by file: the added lines of one file are fed to one engine
// session as a contiguous text (so a PEM block added in one piece is seen whole), and every finding
// is mapped back from its line in that text to its line in the new file.
import picomatch from "picomatch";
import { deriveFinding } from "../../finding/secret-store.js";
import type { Scanner, ScannerSession } from "../../scanner.js";
import type { Finding } from "../../types.js";
import type { CommitInfo, FileHeader, PatchEvents } from "./patch-parser.js";
import { TextDecoder } from "../../text/index.js";

/** Added text is handed to the engine in pieces of about this size; memory holds one piece per file. */
const PIECE = 256 * 1024;
const NL = Buffer.from("\n");

export interface PathFilter {
  include?: readonly string[];
  exclude?: readonly string[];
}

export function pathFilter(f: PathFilter): (path: string) => boolean {
  const include = f.include?.length ? picomatch([...f.include], { dot: true }) : undefined;
  const exclude = f.exclude?.length ? picomatch([...f.exclude], { dot: true }) : undefined;
  return (p) => (!include || include(p)) && !exclude?.(p);
}

export interface AddedLineStats {
  commits: number;
  files: number;
  bytes: number;
  binary: number;
}

/** Maps line numbers of the concatenated added text back to the new file, run by run. */
class LineMap {
  /** Pairs (first line in the added text, its line in the file), one per run of consecutive lines. */
  private runs: number[] = [];
  private nextText = 1;
  private lastFile = -2;

  add(fileLine: number): void {
    if (fileLine !== this.lastFile + 1) this.runs.push(this.nextText, fileLine);
    this.lastFile = fileLine;
    this.nextText++;
  }

  toFile(textLine: number): number {
    const r = this.runs;
    let lo = 0;
    let hi = r.length / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (r[mid * 2]! <= textLine) lo = mid;
      else hi = mid - 1;
    }
    return r[lo * 2 + 1]! + (textLine - r[lo * 2]!);
  }
}

export class AddedLineScanner implements PatchEvents {
  private commitInfo: CommitInfo | undefined;
  private file: FileHeader | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The added text as the engine should see it (src/text): UTF-16 decoded, binary as printable runs. */
  private decoder = new TextDecoder();
  private map = new LineMap();
  private session: ScannerSession | undefined;
  private readonly keepPath: (p: string) => boolean;
  readonly stats: AddedLineStats = { commits: 0, files: 0, bytes: 0, binary: 0 };

  constructor(
    private readonly scanner: Scanner,
    private readonly emit: (f: Finding) => void,
    filter: PathFilter = {},
    private readonly onCommit?: (c: CommitInfo, stats: AddedLineStats) => void,
  ) {
    this.keepPath = pathFilter(filter);
  }

  commit(info: CommitInfo): void {
    this.commitInfo = info;
    this.stats.commits++;
    this.onCommit?.(info, this.stats);
  }

  fileStart(file: FileHeader): void {
    this.file = this.keepPath(file.path) ? file : undefined;
    this.pending = [];
    this.pendingBytes = 0;
    this.decoder = new TextDecoder();
    this.map = new LineMap();
    this.session = undefined;
  }

  added(line: Buffer, lineNumber: number): void {
    if (!this.file) return;
    this.map.add(lineNumber);
    this.pending.push(line, NL);
    this.pendingBytes += line.length + 1;
    if (this.pendingBytes >= PIECE) this.flush();
  }

  fileEnd(): void {
    if (!this.file) return;
    this.flush();
    this.send(this.decoder.end());
    if (this.decoder.binary) this.stats.binary++;
    if (this.session) {
      this.session.end();
      this.stats.files++;
    }
    this.file = undefined;
    this.session = undefined;
    this.pending = [];
  }

  private flush(): void {
    if (!this.file || this.pendingBytes === 0) return;
    const piece = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.stats.bytes += piece.length;
    this.send(this.decoder.push(piece));
  }

  private send(text: Buffer[]): void {
    if (!this.file || !text.length) return;
    if (!this.session) {
      const c = this.commitInfo;
      const map = this.map;
      const target = { path: this.file.path, ...(c && { commit: c.commit, author: c.author, date: c.date }) };
      this.session = this.scanner.session(target, (f) => this.emit(deriveFinding(f, { line: map.toFile(f.line), endLine: map.toFile(f.endLine) })));
    }
    for (const t of text) this.session.push(t);
  }
}
