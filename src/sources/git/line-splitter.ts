// Splits a byte stream into lines without copying: each line is a range of the chunk it came from
// (a buffer and two offsets, not a view: a view per line was a visible allocation of a history
// scan), except a line that straddles chunks, which is joined once when its end arrives (so a
// minified multi-megabyte line costs one copy, not one per chunk).

export class LineSplitter {
  private carry: Buffer[] = [];

  /** `separator`: the byte that ends a record ("\n"; NUL for git's -z output). */
  constructor(private readonly separator = 10) {}

  /** Calls `onLine` for every complete record in `chunk`: bytes [start, end) of `buf`, without the separator. */
  push(chunk: Buffer, onLine: (buf: Buffer, start: number, end: number) => void): void {
    let start = 0;
    if (this.carry.length) {
      const nl = chunk.indexOf(this.separator);
      if (nl === -1) {
        this.carry.push(chunk);
        return;
      }
      this.carry.push(chunk.subarray(0, nl));
      const joined = Buffer.concat(this.carry);
      onLine(joined, 0, joined.length);
      this.carry = [];
      start = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(this.separator, start);
      if (nl === -1) break;
      onLine(chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) this.carry.push(chunk.subarray(start));
  }

  /** The last line, when the stream did not end with "\n". */
  end(onLine: (buf: Buffer, start: number, end: number) => void): void {
    if (this.carry.length) {
      const joined = Buffer.concat(this.carry);
      onLine(joined, 0, joined.length);
    }
    this.carry = [];
  }
}
