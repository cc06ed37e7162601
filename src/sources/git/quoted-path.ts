// Paths in git's patch headers: plain, or C-quoted ("a\tb", "na\303\257ve") when they hold a quote,
// a backslash, a control character or (with core.quotePath) a non-ASCII byte.

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** The path named by a header field such as `b/src/x.ts` or `"b/sp\303\244t"`, minus `prefix`. */
export function headerPath(field: Buffer, prefix: string): string | undefined {
  let bytes: Buffer;
  if (field[0] === 0x22 /* " */) {
    const unquoted = unquote(field);
    if (!unquoted) return undefined;
    bytes = unquoted;
  } else {
    // Git appends a tab to unquoted names that contain a space (so `patch` can find the end).
    bytes = field[field.length - 1] === 9 ? field.subarray(0, -1) : field;
  }
  const p = Buffer.from(prefix);
  if (!bytes.subarray(0, p.length).equals(p)) return undefined;
  return bytes.subarray(p.length).toString("utf8");
}

/** Decodes a C-quoted string (with its quotes) into the raw bytes it stands for. */
export function unquote(field: Buffer): Buffer | undefined {
  if (field[0] !== 0x22) return undefined;
  const out: number[] = [];
  for (let i = 1; i < field.length; i++) {
    const c = field[i]!;
    if (c === 0x22) return Buffer.from(out);
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    const e = field[++i];
    if (e === undefined) return undefined;
    if (e >= 0x30 && e <= 0x37) {
      // Three octal digits: one raw byte.
      const oct = field.subarray(i, i + 3).toString("latin1");
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      out.push(parseInt(oct, 8));
      i += 2;
      continue;
    }
    const v = ESCAPES[String.fromCharCode(e)];
    if (v === undefined) return undefined;
    out.push(v);
  }
  return undefined;
}
