// Names that are column headers: a CSV/TSV header row, or the column list of an SQL INSERT. The
// values are that column's cells in the rows below (any distance within GRAMMAR_AFTER) or in the
// VALUES tuples. Each row is read once, left to right, so the work is linear in the bytes read.
import { CR, DQ, LF, SQ, isHSpace, isQuote, isSpace, isWordChar, lineEnd, lineStart, skipSpace, startsWithLower } from "./bytes.js";
import type { Span } from "./values.js";
import { INLINE_LOOKBACK } from "../inline-allow.js";

/** How far below a header rows are read, and how many at most. */
const MAX_ROWS_BYTES = 64 * 1024;
const MAX_ROWS = 5000;
const MAX_LINE = 8192;

interface NameSpan {
  start: number;
  end: number;
  outerStart: number;
  outerEnd: number;
}

const DELIMITERS = [0x2c, 0x3b, 0x09, 0x7c];

/** A header field: an identifier-like word, optionally quoted, with spaces allowed inside. */
function isHeaderField(b: Buffer, s: number, e: number): boolean {
  while (s < e && isHSpace(b[s])) s++;
  while (e > s && isHSpace(b[e - 1])) e--;
  if (isQuote(b[s]) && b[e - 1] === b[s] && e - s >= 2) {
    s++;
    e--;
  }
  if (e <= s || e - s > 64) return false;
  const first = b[s]!;
  if (!((first | 0x20) >= 0x61 && (first | 0x20) <= 0x7a) && first !== 0x5f) return false;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (!(isWordChar(c) || c === 0x20 || c === 0x2d || c === 0x2e)) return false;
  }
  return true;
}

/** Cells of one delimited line starting at `p`: spans (quotes stripped) and where the line ends. */
function cells(b: Buffer, p: number, d: number, limit: number): { spans: Span[]; next: number } | undefined {
  const spans: Span[] = [];
  const stop = Math.min(b.length, p + MAX_LINE, limit);
  let i = p;
  for (;;) {
    let s = i;
    let e: number;
    if (b[i] === DQ) {
      // "…" with "" inside, on one line.
      i++;
      s = i;
      while (i < stop && !(b[i] === DQ && b[i + 1] !== DQ) && b[i] !== LF) i += b[i] === DQ ? 2 : 1;
      if (b[i] !== DQ) return undefined;
      e = i;
      i++;
      while (i < stop && b[i] !== d && b[i] !== LF) i++;
    } else {
      while (i < stop && b[i] !== d && b[i] !== LF) i++;
      e = i;
      if (e > s && b[e - 1] === CR) e--;
    }
    spans.push(trim(b, s, e));
    if (i >= stop) return i >= b.length || i >= limit ? { spans, next: i } : undefined;
    if (b[i] === LF) return { spans, next: i + 1 };
    i++;
  }
}

/** The first byte that is not a space or tab from `p` on (step 1) or before `p` (step −1); −1 at the edge. */
function nextOver(b: Buffer, p: number, step: 1 | -1): number {
  let i = step === 1 ? p : p - 1;
  while (i >= 0 && i < b.length && isHSpace(b[i])) i += step;
  return i >= 0 && i < b.length ? b[i]! : -1;
}

function trim(b: Buffer, s: number, e: number): Span {
  while (s < e && isHSpace(b[s])) s++;
  while (e > s && isHSpace(b[e - 1])) e--;
  return { start: s, end: e };
}

/** The column's cells below a header row that holds the name, or [] when the line is no header. */
function csvColumn(b: Buffer, name: NameSpan): Span[] {
  // A header field sits next to a delimiter; most names (code's `token = …`) do not, and are
  // dismissed before their line is looked for, which can be long in minified code.
  if (!DELIMITERS.includes(nextOver(b, name.outerStart, -1)) && !DELIMITERS.includes(nextOver(b, name.outerEnd, 1))) return [];
  const ls = lineStart(b, name.outerStart, 4096);
  if (ls < 0) return [];
  const le = lineEnd(b, name.outerEnd, MAX_LINE);
  if (le < 0) return [];
  let fs = name.outerStart;
  let fe = name.outerEnd;
  while (fs > ls && isHSpace(b[fs - 1])) fs--;
  while (fe < le && isHSpace(b[fe])) fe++;
  const before = fs > ls ? b[fs - 1] : undefined;
  const after = fe < le ? b[fe] : undefined;
  const d = before ?? after;
  if (d === undefined || !DELIMITERS.includes(d) || (after !== undefined && after !== d) || (before !== undefined && before !== d)) return [];
  // Every field of the row must read as a column name, or it is a data row or code.
  const header = cells(b, ls, d, le + 1);
  if (!header || header.spans.length < 2) return [];
  let column = -1;
  for (const [k, s] of header.spans.entries()) {
    if (!isHeaderField(b, s.start, s.end)) return [];
    if (s.start <= name.start && name.end <= s.end) column = k;
  }
  if (column < 0) return [];
  const out: Span[] = [];
  const limit = Math.min(b.length, header.next + MAX_ROWS_BYTES);
  let p = header.next;
  for (let rows = 0; rows < MAX_ROWS && p < limit; rows++) {
    const row = cells(b, p, d, limit);
    if (!row) break;
    const cell = row.spans[column];
    if (cell && cell.end > cell.start && row.spans.length === header.spans.length) out.push(cell);
    p = row.next;
  }
  return out;
}

/** A byte of an SQL column list other than its commas: names, spaces, and the quoting of names ("", ``, [], a.b). */
function isColumnListByte(c: number | undefined): boolean {
  return isWordChar(c) || isSpace(c) || c === DQ || c === 0x60 || c === 0x5b || c === 0x5d || c === 0x2e;
}

/**
 * Whether `INSERT INTO <table>` ends just before the column list's "(" at `open`: spaces and the
 * table's name are read down to `stop`, the keyword "into" down to `floor`.
 */
function followsInsertInto(b: Buffer, open: number, stop: number, floor: number): boolean {
  let j = open - 1;
  while (j >= stop && isSpace(b[j])) j--;
  while (j >= stop && (isWordChar(b[j]) || b[j] === 0x2e || b[j] === DQ || b[j] === 0x60 || b[j] === 0x5b || b[j] === 0x5d)) j--;
  while (j >= stop && isSpace(b[j])) j--;
  return j - 3 >= floor && startsWithLower(b, j - 3, "into");
}

/** `INSERT INTO t (a, b, pan) VALUES (…, …, '…'), (…)`: the column's values in every tuple. */
function sqlColumn(b: Buffer, name: NameSpan): Span[] {
  // Back to the column list's "(" over names, commas and quoting.
  const stop = Math.max(0, name.outerStart - 1024);
  let i = name.outerStart - 1;
  let column = 0;
  for (; i >= stop; i--) {
    const c = b[i]!;
    if (c === 0x28) break;
    if (c === 0x2c) column++;
    else if (!isColumnListByte(c)) return [];
  }
  if (i < stop) return [];
  if (!followsInsertInto(b, i, stop, 0)) return [];
  // Forward to the list's ")" and VALUES.
  let k = name.outerEnd;
  const fwd = Math.min(b.length, k + 4096);
  while (k < fwd && b[k] !== 0x29) {
    if (!(isColumnListByte(b[k]) || b[k] === 0x2c)) return [];
    k++;
  }
  k = skipSpace(b, k + 1);
  if (!startsWithLower(b, k, "values")) return [];
  k = skipSpace(b, k + 6);
  const out: Span[] = [];
  const limit = Math.min(b.length, k + MAX_ROWS_BYTES);
  for (let rows = 0; rows < MAX_ROWS && b[k] === 0x28; rows++) {
    const tuple = sqlTuple(b, k + 1, limit);
    if (!tuple) break;
    const cell = tuple.spans[column];
    if (cell && cell.end > cell.start) out.push(cell);
    k = skipSpace(b, tuple.next);
    if (b[k] !== 0x2c) break;
    k = skipSpace(b, k + 1);
  }
  return out;
}

/** One VALUES tuple's fields from just after its "(": quoted strings ('' escapes) or bare literals. */
function sqlTuple(b: Buffer, p: number, limit: number): { spans: Span[]; next: number } | undefined {
  const spans: Span[] = [];
  let i = p;
  for (;;) {
    i = skipSpace(b, i);
    if (i >= limit) return undefined;
    let s: number;
    let e: number;
    if (b[i] === SQ || b[i] === DQ) {
      const q = b[i]!;
      s = ++i;
      while (i < limit && !(b[i] === q && b[i + 1] !== q)) i += b[i] === q ? 2 : 1;
      if (i >= limit) return undefined;
      e = i++;
    } else {
      s = i;
      while (i < limit && b[i] !== 0x2c && b[i] !== 0x29 && b[i] !== LF) i++;
      e = i;
    }
    spans.push(trim(b, s, e));
    i = skipSpace(b, i);
    if (b[i] === 0x2c) {
      i++;
      continue;
    }
    if (b[i] === 0x29) return { spans, next: i + 1 };
    return undefined;
  }
}

/** Values of the column the name heads, CSV first, else SQL; [] when the name heads no column. */
export function tablePairs(b: Buffer, name: NameSpan): Span[] {
  const csv = csvColumn(b, name);
  return csv.length ? csv : sqlColumn(b, name);
}

/**
 * Back from `p` over the fields of an SQL tuple to its "(": where it opens and how many commas
 * precede `p` in it, or undefined when `p` is not inside a tuple. Quotes are paired going backwards
 * too (SQL's '' escape pairs as two quotes), so a comma or a parenthesis inside a string is text.
 */
function tupleOpenBefore(b: Buffer, p: number, stop: number): { open: number; commas: number } | undefined {
  let commas = 0;
  let quote = 0;
  for (let i = p - 1; i >= stop; i--) {
    const c = b[i]!;
    if (quote) {
      if (c === quote) quote = 0;
      continue;
    }
    if (c === SQ || c === DQ) quote = c;
    else if (c === 0x2c) commas++;
    else if (c === 0x28) return { open: i, commas };
    // A ")" or ";" before any "(": the end of another tuple or statement (or a call inside this
    // tuple, which is not read), so `p` is in no tuple this reads.
    else if (c === 0x29 || c === 0x3b) return undefined;
  }
  return undefined;
}

/**
 * The column a cell of an `INSERT INTO t (a, b, c) VALUES (…), (…)` tuple belongs to, read back from
 * the cell at `start` (within INLINE_LOOKBACK bytes, what every window keeps before it: a far-off header is not guessed): "b" for the
 * second field of any tuple. The reverse of sqlColumn, for judging a value found by its shape (a
 * card number under `card_id` is an identifier).
 */
export function sqlColumnOfCell(b: Buffer, start: number): string | undefined {
  const stop = Math.max(0, start - INLINE_LOOKBACK);
  let cell = start;
  // A quoted cell: from its opening quote.
  if (cell > 0 && (b[cell - 1] === SQ || b[cell - 1] === DQ)) cell--;
  const own = tupleOpenBefore(b, cell, stop);
  if (!own) return undefined;
  // Back over earlier tuples ("), (") to VALUES.
  let i = own.open - 1;
  for (;;) {
    while (i >= stop && isSpace(b[i])) i--;
    if (i < stop) return undefined;
    if (b[i] !== 0x2c) break;
    i--;
    while (i >= stop && isSpace(b[i])) i--;
    if (b[i] !== 0x29) return undefined;
    const prev = tupleOpenBefore(b, i, stop);
    if (!prev) return undefined;
    i = prev.open - 1;
  }
  if (!(i - 5 >= stop && startsWithLower(b, i - 5, "values") && !isWordChar(b[i - 6]))) return undefined;
  i -= 6;
  while (i >= stop && isSpace(b[i])) i--;
  if (b[i] !== 0x29) return undefined;
  // The column list: names, commas and quoting only.
  const close = i;
  let open = close - 1;
  while (open >= stop && b[open] !== 0x28) {
    if (!(isColumnListByte(b[open]) || b[open] === 0x2c)) return undefined;
    open--;
  }
  // Nothing before `stop`: a window keeps no more than that before a match.
  if (open < stop || !followsInsertInto(b, open, stop, stop)) return undefined;
  const names = b.toString("latin1", open + 1, close).split(",");
  const name = names[own.commas]?.trim().replace(/^["`[]|["`\]]$/g, "");
  return name || undefined;
}
