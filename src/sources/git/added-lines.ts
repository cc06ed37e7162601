// The lines a patch adds, file by file, as scan units: the added lines of one file in one commit are
// one text (so a PEM block added in one piece is seen whole), with a line mapping from that text back
// to the new file. A change whose added text holds a NUL in its first 8 KiB is binary and not a unit.
import type { Scope, ScanUnit } from "../source.js";
import type { CommitInfo, FileHeader, PatchEvents } from "./patch-parser.js";

/** Like `classify` for files: a NUL in the first 8 KiB of what a change adds marks it binary. */
const SNIFF = 8192;
const NL = Buffer.from("\n");

export interface AddedLineStats {
  commits: number;
  files: number;
  bytes: number;
  binary: number;
}

/** Maps line numbers of the concatenated added text back to the new file, run by run. */
export class LineMap {
  /** Pairs (first line in the added text, its line in the file), one per run of consecutive lines. */
  private runs: number[] = [];
  private nextText = 1;
  private lastFile = -2;

  add(fileLine: number): void {
    if (fileLine !== this.lastFile + 1) this.runs.push(this.nextText, fileLine);
    this.lastFile = fileLine;
    this.nextText++;
  }

  toUser(textLine: number): number {
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

/** A patch sink that turns each file's added lines into a unit, pushed to `ready` as the file ends. */
export class AddedLineUnits implements PatchEvents {
  private commitInfo: CommitInfo | undefined;
  private file: FileHeader | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private map = new LineMap();
  readonly stats: AddedLineStats = { commits: 0, files: 0, bytes: 0, binary: 0 };

  constructor(
    private readonly scope: Scope,
    private readonly ready: ScanUnit[],
    private readonly onCommit?: (c: CommitInfo, stats: AddedLineStats) => void,
  ) {}

  commit(info: CommitInfo): void {
    this.commitInfo = info;
    this.stats.commits++;
    this.onCommit?.(info, this.stats);
  }

  fileStart(file: FileHeader): void {
    // Files outside the scope are not even collected (the orchestrator would drop them anyway).
    this.file = this.scope.includes(file.path) ? file : undefined;
    this.pending = [];
    this.pendingBytes = 0;
    this.map = new LineMap();
  }

  added(line: Buffer, lineNumber: number): void {
    if (!this.file) return;
    this.map.add(lineNumber);
    this.pending.push(line, NL);
    this.pendingBytes += line.length + 1;
  }

  fileEnd(): void {
    const file = this.file;
    this.file = undefined;
    if (!file || this.pendingBytes === 0) return;
    const text = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    if (text.subarray(0, SNIFF).includes(0)) {
      this.stats.binary++;
      return;
    }
    this.stats.files++;
    this.stats.bytes += text.length;
    const c = this.commitInfo;
    this.ready.push({
      target: { path: file.path, ...(c && { commit: c.commit, author: c.author, date: c.date }) },
      content: { kind: "bytes", data: text },
      // The binary check is done above, on the added text: it is not a file to classify again.
      encoding: "utf8",
      lines: this.map,
    });
  }
}
