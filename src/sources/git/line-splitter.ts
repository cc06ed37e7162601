// Splits a byte stream into lines without copying: each line is a view into the chunk it came from,
// except a line that straddles chunks, which is joined once when its end arrives (so a minified
// multi-megabyte line costs one copy, not one per chunk).

export class LineSplitter {
  private carry: Buffer[] = [];

  /** `separator`: the byte that ends a record ("\n"; NUL for git's -z output). */
  constructor(private readonly separator = 10) {}

  /** Calls `onLine` for every complete record in `chunk` (without its separator). */
  push(chunk: Buffer, onLine: (line: Buffer) => void): void {
    let start = 0;
    if (this.carry.length) {
      const nl = chunk.indexOf(this.separator);
      if (nl === -1) {
        this.carry.push(chunk);
        return;
      }
      this.carry.push(chunk.subarray(0, nl));
      onLine(Buffer.concat(this.carry));
      this.carry = [];
      start = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(this.separator, start);
      if (nl === -1) break;
      onLine(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) this.carry.push(chunk.subarray(start));
  }

  /** The last line, when the stream did not end with "\n". */
  end(onLine: (line: Buffer) => void): void {
    if (this.carry.length) onLine(Buffer.concat(this.carry));
    this.carry = [];
  }
}
