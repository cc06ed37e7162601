// The lines a patch adds, file by file, as scan units: the added lines of one file in one commit are
// one text (so a PEM block added in one piece is seen whole), with a line mapping from that text back
// to the new file. The text module reads it like any unit's bytes (UTF-16 decoded, binary as its
// printable runs): a NUL in a committed file cannot hide a key.
import type { Scope, ScanUnit } from "../source.js";
import { sniff } from "../../text/index.js";
import type { CommitInfo, FileHeader, PatchEvents } from "./patch-parser.js";

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
  /** The current file's added lines so far, in a buffer reused from file to file (copied out at its end). */
  private pending = Buffer.allocUnsafe(64 * 1024);
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
    this.pendingBytes = 0;
    this.map = new LineMap();
  }

  added(buf: Buffer, start: number, end: number, lineNumber: number): void {
    if (!this.file) return;
    this.map.add(lineNumber);
    const need = this.pendingBytes + (end - start) + 1;
    if (need > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.pending.length * 2));
      this.pending.copy(grown, 0, 0, this.pendingBytes);
      this.pending = grown;
    }
    this.pendingBytes += buf.copy(this.pending, this.pendingBytes, start, end);
    this.pending[this.pendingBytes++] = 0x0a;
  }

  fileEnd(): void {
    const file = this.file;
    this.file = undefined;
    if (!file || this.pendingBytes === 0) return;
    const text = Buffer.from(this.pending.subarray(0, this.pendingBytes));
    this.pendingBytes = 0;
    // A file that grew the buffer past a megabyte does not keep it for the rest of the history.
    if (this.pending.length > 1024 * 1024) this.pending = Buffer.allocUnsafe(64 * 1024);
    // Counted for the summary only: binary added text is scanned too.
    if (sniff(text).encoding === "binary") this.stats.binary++;
    this.stats.files++;
    this.stats.bytes += text.length;
    const c = this.commitInfo;
    this.ready.push({
      target: { path: file.path, ...(file.blob !== undefined && { blob: file.blob }), ...(c && { commit: c.commit, author: c.author, date: c.date }) },
      content: { kind: "bytes", data: text },
      lines: this.map,
    });
  }
}
