// UTF-16 (either byte order) to UTF-8, chunk by chunk: a code unit or a surrogate pair split between
// chunks is joined, and an odd byte at the very end is dropped (it cannot be a character) instead of
// failing the read ("Buffer size must be a multiple of 16-bits").
import { StringDecoder } from "node:string_decoder";

export class Utf16Decoder {
  private readonly decoder = new StringDecoder("utf16le");
  /** An odd byte left from the previous chunk. */
  private carry: Buffer | undefined;

  constructor(private readonly order: "utf16le" | "utf16be") {}

  push(chunk: Buffer): Buffer {
    let bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    if (bytes.length % 2) {
      this.carry = Buffer.from(bytes.subarray(bytes.length - 1));
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    if (!bytes.length) return EMPTY;
    // swap16 works in place: big-endian input is copied first, never changed under its owner.
    const le = this.order === "utf16le" ? bytes : Buffer.from(bytes).swap16();
    return Buffer.from(this.decoder.write(le), "utf8");
  }

  /** What is left at the end: a lone surrogate becomes U+FFFD; an odd last byte is dropped. */
  end(): Buffer {
    this.carry = undefined;
    const rest = this.decoder.end();
    return rest ? Buffer.from(rest, "utf8") : EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);
