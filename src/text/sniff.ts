// What a file's first bytes say about how to read it: a byte-order mark, UTF-16 without one, binary
// (a NUL byte) or UTF-8 (which includes invalid UTF-8: legacy Latin-1 code is text, and its ASCII
// keys are found as they are).

export type TextEncoding = "utf8" | "utf16le" | "utf16be" | "binary";

export interface Sniffed {
  encoding: TextEncoding;
  /** Bytes of byte-order mark at the start (dropped before scanning). */
  bom: number;
}

/** How much of a file's start decides its encoding. */
export const SNIFF_BYTES = 8192;

const isTextAscii = (b: number): boolean => b === 9 || b === 10 || b === 13 || (b >= 0x20 && b < 0x7f);

/**
 * UTF-16 without a byte-order mark, recognised the way Windows tools write it: most code units of
 * Latin text have a zero high byte. Both halves must hold: the zero bytes sit on one side only, and
 * the other side is printable ASCII — a table of small 16-bit integers in a binary fails the second.
 */
function utf16WithoutBom(head: Buffer): "utf16le" | "utf16be" | undefined {
  const pairs = Math.floor(Math.min(head.length, SNIFF_BYTES) / 2);
  if (pairs < 2) return undefined;
  let zeroLow = 0;
  let zeroHigh = 0;
  let asciiLe = 0;
  let asciiBe = 0;
  for (let i = 0; i < pairs; i++) {
    const a = head[2 * i]!;
    const b = head[2 * i + 1]!;
    if (a === 0) zeroLow++;
    if (b === 0) zeroHigh++;
    if (b === 0 && isTextAscii(a)) asciiLe++;
    if (a === 0 && isTextAscii(b)) asciiBe++;
  }
  const mostly = (n: number) => n >= pairs * 0.6;
  const rarely = (n: number) => n <= pairs * 0.02;
  if (mostly(zeroHigh) && rarely(zeroLow) && asciiLe >= zeroHigh * 0.95) return "utf16le";
  if (mostly(zeroLow) && rarely(zeroHigh) && asciiBe >= zeroLow * 0.95) return "utf16be";
  return undefined;
}

/** The encoding of a file from its first bytes (`head`: up to SNIFF_BYTES, or the whole file if shorter). */
export function sniff(head: Buffer): Sniffed {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: "utf8", bom: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf16le", bom: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf16be", bom: 2 };
  const window = head.subarray(0, SNIFF_BYTES);
  if (!window.includes(0)) return { encoding: "utf8", bom: 0 };
  const utf16 = utf16WithoutBom(window);
  return { encoding: utf16 ?? "binary", bom: 0 };
}

/**
 * Whether input begins as text: its encoding is text, or at least one whole line of text comes
 * before its first NUL (a dump's header before binary data). A file over the size limit that
 * starts as text is streamed to its end; one that is binary from its first bytes is not.
 */
export function startsAsText(head: Buffer): boolean {
  if (sniff(head).encoding !== "binary") return true;
  const nul = head.indexOf(0);
  const nl = head.subarray(0, nul).indexOf(10);
  if (nl < 1) return false;
  for (let i = 0; i < nl; i++) {
    const b = head[i]!;
    if (b < 0x20 ? b !== 9 && b !== 13 : b === 0x7f) return false;
  }
  return true;
}
