// Byte comparisons the keyword search shares (prefilter, automaton, gate programs): keywords are
// bytes, and case folding is ASCII-only, as in the automaton.

/** ASCII lower case of a byte; other bytes unchanged. */
export function lowerByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/** Whether `data` holds `bytes` at `pos`; with `folded`, after ASCII lower-casing `data` (`bytes` is lower case). */
export function bytesAt(data: Uint8Array, pos: number, bytes: Uint8Array, folded = false): boolean {
  if (pos < 0 || pos + bytes.length > data.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    const b = data[pos + i]!;
    if ((folded ? lowerByte(b) : b) !== bytes[i]) return false;
  }
  return true;
}
