/** Splits `data` at the given cut points (taken modulo its length, deduplicated, sorted). */
export function chunked(data: Buffer, cuts: readonly number[]): Buffer[] {
  const bounds = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const b of bounds) {
    chunks.push(data.subarray(prev, b));
    prev = b;
  }
  chunks.push(data.subarray(prev));
  return chunks;
}
