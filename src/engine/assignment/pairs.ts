// The assignment grammar: from a keyword hit, the name → value pairs the hit's name takes part in.
// One small lexer for every syntax instead of a regex per syntax: read the name around the hit (an
// identifier, dotted path, flag or quoted key), look at what sits before it (a `name:`/`key=` entry
// key, `variable`, `<`, `?`/`&`, a table header) and after it (a separator), then read one value.
// Every scan is bounded (GRAMMAR_BEFORE / GRAMMAR_AFTER, MAX_VALUE), so the work per hit is bounded
// and the result depends only on the bytes within those bounds: the same for any chunking.
import { BS, CR, LF, NAME_CHAR, isHSpace, isHex, isLetter, isQuote, isWordChar, lineEnd, lineStart, skipHSpace, skipSpace, startsWithLower } from "./bytes.js";
import { blockScalarAt, elementTextAt, quotedAt, valueAt, type Span, type ValueContext } from "./values.js";
import { tablePairs } from "./tabular.js";
import { bytesAt } from "../byte-compare.js";
import type { AssignmentSyntax } from "../../types.js";

/** Bytes before a hit the grammar may read (a table header line, an entry key). */
export const GRAMMAR_BEFORE = 1024;
/** Bytes after a hit the grammar may read (table rows far below their header, a long value). */
export const GRAMMAR_AFTER = 64 * 1024;
/** Longest name read on either side of a hit. */
const MAX_NAME = 128;
/** Bytes on either side of a hit that reading its name may touch (the name, spaced words, quotes). */
export const NAME_REACH = MAX_NAME + 3 * 50 + 8;

/** Which syntax a pair was read from (src/types.ts says what each is); rules, the accuracy benchmark and tests name them. */
export type Syntax = AssignmentSyntax;

export interface Pair {
  name: Span;
  value: Span;
  syntax: Syntax;
  /** The value is (in) percent-encoded text: rules see it decoded, and every rule scans it. */
  percentEncoded: boolean;
  /** A key of the block the hit's name heads (`twilio:` / `  auth_token: v`): the name is both, in order. */
  child?: Span;
  /** String literals the language joins into the value (`"ab" + "cd"`): rules see them joined; `value` spans them all. */
  pieces?: Span[];
}

/** The indentation of the line a name starts (nothing but spaces before it), or -1. */
function lineIndent(b: Buffer, name: Name): number {
  const s = lineStart(b, name.outerStart, 256);
  return s >= 0 && skipHSpace(b, s) === name.outerStart ? name.outerStart - s : -1;
}

/**
 * Where the block a YAML key heads begins: past the line break when `name:` ends its line (only
 * spaces after the colon), else -1.
 */
export function headsBlock(b: Buffer, after: number): number {
  let p = skipHSpace(b, after);
  if (b[p] !== 0x3a) return -1;
  p = skipHSpace(b, p + 1);
  if (b[p] === CR) p++;
  return b[p] === LF ? p + 1 : -1;
}

/**
 * The key of the YAML block a key belongs to (`version:` above `  token: v`), or undefined: the
 * nearest line above, within GRAMMAR_BEFORE bytes, indented less and holding only `key:`.
 */
export function parentKey(b: Buffer, name: Name): Span | undefined {
  if (name.quoted || b[skipHSpace(b, name.outerEnd)] !== 0x3a) return undefined;
  const indent = lineIndent(b, name);
  if (indent <= 0) return undefined;
  const stop = Math.max(0, name.outerStart - GRAMMAR_BEFORE);
  for (let end = name.outerStart - indent - 1; end > stop; ) {
    const s = lineStart(b, end, 512);
    if (s < 0) return undefined;
    const t = skipHSpace(b, s, 256);
    let e = end;
    if (b[e - 1] === CR) e--;
    while (e > t && isHSpace(b[e - 1])) e--;
    if (e > t && b[t] !== 0x23 && t - s < indent) {
      let k = t;
      while (k < e && NAME_CHAR[b[k]!]) k++;
      return k > t && k + 1 === e && b[k] === 0x3a ? { start: t, end: k } : undefined;
    }
    end = s - 1;
  }
  return undefined;
}

/** Most child keys and bytes a block parent's children are read over. */
const MAX_CHILDREN = 16;
const CHILD_REACH = 2048;

/**
 * `name:` ending its line in YAML heads a block: its children's pairs, each named by the parent and the
 * child key (`twilio:` then `  auth_token: "…"` is a Twilio auth token; `stripe:` then `  secret_key:`
 * Stripe's). Only the block's first level, up to MAX_CHILDREN keys within CHILD_REACH bytes.
 */
export function childPairs(b: Buffer, name: Name): Pair[] {
  if (name.quoted) return [];
  const body = headsBlock(b, name.outerEnd);
  if (body < 0) return [];
  const parentIndent = lineIndent(b, name);
  if (parentIndent < 0) return [];
  const stop = Math.min(b.length, body + CHILD_REACH);
  const out: Pair[] = [];
  let level = -1;
  for (let line = body, keys = 0; line < stop && keys < MAX_CHILDREN; ) {
    const t = skipHSpace(b, line, 256);
    const end = lineEnd(b, t, 4096);
    if (end < 0) break;
    const next = b[end] === CR ? end + 2 : end + 1;
    if (t === end || b[t] === 0x23) {
      line = next;
      continue;
    }
    const indent = t - line;
    if (indent <= parentIndent) break;
    if (level < 0) level = indent;
    if (indent === level) {
      keys++;
      let k = t;
      while (k < end && NAME_CHAR[b[k]!]) k++;
      if (k > t && b[k] === 0x3a && (isHSpace(b[k + 1]) || k + 1 === end)) {
        const child = { start: t, end: k, dashes: 0, outerStart: t, outerEnd: k, quoted: false };
        const value = directValue(b, child, { query: false, percent: false });
        if (value) out.push({ name: { start: name.start, end: name.end }, value: value.value, syntax: value.syntax, percentEncoded: false, child: { start: t, end: k } });
      }
    }
    line = next;
  }
  return out;
}

/** Keys whose value is the name of another entry (k8s env lists, Postman, XML appSettings, ECS). */
const NAME_KEYS: ReadonlySet<string> = new Set(["name", "key", "parameterkey", "envname", "varname"]);
/** Keys holding that entry's value. */
const VALUE_KEYS: ReadonlySet<string> = new Set(["value", "defaultvalue", "default", "parametervalue", "val"]);

export interface Name extends Span {
  /** Leading dashes stripped off (`--api-key`): a command-line flag. */
  dashes: number;
  /** The name as written, with its quotes: [outerStart, outerEnd). */
  outerStart: number;
  outerEnd: number;
  quoted: boolean;
}

/** The name a keyword hit at [hs, he) is part of: an identifier, dotted path, flag or quoted key. */
export function nameAround(b: Buffer, hs: number, he: number): Name | undefined {
  // A keyword may spell a delimiter next to the word (`,pan`, `pan=`, `"pan"`): the name is the word.
  while (hs < he && !NAME_CHAR[b[hs]!]) hs++;
  while (he > hs && !NAME_CHAR[b[he - 1]!]) he--;
  if (hs >= he) return undefined;
  let start = hs;
  let end = he;
  while (start > 0 && hs - start < MAX_NAME && NAME_CHAR[b[start - 1]!]) start--;
  while (end < b.length && end - he < MAX_NAME && NAME_CHAR[b[end]!]) end++;
  // A percent-encoded delimiter before the name (%3Fapi_key, %26token) is not part of it.
  if (start >= 1 && b[start - 1] === 0x25 && isHex(b[start]) && isHex(b[start + 1]) && start + 2 < hs + 1) start += 2;
  let dashes = 0;
  while (start < end && b[start] === 0x2d) {
    start++;
    dashes++;
  }
  while (start < end && b[start] === 0x2e) start++;
  while (end > start && (b[end - 1] === 0x2e || b[end - 1] === 0x2d)) end--;
  if (end <= start || start > hs || end < he) return undefined;
  end = spacedNameEnd(b, end);
  if (b[end] === 0x3a) start = spacedNameStart(b, start);
  let outerStart = start - dashes;
  let outerEnd = end;
  let quoted = false;
  const q = b[outerStart - 1];
  if (isQuote(q) && b[end] === q) {
    const escaped = b[outerStart - 2] === BS;
    if (!escaped || b[end - 1] === BS) {
      outerStart -= escaped ? 2 : 1;
      outerEnd = end + 1;
      quoted = true;
    }
  } else if (isQuote(q) && b[outerStart - 2] === BS && b[end] === BS && b[end + 1] === q) {
    // JSON-escaped: {\"api_key\": \"…\"}
    outerStart -= 2;
    outerEnd = end + 2;
    quoted = true;
  }
  return { start, end, dashes, outerStart, outerEnd, quoted };
}

/**
 * Prose and comments name a secret in words (`# API key: …`, `Stripe secret key: …`): up to three
 * more words separated by single spaces belong to the name when a colon follows them.
 */
function spacedNameEnd(b: Buffer, end: number): number {
  let e = end;
  for (let words = 0; words < 3 && b[e] === 0x20 && isWordChar(b[e + 1]); words++) {
    let j = e + 1;
    while (j < b.length && j - end < 48 && isWordChar(b[j])) j++;
    // A colon that ends a phrase (`API key: …`), not a URL's (`at https://…`).
    if (b[j] === 0x3a && (isHSpace(b[j + 1]) || b[j + 1] === LF || b[j + 1] === CR)) return j;
    e = j;
  }
  return end;
}

/** The same to the left (`# next page token: …` is a page token, not a token). */
function spacedNameStart(b: Buffer, start: number): number {
  let s = start;
  for (let words = 0; words < 3 && b[s - 1] === 0x20 && isWordChar(b[s - 2]); words++) {
    let j = s - 1;
    while (j > 0 && s - j < 48 && isWordChar(b[j - 1])) j--;
    s = j;
  }
  return s;
}

/** `name:` / `key=` / `variable` written just before the name: the name is another entry's name. */
function entryKeyBefore(b: Buffer, before: number): "entry" | "block" | undefined {
  const stop = Math.max(0, before - 64);
  let i = before - 1;
  while (i >= stop && isHSpace(b[i])) i--;
  let sep = false;
  if (b[i] === 0x3a || b[i] === 0x3d) {
    sep = true;
    i--;
    while (i >= stop && isHSpace(b[i])) i--;
    if (isQuote(b[i])) i -= b[i - 1] === BS ? 2 : 1;
  }
  const end = i + 1;
  while (i >= stop && (isWordChar(b[i]) || b[i] === 0x2d)) i--;
  if (end - (i + 1) < 3) return undefined;
  const word = b.toString("latin1", i + 1, end).toLowerCase();
  if (sep && NAME_KEYS.has(word)) return "entry";
  if (!sep && word === "variable") return "block";
  return undefined;
}

/** The `value:` / `"value":` / `value="…"` of the entry whose name ends at `from`. */
function entryValue(b: Buffer, from: number, ctx: ValueContext): Span | undefined {
  const stop = Math.min(b.length, from + 256);
  let lines = 0;
  for (let i = from; i < stop; i++) {
    const c = b[i]!;
    if (c === LF && ++lines > 2) return undefined;
    if (c === 0x7d) return undefined;
    if (!isLetter(c) || isWordChar(b[i - 1])) continue;
    let j = i;
    while (j < stop && isWordChar(b[j])) j++;
    const word = b.toString("latin1", i, j).toLowerCase();
    if (NAME_KEYS.has(word)) return undefined;
    if (VALUE_KEYS.has(word)) {
      let p = j;
      if (isQuote(b[p])) p++;
      else if (b[p] === BS && isQuote(b[p + 1])) p += 2;
      p = skipHSpace(b, p);
      if (b[p] === 0x3a || b[p] === 0x3d) {
        p = skipHSpace(b, p + 1);
        return blockScalarAt(b, p, indentOf(b, i)) ?? valueAt(b, p, ctx);
      }
    }
    i = j - 1;
  }
  return undefined;
}

/** `<entry key="NAME">v</entry>`: the name is the tag's last attribute, the value the element's text. */
function attributeElementText(b: Buffer, name: Name): Span | undefined {
  if (!name.quoted) return undefined;
  const p = skipHSpace(b, name.outerEnd);
  return b[p] === 0x3e && lineHasTagOpen(b, name.outerStart) ? elementTextAt(b, p + 1) : undefined;
}

function lineHasTagOpen(b: Buffer, before: number): boolean {
  for (let i = before - 1; i >= 0 && before - i < 256 && b[i] !== LF; i--) if (b[i] === 0x3c) return isLetter(b[i + 1]);
  return false;
}

/** `variable "x" {` … `default = "v"` … `}`: the default at the block's own level. */
function blockDefault(b: Buffer, from: number, ctx: ValueContext): Span | undefined {
  let p = skipHSpace(b, from);
  if (b[p] !== 0x7b) return undefined;
  const stop = Math.min(b.length, p + 2048);
  let depth = 0;
  for (let i = p; i < stop; i++) {
    const c = b[i]!;
    if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return undefined;
    else if (depth === 1 && c === 0x64 && !isWordChar(b[i - 1]) && startsWithLower(b, i, "default") && !isWordChar(b[i + 7])) {
      p = skipHSpace(b, i + 7);
      if (b[p] !== 0x3d) continue;
      return valueAt(b, skipHSpace(b, p + 1), ctx);
    }
  }
  return undefined;
}

function indentOf(b: Buffer, p: number): number {
  const s = lineStart(b, p, 512);
  if (s < 0) return 0;
  let i = s;
  while (i < p && (isHSpace(b[i]) || b[i] === 0x2d)) i++;
  return i - s;
}

/**
 * A type written between a name and its `=` (`apiKey: string = "…"`, `API_KEY: &str = "…"`,
 * `var apiKey string = "…"`): where the value starts after that `=`, or -1 when there is none.
 */
function typeAnnotationEnd(b: Buffer, p: number): number {
  const stop = Math.min(b.length, p + 64);
  let letters = 0;
  let i = p;
  for (; i < stop; i++) {
    const c = b[i]!;
    if (c === 0x3d) break;
    if (isLetter(c)) letters++;
    else if (!(isWordChar(c) || isHSpace(c) || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x26 || c === 0x3f || c === 0x2e || c === 0x27 || c === 0x2a || c === 0x3a || c === 0x2c)) return -1;
  }
  if (i >= stop || letters === 0 || b[i + 1] === 0x3d || b[i + 1] === 0x3e || b[i - 1] === 0x3d) return -1;
  const v = skipHSpace(b, i + 1);
  return v >= b.length || b[v] === LF || b[v] === CR ? -1 : v;
}

/**
 * `f("NAME", "v")`: the quoted name opens a call's arguments (not an item of a list or array), or
 * follows other string arguments (`buildConfigField("String", "NAME", "v")`, Groovy's call without
 * parentheses, `resValue "string", "NAME", "v"`); the value must then end the call (lastArgument).
 */
function isArgumentName(b: Buffer, outerStart: number): "first" | "later" | undefined {
  let i = outerStart - 1;
  while (i >= 0 && outerStart - i < 16 && isHSpace(b[i])) i--;
  if (b[i] === 0x28) return "first";
  if (b[i] !== 0x2c) return undefined;
  i--;
  while (i >= 0 && outerStart - i < 20 && isHSpace(b[i])) i--;
  return b[i] === 0x22 || b[i] === 0x27 ? "later" : undefined;
}

/** `-define(` right before a name: an Erlang macro, whose second argument is its text. */
function definesMacro(b: Buffer, outerStart: number): boolean {
  let i = outerStart - 1;
  while (i >= 0 && outerStart - i < 8 && isHSpace(b[i])) i--;
  if (b[i] !== 0x28) return false;
  i--;
  while (i >= 0 && outerStart - i < 12 && isHSpace(b[i])) i--;
  return b[i - 6] === 0x2d && bytesAt(b, i - 5, DEFINE);
}

const DEFINE = Buffer.from("define");

/** Where the code after a string value whose text ends at `end` resumes (past its closing quotes). */
function afterString(b: Buffer, end: number): number {
  let n = end;
  while (n - end < 3 && (b[n] === BS || isQuote(b[n]))) n++;
  return skipHSpace(b, n);
}

/** The string ending at `end` closes its call: `)` or the end of the line follows. */
function lastArgument(b: Buffer, end: number): boolean {
  const n = afterString(b, end);
  return n >= b.length || b[n] === 0x29 || b[n] === LF || b[n] === CR || b[n] === 0x3b;
}

function isNetrcPassword(b: Buffer, name: Name): boolean {
  const n = name.end - name.start;
  return (n === 8 && startsWithLower(b, name.start, "password")) || (n === 6 && startsWithLower(b, name.start, "passwd"));
}

/**
 * A command that sets the name it is followed by to the rest of the line: the Dockerfile's older
 * `ENV NAME value` / `ARG NAME value`, csh's `setenv NAME value`, fish's and Tcl's `set [-gx] NAME value`.
 */
function isSetterLine(b: Buffer, name: Name): boolean {
  const s = lineStart(b, name.outerStart, 96);
  if (s < 0) return false;
  const p = skipHSpace(b, s);
  let w = p;
  while (w < name.outerStart && isLetter(b[w])) w++;
  const word = w - p;
  if (!isHSpace(b[w])) return false;
  let q = skipHSpace(b, w);
  if (word === 3 && (startsWithLower(b, p, "env") || startsWithLower(b, p, "arg"))) return q === name.outerStart;
  if (word === 6 && startsWithLower(b, p, "setenv")) return q === name.outerStart;
  if (word !== 3 || !startsWithLower(b, p, "set")) return false;
  // fish's scope and export flags: `set -x`, `set -gx`, `set --export --global`.
  for (let flags = 0; flags < 3 && b[q] === 0x2d && q < name.outerStart; flags++) {
    while (q < name.outerStart && !isHSpace(b[q])) q++;
    q = skipHSpace(b, q);
  }
  return q === name.outerStart;
}

/**
 * Whether the string at `p` is the last thing of its statement: `#define NAME "v"`, cmake's
 * `set(NAME "v")`, EDN's `{:name "v"}`, Apache's `SetEnv NAME "v"`, a Ruby DSL's `api_key "v"` give
 * a name its value with a space alone; `name "v" + x` or `f(name "v", y)` do not.
 */
function endsStatement(b: Buffer, p: number): boolean {
  const v = quotedAt(b, p);
  if (!v) return false;
  let e = v.end;
  while (e < b.length && e - v.end < 64 && b[e] !== b[p] && b[e] !== LF) e++;
  const n = skipHSpace(b, e + 1);
  const c = b[n];
  return c === undefined || c === LF || c === CR || c === 0x29 || c === 0x7d || c === 0x5d || c === 0x3b || (c === 0x3a && isLetter(b[n + 1]));
}

/** The name is the first cell of a Markdown table row (`| name | … |`). */
function opensTableRow(b: Buffer, outerStart: number): boolean {
  const s = lineStart(b, outerStart, 256);
  if (s < 0) return false;
  const p = skipHSpace(b, s);
  return b[p] === 0x7c && skipHSpace(b, p + 1) === outerStart;
}

/**
 * A Markdown table cell's text from `p` (quoted or in backticks, or bare) up to the `|` that closes
 * it, in a setting → value table: at most one more cell (a description) follows. A wider table
 * (`| rule id | provider | kind | … |`) lists things, not settings.
 */
function tableCellAt(b: Buffer, p: number): Span | undefined {
  let v: Span | undefined;
  let close: number;
  if (isQuote(b[p])) {
    v = quotedAt(b, p);
    close = v ? skipHSpace(b, v.end + 1) : -1;
  } else {
    let e = p;
    while (e < b.length && e - p < 4096 && b[e] !== 0x7c && b[e] !== LF) e++;
    close = e;
    while (e > p && isHSpace(b[e - 1])) e--;
    v = e > p ? { start: p, end: e } : undefined;
  }
  if (!v || b[close] !== 0x7c) return undefined;
  let cells = 0;
  for (let i = close + 1; i < b.length && i - close < 4096 && b[i] !== LF; i++) if (b[i] === 0x7c && b[i - 1] !== BS) cells++;
  return cells <= 1 ? v : undefined;
}

/** The value after the name itself: every form where a separator follows the name. */
function directValue(b: Buffer, name: Name, ctx: ValueContext): { value: Span; syntax: Syntax; percent: boolean } | undefined {
  let p = name.outerEnd;
  let closers = 0;
  let call = false;
  // C's `char kApiKey[] = "…"` (or `[64]`): an array's empty or sized brackets.
  if (b[p] === 0x5b && !name.quoted) {
    let q = p + 1;
    while (q < p + 6 && b[q]! >= 0x30 && b[q]! <= 0x39) q++;
    if (b[q] === 0x5d) p = q + 1;
  }
  // A subscript's closers: `config["api_key"] = …`, Perl's `$ENV{API_KEY} = '…'`; `getenv("X")` is a call.
  while (closers < 3 && (b[p] === 0x5d || b[p] === 0x29 || (b[p] === 0x7d && b[name.outerStart - 1] === 0x7b))) {
    call ||= b[p] === 0x29;
    p++;
    closers++;
  }
  const afterName = p;
  p = skipHSpace(b, p);
  const spaced = p > afterName;
  const c = b[p];
  const c1 = b[p + 1];
  let syntax: Syntax = "assignment";
  let next = -1;
  let need: "any" | "quoted" | "element" | "cell" = "any";
  let argument: "first" | "later" | undefined;
  if (call && !((c === 0x3f && (c1 === 0x3f || c1 === 0x3a)) || (c === 0x7c && c1 === 0x7c) || c === 0x7b || startsWithLower(b, p, "or"))) {
    // After a call (`getenv("X")`) only a fallback or a block default gives the name a value:
    // `f('name') => '…'` and `f('name') = …` are something else.
    return undefined;
  } else if (c === 0x3a) {
    if (c1 === 0x2f && b[p + 2] === 0x2f) return undefined;
    if (c1 === 0x3d) next = p + 2;
    else if (c1 === 0x2d) [next, syntax] = [p + 2, "fallback"];
    else if (c1 !== 0x3a) {
      next = p + 1;
      const v = skipHSpace(b, next);
      if (!isQuote(b[v]) && b[v] !== 0x7c && b[v] !== 0x3e) {
        const t = typeAnnotationEnd(b, v);
        if (t >= 0) next = t;
      }
    }
  } else if (c === 0x3d) {
    if (c1 === 0x3d) next = b[p + 2] === 0x3d ? p + 3 : p + 2;
    else if (c1 === 0x3e) next = p + 2;
    else if (c1 !== 0x7e) next = p + 1;
  } else if (c === 0x3f && (c1 === 0x3f || c1 === 0x3a)) {
    [next, syntax] = [b[p + 2] === 0x3d ? p + 3 : p + 2, "fallback"];
  } else if (c === 0x3f && c1 === 0x3d) {
    next = p + 2;
  } else if (c === 0x3c && c1 === 0x2d && b[p + 2] !== 0x2d && !name.quoted) {
    // R's `name <- "v"`; only a string literal (Haskell's `x <- action` binds a result).
    [next, need] = [p + 2, "quoted"];
  } else if (c === 0x7c && c1 === 0x7c) {
    [next, syntax] = [b[p + 2] === 0x3d ? p + 3 : p + 2, "fallback"];
  } else if (spaced && startsWithLower(b, p, "or") && isHSpace(b[p + 2])) {
    [next, syntax, need] = [p + 2, "fallback", "quoted"];
  } else if (c === 0x2c && name.quoted && (b[name.outerEnd - 1] === 0x22 || b[name.outerEnd - 1] === 0x27) && (argument = isArgumentName(b, name.outerStart))) {
    [next, syntax, need] = [p + 1, "call", "quoted"];
  } else if (c === 0x2c && !name.quoted && closers === 0 && definesMacro(b, name.outerStart)) {
    // Erlang's `-define(API_KEY, "…").`
    [next, syntax, need] = [p + 1, "call", "quoted"];
  } else if (c === 0x28 && !name.quoted && closers === 0 && !spaced) {
    [next, syntax, need] = [p + 1, "call", "quoted"];
  } else if (c === 0x7b && closers > 0) {
    [next, syntax, need] = [p + 1, "call", "quoted"];
  } else if (c === 0x3e && b[name.outerStart - 1] === 0x3c && !spaced) {
    [next, syntax, need] = [p + 1, "element", "element"];
  } else if (c === 0x2d && spaced && isHSpace(c1)) {
    [next, need] = [p + 1, "quoted"];
  } else if (name.quoted && spaced && ((c === 0x2d && c1 === 0x3e) || (startsWithLower(b, p, "to") && isHSpace(b[p + 2])))) {
    // Kotlin's `"name" to "v"` and Scala's `"name" -> "v"` pairs.
    [next, need] = [p + 2, "quoted"];
  } else if (c === 0x7c && c1 !== 0x7c && spaced && !name.quoted && opensTableRow(b, name.outerStart)) {
    // A Markdown table row `| api_secret | v |`: the next cell.
    [next, need] = [p + 1, "cell"];
  } else if (c === 0x3c && c1 === 0x2f && !spaced && startsWithLower(b, p, "</key>") && startsWithLower(b, name.outerStart - 5, "<key>")) {
    // A property list's `<key>ApiSecret</key>` then `<string>v</string>`.
    const q = skipSpace(b, p + 6);
    if (startsWithLower(b, q, "<string>")) [next, syntax, need] = [q + 8, "element", "element"];
  } else if (c === 0x25 && c1 === 0x33 && (b[p + 2] === 0x44 || b[p + 2] === 0x64) && !spaced) {
    next = p + 3;
    ctx = { ...ctx, percent: true };
  } else if (spaced && c !== LF && c !== CR && c !== undefined) {
    const t = typeAnnotationEnd(b, p);
    if (t >= 0 && !name.quoted) next = t;
    else if (name.dashes > 0 || isNetrcPassword(b, name) || isSetterLine(b, name)) [next, syntax] = [p, "flag"];
    else if (!name.quoted && isQuote(c) && endsStatement(b, p)) [next, need] = [p, "quoted"];
  }
  if (next < 0) return undefined;
  if (name.dashes > 0 && syntax === "assignment") syntax = "flag";
  if (ctx.query || ctx.percent) syntax = "query";
  const v = skipHSpace(b, next);
  let value: Span | undefined;
  if (need === "element") value = elementTextAt(b, v);
  else if (need === "quoted") value = quotedAt(b, v);
  else if (need === "cell") value = tableCellAt(b, v);
  else value = blockScalarAt(b, v, indentOf(b, name.outerStart)) ?? valueAt(b, v, ctx);
  // A setter takes the value alone (`.apiKey("…")`); `secret("a", x, "b")` is some other call.
  if (value && syntax === "call" && b[p] === 0x28 && b[afterString(b, value.end)] !== 0x29) return undefined;
  if (value && argument === "later" && !lastArgument(b, value.end)) return undefined;
  return value && { value, syntax, percent: ctx.percent };
}

function contextOf(b: Buffer, name: Name): ValueContext {
  const before = b[name.outerStart - 1];
  const percent = name.outerStart >= 3 && b[name.outerStart - 3] === 0x25 && (startsWithLower(b, name.outerStart - 2, "3f") || startsWithLower(b, name.outerStart - 2, "26"));
  return { query: before === 0x3f || before === 0x26, percent };
}

/** Every pair the name around [hs, he) takes part in, in offset order of their values. */
export function pairsAt(b: Buffer, hs: number, he: number): Pair[] {
  const name = nameAround(b, hs, he);
  return name ? pairsOf(b, name) : [];
}

/** Every pair a name takes part in, in offset order of their values. */
export function pairsOf(b: Buffer, name: Name): Pair[] {
  const ctx = contextOf(b, name);
  const span = { start: name.start, end: name.end };
  const table = tablePairs(b, name);
  if (table.length) return table.map((value) => ({ name: span, value, syntax: "column", percentEncoded: false }));
  const entry = entryKeyBefore(b, name.outerStart);
  if (entry) {
    const value = entry === "entry" ? (entryValue(b, name.outerEnd, ctx) ?? attributeElementText(b, name)) : name.quoted ? blockDefault(b, name.outerEnd, ctx) : undefined;
    if (value) return [{ name: span, value, syntax: entry, percentEncoded: false }];
  }
  const direct = directValue(b, name, ctx);
  if (!direct) return [];
  const pieces = direct.syntax === "query" ? undefined : joinedPieces(b, direct.value);
  if (pieces) return [{ name: span, value: { start: direct.value.start, end: pieces[pieces.length - 1]!.end }, syntax: direct.syntax, percentEncoded: false, pieces }];
  return [{ name: span, value: direct.value, syntax: direct.syntax, percentEncoded: direct.syntax === "query" && (ctx.percent || direct.percent || hasPercentEscape(b, direct.value)) }];
}

const MAX_PIECES = 8;

/**
 * Text a key could be split into: letters, digits and base64/base64url punctuation, a later piece not
 * starting with "/" — `"<key>" + "/v1"` builds a path, `"Bearer " + "…"` a header: those do not join.
 */
function tokenText(b: Buffer, s: Span, first: boolean): boolean {
  if (s.end <= s.start || (!first && b[s.start] === 0x2f)) return false;
  for (let i = s.start; i < s.end; i++) {
    const c = b[i]!;
    if (!(isWordChar(c) || c === 0x2d || c === 0x2b || c === 0x2f || c === 0x3d)) return false;
  }
  return true;
}

/**
 * A string value continued by more string literals that the language joins: `"ab" + "cd"` (Java, C#,
 * JavaScript, Python, Kotlin, Ruby, Swift), PHP's `"ab" . "cd"`, also across lines. Splitting a key
 * so that no line holds it whole is how code (and an evasive commit) writes long secrets. Only
 * literals join: `"ab" + suffix` is the first piece alone, as before.
 */
function joinedPieces(b: Buffer, first: Span): Span[] | undefined {
  const q = b[first.end];
  if (!isQuote(q) || b[first.start - 1] !== q || !tokenText(b, first, true)) return undefined;
  const pieces = [first];
  let end = first.end + 1;
  while (pieces.length < MAX_PIECES) {
    let p = skipHSpace(b, end);
    const op = b[p];
    const plus = op === 0x2b && b[p + 1] !== 0x2b && b[p + 1] !== 0x3d;
    const dot = op === 0x2e && p > end && isHSpace(b[p + 1]);
    if (!plus && !dot) break;
    p = skipSpace(b, p + 1, 64);
    const quote = b[p];
    if (!isQuote(quote)) break;
    const next = quotedAt(b, p);
    if (!next || next.start !== p + 1 || b[next.end] !== quote || !tokenText(b, next, false)) break;
    pieces.push(next);
    end = next.end + 1;
  }
  return pieces.length > 1 ? pieces : undefined;
}

function hasPercentEscape(b: Buffer, v: Span): boolean {
  for (let i = v.start; i + 2 < v.end; i++) if (b[i] === 0x25 && isHex(b[i + 1]) && isHex(b[i + 2])) return true;
  return false;
}

