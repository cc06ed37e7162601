// The lines a patch adds, file by file, as scan units: the added lines of one file in one commit are
// one text (so a PEM block added in one piece is seen whole), with a line mapping from that text back
// to the new file. The text module reads it like any unit's bytes (UTF-16 decoded, binary as its
// printable runs): a NUL in a committed file cannot hide a key.
import type { Scope, ScanUnit } from "../source.js";
import { sniff } from "../../text/index.js";
import type { CommitInfo, FileHeader, PatchEvents } from "./patch-parser.js";

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
