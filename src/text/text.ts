// The one place that turns a file's bytes into what the engine scans, for every source (files,
// stdin, the index, history blobs, archive entries, image layers): byte-order marks dropped, UTF-16
// of either byte order (with or without a mark, of any length) decoded to UTF-8, and binary content
// reduced to its printable runs — never skipped, since a NUL byte must not hide a key and keys
// compiled into apps are real leaks. Whole buffers and streams give the same bytes; a stream is
// decoded chunk by chunk in flat memory, whatever its size.
import { PrintableRuns } from "./printable.js";
import { sniff, SNIFF_BYTES, type TextEncoding } from "./sniff.js";
import { Utf16Decoder } from "./utf16.js";

export type { TextEncoding } from "./sniff.js";
export { sniff, startsAsText, SNIFF_BYTES } from "./sniff.js";

export interface ScanText {
  /** The bytes to scan (the input itself when it needed no change). */
  data: Buffer;
  encoding: TextEncoding;
  /** Some of it was binary: control bytes became separators (line numbers still count the file's lines). */
  binary: boolean;
}

/**
 * A streaming decoder: feed chunks, get the bytes to scan. The first SNIFF_BYTES are held back
 * until the encoding is known. Text that turns binary later (a header, then NULs) is reduced to its
 * printable runs from its first NUL on.
 */
export class TextDecoder {
  private head: Buffer[] = [];
  private headBytes = 0;
  private utf16: Utf16Decoder | undefined;
  private runs: PrintableRuns | undefined;
  private sniffed: TextEncoding | undefined;

  /** Known once the first SNIFF_BYTES (or the whole input) have been seen. */
  get encoding(): TextEncoding | undefined {
    return this.sniffed;
  }

  /** True once any control byte was turned into a separator. */
  get binary(): boolean {
    return this.runs !== undefined;
  }

  push(chunk: Buffer): Buffer[] {
    if (this.sniffed === undefined) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < SNIFF_BYTES) return [];
      return this.start();
    }
    return this.decode(chunk);
  }

  end(): Buffer[] {
    const out = this.sniffed === undefined ? this.start() : [];
    if (this.utf16) out.push(...this.guard(this.utf16.end()));
    return out.filter((b) => b.length > 0);
  }

  private start(): Buffer[] {
    const all = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head);
    this.head = [];
    const { encoding, bom } = sniff(all);
    this.sniffed = encoding;
    if (encoding === "utf16le" || encoding === "utf16be") this.utf16 = new Utf16Decoder(encoding);
    if (encoding === "binary") this.runs = new PrintableRuns();
    return this.decode(all.subarray(bom));
  }

  private decode(chunk: Buffer): Buffer[] {
    return this.guard(this.utf16 ? this.utf16.push(chunk) : chunk).filter((b) => b.length > 0);
  }

  /** Text passes as is up to its first NUL; from there on, printable runs. */
  private guard(text: Buffer): Buffer[] {
    if (this.runs) return [this.runs.push(text)];
    const nul = text.indexOf(0);
    if (nul < 0) return [text];
    this.runs = new PrintableRuns();
    return [text.subarray(0, nul), this.runs.push(text.subarray(nul))];
  }
}

/** A whole buffer as the engine should see it; the same bytes a TextDecoder gives for it in any chunks. */
export function textForScan(data: Buffer): ScanText {
  const { encoding, bom } = sniff(data);
  // The common case costs one native search for NUL and no copy.
  if (encoding === "utf8" && data.indexOf(0) < 0) return { data: bom ? data.subarray(bom) : data, encoding, binary: false };
  const d = new TextDecoder();
  const parts = [...d.push(data), ...d.end()];
  return { data: parts.length === 1 ? parts[0]! : Buffer.concat(parts), encoding, binary: d.binary };
}

/** A byte stream as the engine should see it, decoded as it is read. */
export async function* textStream(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
  const d = new TextDecoder();
  for await (const chunk of chunks) yield* d.push(chunk);
  yield* d.end();
}
