// Byte classes and small bounded scans shared by the assignment grammar's parts. Every scan takes
// a limit, so the grammar's work at one keyword hit is bounded whatever the input holds.

/** Characters of a name: identifiers, dotted paths, kebab and snake case. */
export const NAME_CHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9_.-]/.test(ch)) NAME_CHAR[c] = 1;
}

export const SP = 0x20;
export const TAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const DQ = 0x22;
export const SQ = 0x27;
export const BT = 0x60;
export const BS = 0x5c;

export function isHSpace(c: number | undefined): boolean {
  return c === SP || c === TAB;
}

export function isSpace(c: number | undefined): boolean {
  return c === SP || c === TAB || c === LF || c === CR;
}

export function isQuote(c: number | undefined): boolean {
  return c === DQ || c === SQ || c === BT;
}

export function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));
}

export function isLetter(c: number | undefined): boolean {
  return c !== undefined && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

export function isWordChar(c: number | undefined): boolean {
  return c !== undefined && (isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x5f);
}

/** First index at or after `p` that is not horizontal space, at most `limit` bytes on. */
export function skipHSpace(b: Buffer, p: number, limit = 64): number {
  const end = Math.min(b.length, p + limit);
  while (p < end && isHSpace(b[p])) p++;
  return p;
}

/** Like skipHSpace, also over line breaks. */
export function skipSpace(b: Buffer, p: number, limit = 256): number {
  const end = Math.min(b.length, p + limit);
  while (p < end && isSpace(b[p])) p++;
  return p;
}

/** ASCII case-insensitive comparison of b[p…] with a lower-case literal. */
export function startsWithLower(b: Buffer, p: number, lower: string): boolean {
  if (p < 0 || p + lower.length > b.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = b[p + i]!;
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

// Past this many bytes a line is searched natively (memchr): minified code has lines of kilobytes, and
// a byte loop over one at every keyword hit on it was a visible share of a tree scan.
const NATIVE_SEARCH = 64;

/** Start of the line holding `p`, or -1 when it lies more than `limit` bytes back. */
export function lineStart(b: Buffer, p: number, limit: number): number {
  const stop = Math.max(0, p - limit);
  let i: number;
  if (p - stop > NATIVE_SEARCH) {
    const at = b.subarray(stop, p).lastIndexOf(LF);
    i = at < 0 ? stop : stop + at + 1;
  } else {
    i = p;
    while (i > stop && b[i - 1] !== LF) i--;
  }
  return i === 0 || b[i - 1] === LF ? i : -1;
}

/** End of the line holding `p` (before any CR), or -1 when it lies more than `limit` bytes on. */
export function lineEnd(b: Buffer, p: number, limit: number): number {
  const stop = Math.min(b.length, p + limit);
  let i: number;
  if (stop - p > NATIVE_SEARCH) {
    const at = b.subarray(p, stop).indexOf(LF);
    i = at < 0 ? stop : p + at;
  } else {
    i = p;
    while (i < stop && b[i] !== LF) i++;
  }
  if (i === stop && i < b.length) return -1;
  return i > p && b[i - 1] === CR ? i - 1 : i;
}
