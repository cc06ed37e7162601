// File names are bytes on POSIX systems. A name that is not valid UTF-8 (a Latin-1 "\xdcberweisung.env")
// is opened by its bytes and shown with each byte that is not part of a valid UTF-8 sequence
// escaped as \xNN, so it is never confused with a valid name nor turned into U+FFFD.

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
function sequenceAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const c1 = b[i + 1] ?? 0;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f)) return 0;
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const c1 = b[i + 1] ?? 0;
    if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceAt(bytes, i);
    if (!n) return false;
    i += n;
  }
  return true;
}

/** A name's bytes as text to show: valid UTF-8 as is, other bytes as \xNN. */
export function displayName(bytes: Uint8Array): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceAt(bytes, i);
    if (n) {
      i += n;
      continue;
    }
    out += Buffer.from(bytes.subarray(from, i)).toString("utf8") + `\\x${bytes[i]!.toString(16).toUpperCase().padStart(2, "0")}`;
    i++;
    from = i;
  }
  return out + Buffer.from(bytes.subarray(from)).toString("utf8");
}
