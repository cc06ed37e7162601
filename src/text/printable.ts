// Binary content as the engine should see it: its printable runs. Control bytes (NUL and the other C0
// codes but tab, line feed and carriage return, and DEL) become spaces, so a regex stops at them and
// no secret ever contains one; line feeds stay, so line numbers stay those of the file. A long run of
// control bytes (padding, a file of NULs) gives only its first LONG_RUN spaces: a 2 GiB file of NULs
// is 64 bytes to the engine, and columns stay exact unless such a run precedes on the same line.
// Bytes from 0x80 up are kept: they are UTF-8 text in resources and strings tables.

const LONG_RUN = 64;
const SPACE = 0x20;
/** Zero pages inside a long run are skipped by a native comparison, not a byte loop. */
const ZEROS = Buffer.alloc(4096);

function isControl(b: number): boolean {
  return (b < 0x20 && b !== 9 && b !== 10 && b !== 13) || b === 0x7f;
}

/** Chunk by chunk; the output does not depend on how the input was split. */
export class PrintableRuns {
  /** Length of the run of control bytes the last chunk ended in. */
  private run = 0;

  push(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    let run = this.run;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (isControl(b)) {
        if (run >= LONG_RUN && b === 0 && i + ZEROS.length <= chunk.length && ZEROS.equals(chunk.subarray(i, i + ZEROS.length))) {
          i += ZEROS.length - 1;
          continue;
        }
        if (run++ < LONG_RUN) out[n++] = SPACE;
      } else {
        run = 0;
        out[n++] = b;
      }
    }
    this.run = run;
    return out.subarray(0, n);
  }
}
