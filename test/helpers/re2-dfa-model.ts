// A model of RE2's DFA, to check that rule regexes never make RE2 abandon its DFA for the NFA.
//
// RE2 (re2/dfa.cc) searches with a DFA built lazily into a cache of states: a state is the set of
// program instructions alive after some input. When the cache is full it is reset; when it fills a
// second time within the same search (at under ten bytes per state), RE2 gives up on the DFA and runs
// the NFA instead. So the DFA never falls back on a search whose distinct states fit in the cache.
//
// This module compiles a pattern to a Thompson NFA the way RE2 compiles it to a program (counted
// repetitions expanded, case folding, classes as byte sets), runs the same subset construction over
// the text RE2 would search, and reports how many distinct states the search visits and how large
// the largest is. Empty-width assertions (^, $, \b) are taken as always true and every thread is kept
// after a match, so the model's states are supersets of RE2's: what fits here fits in RE2.

/** One NFA node: a byte set to consume, or epsilon edges. */
interface Node {
  /** 256 bits; undefined for an epsilon node. */
  bytes?: Uint8Array;
  next: number[];
}

type Frag = { start: number; ends: number[] };

const ALL = () => new Uint8Array(256).fill(1);

class NfaBuilder {
  readonly nodes: Node[] = [];
  private i = 0;
  private fold = false;
  /** Every byte from 0x80 up: non-ASCII characters, as RE2 sees their UTF-8 bytes. */
  constructor(private readonly src: string) {}

  private node(bytes?: Uint8Array): number {
    this.nodes.push({ bytes, next: [] });
    return this.nodes.length - 1;
  }

  private patch(ends: number[], to: number): void {
    for (const e of ends) this.nodes[e]!.next.push(to);
  }

  private eps(): Frag {
    const n = this.node();
    return { start: n, ends: [n] };
  }

  private byteFrag(bytes: Uint8Array): Frag {
    const n = this.node(bytes);
    return { start: n, ends: [n] };
  }

  build(): { start: number; accept: number } {
    const f = this.alternation();
    if (this.i < this.src.length) throw new Error(`unbalanced ")" in ${this.src}`);
    const accept = this.node();
    this.patch(f.ends, accept);
    return { start: f.start, accept };
  }

  private alternation(): Frag {
    const alts = [this.concatenation()];
    while (this.src[this.i] === "|") {
      this.i++;
      alts.push(this.concatenation());
    }
    if (alts.length === 1) return alts[0]!;
    const split = this.node();
    this.nodes[split]!.next.push(...alts.map((a) => a.start));
    return { start: split, ends: alts.flatMap((a) => a.ends) };
  }

  private concatenation(): Frag {
    let frag: Frag | undefined;
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      const f = this.repeated();
      if (!f) continue;
      if (frag) this.patch(frag.ends, f.start);
      frag = frag ? { start: frag.start, ends: f.ends } : f;
    }
    return frag ?? this.eps();
  }

  /** An atom with its quantifiers; the atom is re-read from its source text for every copy. */
  private repeated(): Frag | undefined {
    const from = this.i;
    const fold = this.fold;
    let f = this.atom();
    const atomEnd = this.i;
    const again = (): Frag => {
      const save = this.i;
      this.i = from;
      this.fold = fold;
      const copy = this.atom()!;
      this.i = save;
      return copy;
    };
    if (!f) return undefined;
    for (;;) {
      const c = this.src[this.i];
      let min: number, max: number | undefined;
      if (c === "*") [min, max] = [0, undefined];
      else if (c === "+") [min, max] = [1, undefined];
      else if (c === "?") [min, max] = [0, 1];
      else if (c === "{" && /^\{\d+(?:,\d*)?\}/.test(this.src.slice(this.i))) {
        const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i))!;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? undefined : Number(m[3]);
        this.i += m[0].length - 1;
      } else break;
      this.i++;
      if (this.src[this.i] === "?") this.i++;
      const quantEnd = this.i;
      f = this.repeat(f, min, max, again);
      this.i = quantEnd;
      if (atomEnd === from) break;
    }
    return f;
  }

  private repeat(first: Frag, min: number, max: number | undefined, again: () => Frag): Frag {
    const parts: Frag[] = [];
    const take = () => (parts.length === 0 ? first : again());
    for (let k = 0; k < min; k++) parts.push(take());
    let out: Frag;
    if (max === undefined) {
      // x{min,}: min copies then a loop over one more.
      const loop = take();
      const split = this.node();
      this.nodes[split]!.next.push(loop.start);
      this.patch(loop.ends, split);
      parts.push({ start: split, ends: [split] });
    } else {
      for (let k = min; k < max; k++) {
        const opt = take();
        const split = this.node();
        this.nodes[split]!.next.push(opt.start);
        parts.push({ start: split, ends: [split, ...opt.ends] });
      }
    }
    if (parts.length === 0) return this.eps();
    out = parts[0]!;
    for (const p of parts.slice(1)) {
      this.patch(out.ends, p.start);
      out = { start: out.start, ends: p.ends };
    }
    return out;
  }

  private atom(): Frag | undefined {
    const c = this.src[this.i++]!;
    if (c === "(") return this.group();
    if (c === "[") return this.byteFrag(this.charClass());
    if (c === "\\") {
      const set = this.escape();
      return set ? this.byteFrag(set) : this.eps();
    }
    if (c === ".") {
      const s = ALL();
      s[10] = 0;
      return this.byteFrag(s);
    }
    if (c === "^" || c === "$") return this.eps();
    return this.literal(c);
  }

  private literal(c: string): Frag {
    const bytes = Buffer.from(c);
    let frag: Frag | undefined;
    for (const b of bytes) {
      const s = new Uint8Array(256);
      s[b] = 1;
      if (this.fold) s[foldByte(b)] = 1;
      const f = this.byteFrag(s);
      if (frag) this.patch(frag.ends, f.start);
      frag = frag ? { start: frag.start, ends: f.ends } : f;
    }
    return frag!;
  }

  private group(): Frag | undefined {
    if (this.src.startsWith("?P<", this.i) || this.src.startsWith("?<", this.i)) this.i = this.src.indexOf(">", this.i) + 1;
    else if (this.src[this.i] === "?") {
      const m = /^\?([a-zA-Z-]*)(:|\))/.exec(this.src.slice(this.i))!;
      this.i += m[0].length;
      const on = m[1]!.split("-")[0]!.includes("i");
      if (m[2] === ")") {
        if (on) this.fold = true;
        return undefined;
      }
      const saved = this.fold;
      if (on) this.fold = true;
      const inner = this.alternation();
      this.fold = saved;
      this.i++;
      return inner;
    }
    const saved = this.fold;
    const inner = this.alternation();
    this.fold = saved;
    if (this.src[this.i++] !== ")") throw new Error(`unbalanced "(" in ${this.src}`);
    return inner;
  }

  /** The byte set of an escape; undefined for empty-width ones (\b, \B, \A, \z). */
  private escape(): Uint8Array | undefined {
    const c = this.src[this.i++]!;
    const s = new Uint8Array(256);
    const add = (re: RegExp) => {
      for (let b = 0; b < 128; b++) if (re.test(String.fromCharCode(b))) s[b] = 1;
    };
    switch (c) {
      case "b":
      case "B":
      case "A":
      case "z":
        return undefined;
      case "d": add(/\d/); return s;
      case "s": add(/[\t\n\f\r ]/); return s;
      case "w": add(/\w/); return s;
      case "D": case "S": case "W": {
        const inner = c === "D" ? /\d/ : c === "S" ? /[\t\n\f\r ]/ : /\w/;
        for (let b = 0; b < 256; b++) s[b] = b >= 128 || !inner.test(String.fromCharCode(b)) ? 1 : 0;
        return s;
      }
      case "x": {
        let hex: string;
        if (this.src[this.i] === "{") {
          const end = this.src.indexOf("}", this.i);
          hex = this.src.slice(this.i + 1, end);
          this.i = end + 1;
        } else {
          hex = this.src.slice(this.i, this.i + 2);
          this.i += 2;
        }
        const v = parseInt(hex, 16);
        if (v < 128) s[v] = 1;
        else for (let b = 128; b < 256; b++) s[b] = 1;
        return s;
      }
      case "n": s[10] = 1; return s;
      case "t": s[9] = 1; return s;
      case "r": s[13] = 1; return s;
      case "f": s[12] = 1; return s;
      case "p": case "P":
        if (this.src[this.i] === "{") this.i = this.src.indexOf("}", this.i) + 1;
        else this.i++;
        return ALL();
      default: {
        const b = c.charCodeAt(0);
        s[b] = 1;
        if (this.fold) s[foldByte(b)] = 1;
        return s;
      }
    }
  }

  private charClass(): Uint8Array {
    const s = new Uint8Array(256);
    let negated = false;
    if (this.src[this.i] === "^") {
      negated = true;
      this.i++;
    }
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== "]" || first)) {
      first = false;
      const c = this.src[this.i++]!;
      let lo: number;
      if (c === "\\") {
        const e = this.escape();
        if (!e) continue;
        const bits = [...e.keys()].filter((b) => e[b]);
        if (bits.length !== 1) {
          bits.forEach((b) => (s[b] = 1));
          continue;
        }
        lo = bits[0]!;
      } else if (c.charCodeAt(0) >= 128) {
        for (let b = 128; b < 256; b++) s[b] = 1;
        continue;
      } else lo = c.charCodeAt(0);
      let hi = lo;
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length) {
        this.i++;
        let h = this.src[this.i++]!;
        if (h === "\\") {
          const e = this.escape()!;
          h = String.fromCharCode([...e.keys()].find((b) => e[b])!);
        }
        hi = h.charCodeAt(0);
        if (hi >= 128) for (let b = 128; b < 256; b++) s[b] = 1;
        hi = Math.min(hi, 127);
      }
      for (let b = lo; b <= hi; b++) {
        s[b] = 1;
        if (this.fold) s[foldByte(b)] = 1;
      }
    }
    this.i++;
    if (negated) for (let b = 0; b < 256; b++) s[b] = s[b] ? 0 : 1;
    return s;
  }
}

function foldByte(b: number): number {
  if (b >= 65 && b <= 90) return b + 32;
  if (b >= 97 && b <= 122) return b - 32;
  return b;
}

/** A pattern's NFA with a memoised subset construction, like RE2's DFA cache. */
export class DfaModel {
  private readonly nodes: Node[];
  private readonly start: number[];
  /** State key → its consuming-node set. */
  private readonly states = new Map<string, number[]>();
  private readonly transitions = new Map<string, string>();
  readonly nfaSize: number;
  /** Closure marks: a node is seen in the current closure when its mark equals `generation`. */
  private readonly seen: Uint32Array;
  private generation = 0;

  constructor(pattern: string) {
    const b = new NfaBuilder(pattern);
    const { start } = b.build();
    this.nodes = b.nodes;
    this.nfaSize = this.nodes.length;
    this.seen = new Uint32Array(this.nodes.length);
    this.start = this.closure([start]);
  }

  /** Epsilon closure, keeping the nodes that consume a byte (what RE2 keeps in a state). */
  private closure(from: number[]): number[] {
    const seen = this.seen;
    const mark = ++this.generation;
    const stack = [...from];
    const out: number[] = [];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen[n] === mark) continue;
      seen[n] = mark;
      const node = this.nodes[n]!;
      if (node.bytes) out.push(n);
      else if (node.next.length === 0) out.push(n); // accept
      else stack.push(...node.next);
    }
    return out.sort((a, b) => a - b);
  }

  private key(set: number[]): string {
    const k = set.join(",");
    if (!this.states.has(k)) this.states.set(k, set);
    return k;
  }

  private step(stateKey: string, byte: number): string {
    const t = `${stateKey}|${byte}`;
    const cached = this.transitions.get(t);
    if (cached !== undefined) return cached;
    const set = this.states.get(stateKey)!;
    const next: number[] = [];
    for (const n of set) {
      const node = this.nodes[n]!;
      if (node.bytes?.[byte]) next.push(...node.next);
    }
    // Unanchored search: a new thread may start at every position.
    const k = this.key(this.closure([...next, ...this.start]));
    this.transitions.set(t, k);
    return k;
  }

  /** Distinct states one unanchored search over `text` visits, and the most instructions in one. */
  search(text: Buffer): { states: number; widest: number } {
    const seen = new Set<string>();
    let cur = this.key(this.start);
    seen.add(cur);
    for (const b of text) {
      cur = this.step(cur, b);
      seen.add(cur);
    }
    let widest = 0;
    for (const k of seen) widest = Math.max(widest, this.states.get(k)!.length);
    return { states: seen.size + 1, widest };
  }
}

// RE2's budget (re2.h: max_mem 8 MiB, of which the forward program gets 2/3; dfa.cc: the first-match
// DFA gets half of what the program leaves, less its work queues; a state costs a header, one next
// pointer per byte class (at most 257) and an int per instruction, plus the cache's own overhead).
const MAX_MEM = 8 << 20;

/** Bytes RE2's forward DFA may spend on states for a program of about `n` instructions. */
export function dfaStateBudget(n: number): number {
  return ((MAX_MEM * 2) / 3 - n * 16) / 2 - n * 2 * 8 * 2 - n * 4 - 4096;
}

/** Upper bound on the bytes RE2 spends on one cached state holding `instructions` instructions. */
export function dfaStateBytes(instructions: number): number {
  return 32 + 257 * 8 + instructions * 4 + 64;
}
