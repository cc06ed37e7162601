// Reading one value where the grammar expects it: a quoted string in any of the quote styles code
// uses (including JSON-escaped quotes, backtick templates and Go raw strings, Python/C# prefixes),
// a YAML block scalar, XML element text, or a bare token up to the next delimiter.
import { BS, BT, CR, DQ, LF, SQ, isHSpace, isLetter, isQuote, isSpace, lineEnd, skipHSpace, startsWithLower } from "./bytes.js";

/** Longest value read: JWTs and refresh tokens run to several KB; RE2 checks the rule's shape after. */
export const MAX_VALUE = 16 * 1024;

export interface Span {
  start: number;
  end: number;
}

/** How the name was written, which decides what may end a bare value. */
export interface ValueContext {
  /** Inside a URL query (after `?` or `&`): `&` and `#` end the value. */
  query: boolean;
  /** Percent-encoded surroundings: `%26` ends the value. */
  percent: boolean;
}

/** Authorization schemes written before a credential (`Bearer …`, `Basic …`). */
const SCHEMES = ["bearer ", "basic ", "token ", "bot ", "apikey ", "key="];

function skipScheme(b: Buffer, p: number, end: number): number {
  for (const s of SCHEMES) {
    if (startsWithLower(b, p, s) && p + s.length < end) return skipHSpace(b, p + s.length);
  }
  return p;
}

/** The quote that opens a string at `p` (after an optional r/b/f/u or @/$ prefix): its length and byte. */
function openingQuote(b: Buffer, p: number): { at: number; len: number; quote: number; escaped: boolean } | undefined {
  let q = p;
  // Python r"", b"", f"", rb""; C# @"" and $@""; at most two prefix characters.
  for (let k = 0; k < 2 && (isLetter(b[q]) || b[q] === 0x40 || b[q] === 0x24) && !isQuote(b[q]); k++) {
    const c = b[q]! | 0x20;
    if (c !== 0x72 && c !== 0x62 && c !== 0x66 && c !== 0x75 && b[q] !== 0x40 && b[q] !== 0x24) return undefined;
    q++;
  }
  if (b[q] === BS && (b[q + 1] === DQ || b[q + 1] === SQ)) return { at: q, len: 2, quote: b[q + 1]!, escaped: true };
  if (isQuote(b[q])) return { at: q, len: 1, quote: b[q]!, escaped: false };
  return undefined;
}

/** A quoted string at `p`; its content span, or undefined when there is none or it does not close. */
export function quotedAt(b: Buffer, p: number): Span | undefined {
  const open = openingQuote(b, p);
  if (!open) return undefined;
  const start = open.at + open.len;
  const stop = Math.min(b.length, start + MAX_VALUE);
  // Templates and Go raw strings may span lines; other strings end at the line.
  const multiline = open.quote === BT;
  let i = start;
  for (; i < stop; i++) {
    const c = b[i]!;
    if (c === LF && !multiline) return undefined;
    if (open.escaped) {
      if (c === BS && b[i + 1] === open.quote) break;
      continue;
    }
    if (c === BS && open.quote !== BT) {
      i++;
      continue;
    }
    if (c === open.quote) break;
  }
  if (i >= stop) return undefined;
  // `'''v'''` and `"""v"""` (TOML, Python) on one line hold v; a docstring spanning lines, and `"" + x`, no value.
  if (i === start) return open.escaped || open.quote === BT || b[i + 1] !== open.quote ? undefined : tripleQuotedAt(b, i + 2, open.quote);
  // A string whose text is itself a quoted string (`"\"v\""`, as Gradle's buildConfigField takes it): v.
  let end = i;
  let from = start;
  if (!open.escaped && end - from > 4 && b[from] === BS && isQuote(b[from + 1]) && b[end - 2] === BS && b[end - 1] === b[from + 1]) {
    from += 2;
    end -= 2;
  }
  return trimValue(b, skipScheme(b, from, end), end);
}

function tripleQuotedAt(b: Buffer, start: number, quote: number): Span | undefined {
  const stop = Math.min(b.length, start + MAX_VALUE);
  for (let i = start; i + 2 < stop; i++) {
    const c = b[i]!;
    if (c === LF) return undefined;
    if (c === quote && b[i + 1] === quote && b[i + 2] === quote) return i > start ? trimValue(b, skipScheme(b, start, i), i) : undefined;
  }
  return undefined;
}

/**
 * A heredoc whose body is one line (`api_secret = <<EOF` / `v` / `EOF` in HCL, `<<-`, Ruby's `<<~`):
 * that line. A body of several lines is a document, not one value.
 */
function heredocAt(b: Buffer, p: number): Span | undefined {
  let i = p + 2;
  if (b[i] === 0x2d || b[i] === 0x7e) i++;
  const quote = isQuote(b[i]) ? b[i++] : undefined;
  const word = i;
  while (i < b.length && i - word < 32 && (isLetter(b[i]) || b[i] === 0x5f)) i++;
  if (i === word) return undefined;
  const tag = b.subarray(word, i);
  if (quote !== undefined && b[i++] !== quote) return undefined;
  i = skipHSpace(b, i);
  if (b[i] === CR) i++;
  if (b[i] !== LF) return undefined;
  const s = skipHSpace(b, i + 1);
  const e = lineEnd(b, s, MAX_VALUE);
  if (e < 0) return undefined;
  let end = e;
  while (end > s && (isHSpace(b[end - 1]) || b[end - 1] === CR)) end--;
  const t = skipHSpace(b, e + 1);
  if (end <= s || !b.subarray(t, t + tag.length).equals(tag) || isLetter(b[t + tag.length]) || b[t + tag.length] === 0x5f) return undefined;
  return { start: s, end };
}

/** A quoted value must look like a literal: not `"+e+"` (code after a string that merely mentions a name). */
function trimValue(b: Buffer, start: number, end: number): Span | undefined {
  const first = b[start];
  if (first === undefined || start >= end || isSpace(first) || first === 0x2b || first === 0x2c || first === 0x29 || first === 0x3b) return undefined;
  while (end > start && isHSpace(b[end - 1])) end--;
  return { start, end };
}

/** Bytes that end a bare value in every syntax. */
const BARE_STOP = new Uint8Array(256);
for (const ch of " \t\r\n\"'`,;<>(){}[]\\") BARE_STOP[ch.charCodeAt(0)] = 1;

/** A bare (unquoted) value at `p`. */
export function bareAt(b: Buffer, p: number, ctx: ValueContext): Span | undefined {
  p = skipScheme(b, p, b.length);
  const stop = Math.min(b.length, p + MAX_VALUE);
  let i = p;
  for (; i < stop; i++) {
    const c = b[i]!;
    if (BARE_STOP[c]) break;
    if (ctx.query && (c === 0x26 || c === 0x23)) break;
    if (ctx.percent && c === 0x25 && b[i + 1] === 0x32 && (b[i + 2] === 0x36 || b[i + 2] === 0x30)) break;
  }
  // A value longer than MAX_VALUE is not read as a shorter one.
  if (i === p || (i >= stop && stop < b.length)) return undefined;
  // `token = getToken()`, `key = v2.{{x}}`, `k = a[i]` and `password: this.options.proxyPassword` are
  // code or templates, not values.
  if (b[i] === 0x28 || b[i] === 0x7b || b[i] === 0x5b) return undefined;
  if (isCodeReference(b, p, i)) return undefined;
  return { start: p, end: i };
}

/**
 * A dotted path of plain identifiers (`this.options.secret`, `config.apiKey`, a type such as
 * `Resource$Profiles$Credentials`): a reference, not a value.
 */
function isCodeReference(b: Buffer, start: number, end: number): boolean {
  let dots = 0;
  let segment = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 0x2e || (c === 0x24 && segment > 0)) {
      if (segment === 0) return false;
      dots++;
      segment = 0;
      continue;
    }
    if (!(isLetter(c) || c === 0x5f || c === 0x24)) return false;
    segment++;
  }
  return dots > 0 && segment > 0;
}

/** The first content line of a YAML block scalar (`key: |` or `key: >-`) whose indicator is at `p`. */
export function blockScalarAt(b: Buffer, p: number, keyIndent: number): Span | undefined {
  if (b[p] !== 0x7c && b[p] !== 0x3e) return undefined;
  let i = p + 1;
  while (i < b.length && (b[i] === 0x2d || b[i] === 0x2b || (b[i]! >= 0x30 && b[i]! <= 0x39))) i++;
  i = skipHSpace(b, i);
  if (b[i] === CR) i++;
  if (b[i] !== LF) return undefined;
  // Skip blank lines; the first content line must be indented deeper than the key.
  for (let lines = 0; lines < 8 && i < b.length && b[i] === LF; lines++) {
    const s = i + 1;
    const t = skipHSpace(b, s, 256);
    if (b[t] === LF || b[t] === CR) {
      i = b[t] === CR ? t + 1 : t;
      continue;
    }
    if (t - s <= keyIndent) return undefined;
    const e = lineEnd(b, t, MAX_VALUE);
    if (e < 0) return undefined;
    let end = e;
    while (end > t && isHSpace(b[end - 1])) end--;
    return end > t ? { start: t, end } : undefined;
  }
  return undefined;
}

/** XML element text after `<name>`, up to the closing tag. */
export function elementTextAt(b: Buffer, p: number): Span | undefined {
  const stop = Math.min(b.length, p + MAX_VALUE);
  let i = p;
  while (i < stop && b[i] !== 0x3c && b[i] !== LF) i++;
  if (i >= stop || b[i] !== 0x3c || b[i + 1] !== 0x2f) return undefined;
  let s = p;
  let e = i;
  while (s < e && isHSpace(b[s])) s++;
  while (e > s && isHSpace(b[e - 1])) e--;
  return e > s ? { start: s, end: e } : undefined;
}

/** Quoted if a quote opens here, else bare. */
export function valueAt(b: Buffer, p: number, ctx: ValueContext): Span | undefined {
  const c = b[p];
  if (c === undefined) return undefined;
  if (isQuote(c) || (c === BS && isQuote(b[p + 1]))) return quotedAt(b, p);
  if (c === 0x3c && b[p + 1] === 0x3c) return heredocAt(b, p);
  // A YAML anchor or `!!str` tag before the value (`key: &creds v`) is not part of it.
  if ((c === 0x26 && isLetter(b[p + 1])) || (c === 0x21 && b[p + 1] === 0x21 && startsWithLower(b, p + 2, "str "))) {
    let q = p + 1;
    while (q < b.length && q - p < 64 && !isSpace(b[q])) q++;
    if (isHSpace(b[q])) return valueAt(b, skipHSpace(b, q), ctx);
    return undefined;
  }
  if ((isLetter(c) || c === 0x40 || c === 0x24) && openingQuoteAhead(b, p)) return quotedAt(b, p) ?? bareAt(b, p, ctx);
  return bareAt(b, p, ctx);
}

/** A one- or two-character string prefix (r"…", rb'…', @"…", $@"…") at `p`. */
function openingQuoteAhead(b: Buffer, p: number): boolean {
  return isQuote(b[p + 1]) || ((isLetter(b[p + 1]) || b[p + 1] === 0x40) && isQuote(b[p + 2]));
}


/**
 * The string given right after the one ending at `end` (its closing quote, if any, comes first):
 * the next argument of a call or item of a tuple or list, `("AC…", "v")`, `["id",\n  "v"]`. Only a
 * comma and white space (line breaks too, as formatters write long calls) may stand between them.
 */
export function nextArgumentAt(b: Buffer, end: number): Span | undefined {
  let p = end;
  if (isQuote(b[p])) p++;
  const limit = p + 16;
  while (p < limit && isSpace(b[p])) p++;
  if (b[p] !== 0x2c) return undefined;
  p++;
  const open = p + 32;
  while (p < open && isSpace(b[p])) p++;
  return isQuote(b[p]) ? quotedAt(b, p) : undefined;
}
