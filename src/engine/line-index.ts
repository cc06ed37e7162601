// Line and column from absolute byte offsets, computed only where a finding is, never per line of input.
// Columns count UTF-16 code units (what editors, SARIF's default and GitHub use), 1-based.
import { isAscii } from "node:buffer";

/** UTF-16 code units encoded by bytes[from, to): additive over any split, even of invalid UTF-8. */
function utf16Units(bytes: Uint8Array, from: number, to: number): number {
  // ASCII (nearly all code) is one unit a byte, checked natively: a long line is counted only once,
  // but a 100 MB one-line file would otherwise be a byte loop in JavaScript.
  if (isAscii(bytes.subarray(from, to))) return to - from;
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

interface Cursor {
  /** Absolute offset the cursor stands at. */
  pos: number;
  /** 1-based line at pos. */
  line: number;
  /** Code units between the start of that line and pos. */
  units: number;
}

export class LineIndex {
  private checkpoint: Cursor = { pos: 0, line: 1, units: 0 };
  private cursor: Cursor = { pos: 0, line: 1, units: 0 };

  /** Position of `abs` (which must be within the retained `data` starting at absolute `base`). */
  locate(abs: number, data: Buffer, base: number): { line: number; column: number } {
    if (abs < this.cursor.pos) this.cursor = { ...this.checkpoint };
    this.cursor = advance(this.cursor, abs, data, base);
    return { line: this.cursor.line, column: this.cursor.units + 1 };
  }

  /** Called before bytes below `abs` are dropped from the retained data. */
  forget(abs: number, data: Buffer, base: number): void {
    if (abs <= this.checkpoint.pos) return;
    this.checkpoint = advance(this.cursor.pos <= abs && this.cursor.pos >= this.checkpoint.pos ? this.cursor : this.checkpoint, abs, data, base);
    if (this.cursor.pos < this.checkpoint.pos) this.cursor = { ...this.checkpoint };
  }
}

function advance(from: Cursor, to: number, data: Buffer, base: number): Cursor {
  let line = from.line;
  let lastNl = -1;
  let i = from.pos - base;
  const end = to - base;
  for (;;) {
    const nl = data.indexOf(10, i);
    if (nl === -1 || nl >= end) break;
    line++;
    lastNl = nl;
    i = nl + 1;
  }
  const units = lastNl === -1 ? from.units + utf16Units(data, from.pos - base, end) : utf16Units(data, lastNl + 1, end);
  return { pos: to, line, units };
}
