// A rule's `afterKeyword` gate as a few byte-class runs checked in JavaScript, so that the common
// keyword hit that fails its gate ("token" followed by a space, base64 data that happens to hold
// "EAAG") costs a loop over a few bytes instead of a call into RE2.
//
// Gates are written as runs of character classes ('[A-Za-z0-9]{32}', '[0-9a-f]{8}-[0-9a-f]{4}-'),
// often ending in a boundary ('(?:[^A-Za-z0-9]|$)'). Such a prefix is read here into atoms; what
// cannot be read (groups, alternation, anchors) is left to RE2. Atoms are only taken where the byte
// check decides exactly what RE2 would: ASCII classes counted per byte, and a variable-length run
// only when the next atom cannot match the same byte (so greedy matching has one outcome).
import { bytesAt } from "./byte-compare.js";

/** One run: bytes whose bit is set in `bytes`, between `min` and `max` of them. */
interface Atom {
  bytes: Uint8Array;
  min: number;
  max: number;
}

export interface GateProgram {
  atoms: Atom[];
  /**
   * A last atom `(?:[class]|$)`: one byte of the class, or the end of the text the gate sees. Its
   * class may hold non-ASCII bytes; a non-ASCII byte there is left to RE2.
   */
  boundary?: Uint8Array;
  /** The atoms (and boundary) are the whole gate: when they pass, the gate passes without RE2. */
  complete: boolean;
}

const MAX_REPEAT = 1000;

function range(out: Uint8Array, lo: number, hi: number): void {
  for (let b = lo; b <= hi; b++) out[b] = 1;
}

const CLASS_ESCAPES: Record<string, (out: Uint8Array) => void> = {
  d: (o) => range(o, 0x30, 0x39),
  w: (o) => {
    range(o, 0x30, 0x39);
    range(o, 0x41, 0x5a);
    range(o, 0x61, 0x7a);
    o[0x5f] = 1;
  },
  s: (o) => {
    for (const b of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) o[b] = 1;
  },
};

/** Characters that stand for themselves when escaped. */
const PUNCTUATION = new Set([..."\\.+*?()|[]{}^$-/:_=!%&~,;'\"#@<> "]);

/** A class at `pattern[i]` ('[' … ']'), or undefined when it is not plain ASCII. */
function readClass(pattern: string, i: number): { bytes: Uint8Array; next: number } | undefined {
  const bytes = new Uint8Array(256);
  let j = i + 1;
  const negated = pattern[j] === "^";
  if (negated) j++;
  let first = true;
  let prev = -1;
  while (j < pattern.length && (pattern[j] !== "]" || first)) {
    first = false;
    let code: number;
    const ch = pattern[j]!;
    if (ch === "\\") {
      const e = pattern[j + 1];
      if (e === undefined) return undefined;
      const cls = CLASS_ESCAPES[e];
      if (cls) {
        cls(bytes);
        j += 2;
        prev = -1;
        continue;
      }
      if (!PUNCTUATION.has(e)) return undefined;
      code = e.charCodeAt(0);
      j += 2;
    } else if (ch === "-" && prev >= 0 && pattern[j + 1] !== "]" && pattern[j + 1] !== undefined) {
      const hiCh = pattern[j + 1]!;
      if (hiCh === "\\" || hiCh === "[") return undefined;
      const hi = hiCh.charCodeAt(0);
      if (hi > 0x7e || hi < prev) return undefined;
      range(bytes, prev, hi);
      j += 2;
      prev = -1;
      continue;
    } else if (ch === "[") {
      return undefined; // [:alpha:] and friends
    } else {
      code = ch.charCodeAt(0);
      j++;
    }
    if (code > 0x7e) return undefined;
    bytes[code] = 1;
    prev = code;
  }
  if (pattern[j] !== "]") return undefined;
  if (negated) {
    for (let b = 0; b < 256; b++) bytes[b] = bytes[b] ? 0 : 1;
  }
  return { bytes, next: j + 1 };
}

/** A quantifier at `pattern[i]`, or exactly one when there is none. */
function readQuantifier(pattern: string, i: number): { min: number; max: number; next: number } | undefined {
  const ch = pattern[i];
  if (ch === "?") return lazyCheck(pattern, { min: 0, max: 1, next: i + 1 });
  if (ch === "*") return lazyCheck(pattern, { min: 0, max: MAX_REPEAT, next: i + 1 });
  if (ch === "+") return lazyCheck(pattern, { min: 1, max: MAX_REPEAT, next: i + 1 });
  if (ch !== "{") return { min: 1, max: 1, next: i };
  const close = pattern.indexOf("}", i);
  if (close < 0) return undefined;
  const [lo, hi, ...more] = pattern.slice(i + 1, close).split(",");
  if (more.length || !isDigits(lo!) || (hi !== undefined && hi !== "" && !isDigits(hi))) return undefined;
  const min = Number(lo);
  const max = hi === undefined ? min : hi === "" ? MAX_REPEAT : Number(hi);
  return lazyCheck(pattern, { min, max, next: close + 1 });
}

function isDigits(text: string): boolean {
  if (!text.length) return false;
  for (const ch of text) if (ch < "0" || ch > "9") return false;
  return true;
}

/** A lazy quantifier (`{m,n}?`) matches differently; leave it to RE2. */
function lazyCheck(pattern: string, q: { min: number; max: number; next: number }): typeof q | undefined {
  return pattern[q.next] === "?" ? undefined : q;
}

/** The byte set of one atom at `pattern[i]`: a class, an escape or a literal ASCII character. */
function readAtomBytes(pattern: string, i: number): { bytes: Uint8Array; next: number } | undefined {
  const ch = pattern[i];
  if (ch === undefined) return undefined;
  if (ch === "[") return readClass(pattern, i);
  const bytes = new Uint8Array(256);
  if (ch === "\\") {
    const e = pattern[i + 1];
    if (e === undefined) return undefined;
    const cls = CLASS_ESCAPES[e];
    if (cls) cls(bytes);
    else if (PUNCTUATION.has(e)) bytes[e.charCodeAt(0)] = 1;
    else return undefined;
    return { bytes, next: i + 2 };
  }
  if ("().|^$*+?{}".includes(ch)) return undefined;
  const code = ch.charCodeAt(0);
  if (code > 0x7e) return undefined;
  bytes[code] = 1;
  return { bytes, next: i + 1 };
}

function asciiOnly(bytes: Uint8Array): boolean {
  for (let b = 0x80; b < 256; b++) if (bytes[b]) return false;
  return true;
}

function disjoint(a: Uint8Array, b: Uint8Array): boolean {
  for (let x = 0; x < 256; x++) if (a[x] && b[x]) return false;
  return true;
}

/** `(?:[class]|$)` at `pattern[i]` as the last thing in the pattern. */
function readBoundary(pattern: string, i: number): Uint8Array | undefined {
  if (!pattern.startsWith("(?:", i)) return undefined;
  const atom = readAtomBytes(pattern, i + 3);
  if (!atom || pattern.slice(atom.next) !== "|$)") return undefined;
  return atom.bytes;
}

/** The gate as atoms, as far as they can be read; undefined when nothing can. */
export function compileGateProgram(pattern: string): GateProgram | undefined {
  const atoms: Atom[] = [];
  let i = 0;
  let complete = false;
  let boundary: Uint8Array | undefined;
  for (;;) {
    if (i === pattern.length) {
      complete = true;
      break;
    }
    boundary = readBoundary(pattern, i);
    if (boundary) {
      complete = true;
      break;
    }
    const atom = readAtomBytes(pattern, i);
    if (!atom || !asciiOnly(atom.bytes)) break;
    const q = readQuantifier(pattern, atom.next);
    if (!q || q.max < q.min) break;
    atoms.push({ bytes: atom.bytes, min: q.min, max: q.max });
    i = q.next;
  }
  // A variable run is exact only when what follows it cannot take its bytes; from the first one
  // that is not, the atoms after it are dropped and its minimum is all that is checked.
  for (let k = 0; k < atoms.length; k++) {
    const a = atoms[k]!;
    if (a.min === a.max) continue;
    const after = k + 1 < atoms.length ? atoms[k + 1]!.bytes : boundary;
    if (after === undefined ? !complete : !disjoint(a.bytes, after)) {
      atoms.length = k + 1;
      atoms[k] = { ...a, max: a.min };
      boundary = undefined;
      complete = false;
      break;
    }
  }
  if (!atoms.length && !boundary) return undefined;
  return { atoms, ...(boundary && { boundary }), complete };
}

/**
 * Runs the program on `data` from `pos` with the text seen as ending at `limit`: false when the gate
 * cannot match, true when it matches, undefined when RE2 has to decide.
 */
export function runGateProgram(p: GateProgram, data: Uint8Array, pos: number, limit: number): boolean | undefined {
  let i = pos;
  for (const a of p.atoms) {
    const { bytes, min, max } = a;
    const stop = Math.min(limit, i + max);
    const start = i;
    while (i < stop && bytes[data[i]!]) i++;
    if (i - start < min) return false;
  }
  if (p.boundary && i < limit) {
    const b = data[i]!;
    // Whether RE2 sees a character there depends on the UTF-8 that follows; it decides.
    if (b >= 0x80) return undefined;
    if (!p.boundary[b]) return false;
  }
  return p.complete ? true : undefined;
}

/** A rule's gate as its keywords (as bytes) each followed by the program. */
export interface QuickGate {
  keywords: { bytes: Buffer; folded: boolean }[];
  program: GateProgram;
}

/** Past this many keywords, trying each one at a hit costs more than the RE2 gate it would spare. */
const MAX_QUICK_KEYWORDS = 16;

export function quickGateOf(keywords: readonly string[], folded: boolean, afterKeyword: string): QuickGate | undefined {
  if (keywords.length > MAX_QUICK_KEYWORDS) return undefined;
  const program = compileGateProgram(afterKeyword);
  if (!program) return undefined;
  return { keywords: keywords.map((k) => ({ bytes: Buffer.from(folded ? k.toLowerCase() : k), folded })), program };
}

/**
 * The gate at a hit starting at `pos`: any of the rule's keywords there followed by the program.
 * False when none can match, true when one does, undefined when RE2 must decide.
 */
export function runQuickGate(q: QuickGate, data: Uint8Array, pos: number, limit: number): boolean | undefined {
  let open = false;
  for (const k of q.keywords) {
    if (!bytesAt(data, pos, k.bytes, k.folded)) continue;
    const r = runGateProgram(q.program, data, pos + k.bytes.length, limit);
    if (r === true) return true;
    if (r === undefined) open = true;
  }
  return open ? undefined : false;
}
