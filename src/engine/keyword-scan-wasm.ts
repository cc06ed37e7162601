// The automaton's inner loop (src/engine/keyword-automaton.ts) as small WebAssembly functions: one
// table lookup per input byte, as in the JavaScript loop, without JavaScript's per-access checks.
// `test/keyword-automaton-wasm.test.ts` checks that both report the same transitions.
//
// The module (under 1 KB) is assembled here from its instructions: no compiler toolchain at build
// time and no binary blob in the repository. It exports its memory and `scan1`, `scan2`, `scan4`:
// one loop that steps N streams of the same length at once (N = 1, 2 or 4).
//
//   scanN(b₀…, len, out, cap, s₀…, j) → 0
//     for j from j to len, for each stream i: byte = mem[bᵢ + j]; t = NEXT[sᵢ + CLASSES[byte]];
//     when t < 0 (keywords end at the new state) sᵢ = −t − 1 and (j, sᵢ) is written to stream i's
//     part of out; else sᵢ = t. Stops after the step in which a stream has written `cap` pairs (a
//     guard of the out area: callers give no stream more bytes than it has room for).
//     Writes s₀… at address 0, then j, then each stream's count.
//
// The tables sit at fixed addresses, so their bases are immediates of the loads; the automaton
// numbers its states by the byte offsets of their rows and stores each byte's class as a byte offset
// within a row (u16). A step is then load, load, add, load and a sign test. Measured on
// the bench tree's 55 MB as one buffer (`scanKeywords`, warm): 1.4 ns per byte, against 1.9 for the
// earlier two-stream loop that added the table bases and scaled the index at every byte; four
// streams alone, without the fixed tables, gained nothing (the loop was bound by its instructions,
// not by waiting on memory).
import type { KeywordAutomaton } from "./keyword-automaton.js";

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    let b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40) !== 0);
    if (!done) b |= 0x80;
    out.push(b);
    if (done) return out;
  }
};

/** Input is copied into the module's memory this much at a time; the state carries across pieces. */
const PIECE = 1 << 20;
/**
 * Pairs each stream of an n-stream call can record: its share of a piece, since a stream records at
 * most one pair per byte. The out area (PIECE · 8 bytes) thus holds every pair of a piece at once.
 */
const capOf = (n: number) => PIECE / n;
/** Byte offsets of the class table (256 u16) and of the transition table, which follows it. */
const CLASSES_AT = 64;
const NEXT_AT = CLASSES_AT + 512;
/** Stream counts with a function each. */
const WIDTHS = [1, 2, 4] as const;

function lockstep(n: number): number[] {
  const get = (i: number) => [0x20, ...uleb(i)];
  const set = (i: number) => [0x21, ...uleb(i)];
  const tee = (i: number) => [0x22, ...uleb(i)];
  const i32 = (v: number) => [0x41, ...sleb(v)];
  const [ADD, SUB, SHL, LT_S, GE_U] = [0x6a, 0x6b, 0x74, 0x48, 0x4f];
  const load = (offset: number) => [0x28, 2, ...uleb(offset)];
  const load16 = (offset: number) => [0x2f, 1, ...uleb(offset)];
  const load8 = [0x2d, 0, 0];
  const store = (offset: number) => [0x36, 2, ...uleb(offset)];
  const [BLOCK, LOOP, IF, ELSE, END, BR, BR_IF, VOID] = [0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x40];
  // Parameters: b₀…bₙ₋₁, len, out, cap, s₀…sₙ₋₁, j; locals: t, k₀…kₙ₋₁.
  const B = 0;
  const LEN = n;
  const OUT = n + 1;
  const CAP_ = n + 2;
  const S = n + 3;
  const J = 2 * n + 3;
  const T = 2 * n + 4;
  const K = 2 * n + 5;
  const step = (i: number) => [
    ...get(B + i), ...get(J), ADD, ...load8, ...i32(1), SHL, ...load16(CLASSES_AT), ...get(S + i), ADD, ...load(NEXT_AT),
    ...tee(T), ...i32(0), LT_S,
    IF, VOID,
    ...i32(-1), ...get(T), SUB, ...set(S + i),
    ...get(OUT), ...get(K + i), ...i32(3), SHL, ADD, ...get(J), ...store(i * capOf(n) * 8),
    ...get(OUT), ...get(K + i), ...i32(3), SHL, ADD, ...get(S + i), ...store(i * capOf(n) * 8 + 4),
    ...get(K + i), ...i32(1), ADD, ...tee(K + i), ...get(CAP_), GE_U,
    // Full: this step is the loop's last.
    IF, VOID, ...get(J), ...i32(1), ADD, ...set(LEN), END,
    ELSE, ...get(T), ...set(S + i), END,
  ];
  const body = [
    BLOCK, VOID, LOOP, VOID,
    ...get(J), ...get(LEN), GE_U, BR_IF, 1,
    ...Array.from({ length: n }, (_, i) => step(i)).flat(),
    ...get(J), ...i32(1), ADD, ...set(J),
    BR, 0,
    END, END,
    ...Array.from({ length: n }, (_, i) => [...i32(0), ...get(S + i), ...store(4 * i)]).flat(),
    ...i32(0), ...get(J), ...store(4 * n),
    ...Array.from({ length: n }, (_, i) => [...i32(0), ...get(K + i), ...store(4 * n + 4 + 4 * i)]).flat(),
    ...i32(0), END,
  ];
  return [1, ...uleb(n + 1), 0x7f, ...body];
}

function moduleBytes(): Uint8Array {
  const name = (t: string) => [...uleb(t.length), ...Buffer.from(t)];
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const I32 = 0x7f;
  const types = WIDTHS.flatMap((n) => [0x60, ...uleb(2 * n + 4), ...Array<number>(2 * n + 4).fill(I32), 1, I32]);
  const bodies = WIDTHS.flatMap((n) => {
    const f = lockstep(n);
    return [...uleb(f.length), ...f];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [WIDTHS.length, ...types]),
    ...section(3, [WIDTHS.length, ...WIDTHS.map((_, i) => i)]),
    ...section(5, [1, 0, 1]),
    ...section(7, [WIDTHS.length + 1, ...name("mem"), 2, 0, ...WIDTHS.flatMap((n, i) => [...name(`scan${n}`), 0, i])]),
    ...section(10, [WIDTHS.length, ...bodies]),
  ]);
}

// The few WebAssembly types used here (Node has the global; this project's type library does not declare it).
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

function wasmModule(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    if (!WASM) throw new Error("no WebAssembly");
    compiled = new WASM.Module(moduleBytes());
  } catch {
    // A runtime without WebAssembly (or with it disabled) scans with the JavaScript loop.
    compiled = null;
  }
  return compiled;
}

export interface WasmKeywordScanner {
  /** Calls `onEnd(offset, state)` for every byte at which keywords end, in order. */
  transitions(data: Uint8Array, from: number, onEnd: (offset: number, state: number) => void): void;
}

type Scan = (...args: number[]) => number;

/**
 * A scanner over `a`'s tables, or undefined when WebAssembly cannot run them here.
 *
 * Each input byte's lookup depends on the state the previous one gave, so one stream waits on memory
 * at every byte. A piece is therefore cut into two or four parts scanned at once, whose lookups
 * overlap. Each part after the first starts from the root state as many bytes before its own start
 * as the longest keyword has — the automaton's state depends on no more than that many bytes — and
 * reports only what ends in its own part. Parts are reported one after another, so the order is the
 * input's.
 */
export function wasmKeywordScanner(a: Pick<KeywordAutomaton, "next" | "classes" | "lengths">): WasmKeywordScanner | undefined {
  const mod = wasmModule();
  if (!mod) return undefined;
  const instance = new WASM!.Instance(mod);
  const memory = instance.exports.mem as WasmMemory;
  const [scan1, scan2, scan4] = WIDTHS.map((n) => instance.exports[`scan${n}`] as Scan) as [Scan, Scan, Scan];
  const warm = a.lengths.reduce((m, l) => Math.max(m, l), 1);
  // A part is worth its own stream when the warm-up it repeats is small beside it.
  const widthFor = (n: number): 1 | 2 | 4 => (n >= Math.max(4096, 64 * warm) ? 4 : n >= Math.max(256, 4 * warm) ? 2 : 1);
  const OUT = NEXT_AT + a.next.byteLength;
  const DATA = OUT + PIECE * 8;
  memory.grow(Math.ceil((DATA + PIECE - memory.buffer.byteLength) / 65536));
  // The automaton's own tables: states are already byte offsets of their rows, classes offsets within one.
  new Int32Array(memory.buffer, NEXT_AT, a.next.length).set(a.next);
  new Uint16Array(memory.buffer, CLASSES_AT, 256).set(a.classes);
  const bytes = new Uint8Array(memory.buffer);
  const words = new Int32Array(memory.buffer);
  const outWords = OUT >> 2;

  /** Reports the pairs of stream `stream` of a `width`-stream call, as piece offsets from `begin`. */
  function report(width: number, stream: number, count: number, begin: number, base: number, keepFrom: number, onEnd: (offset: number, state: number) => void): void {
    const out = outWords + stream * capOf(width) * 2;
    for (let e = 0; e < count; e++) {
      const offset = begin + words[out + 2 * e]!;
      if (offset >= keepFrom) onEnd(base + offset, words[out + 2 * e + 1]!);
    }
  }

  function complete(done: number, len: number): void {
    if (done !== len) throw new Error("internal error: the keyword scan's output area is full");
  }

  /** Bytes [lo, hi) of the piece at DATA as one stream from `state`: the final state. */
  function scanOne(base: number, lo: number, hi: number, state: number, onEnd: (offset: number, state: number) => void): number {
    if (hi <= lo) return state;
    scan1(DATA + lo, hi - lo, OUT, capOf(1), state, 0);
    complete(words[1]!, hi - lo);
    report(1, 0, words[2]!, lo, base, lo, onEnd);
    return words[0]!;
  }

  /**
   * The piece's `n` bytes (at DATA) from `state` as `width` parts at once: the final state. Part i
   * reports offsets from its own start; its stream starts `warm` bytes before (the first: at 0),
   * all run for one part's length, and each later part then finishes its last bytes alone. `onEnd`
   * gets absolute offsets (the piece starts at `base`), part after part.
   */
  function scanParts(base: number, n: number, state: number, width: 2 | 4, onEnd: (offset: number, state: number) => void): number {
    const q = Math.floor(n / width);
    const b = q - warm;
    if (width === 2) scan2(DATA, DATA + b, q, OUT, capOf(2), state, 0, 0);
    else scan4(DATA, DATA + b, DATA + q + b, DATA + 2 * q + b, q, OUT, capOf(4), state, 0, 0, 0, 0);
    complete(words[width]!, q);
    const states = Array.from({ length: width }, (_, i) => words[i]!);
    const counts = Array.from({ length: width }, (_, i) => words[width + 1 + i]!);
    report(width, 0, counts[0]!, 0, base, 0, onEnd);
    // The first part's state is the second's start: only the last part's final state carries on.
    let last = 0;
    for (let i = 1; i < width; i++) {
      const begin = (i - 1) * q + b;
      report(width, i, counts[i]!, begin, base, i * q, onEnd);
      // The rest is at most `warm` + 3 bytes: its pairs go to the first stream's area, already reported.
      last = scanOne(base, begin + q, i === width - 1 ? n : (i + 1) * q, states[i]!, onEnd);
    }
    return last;
  }

  return {
    transitions(data, from, onEnd) {
      let state = 0;
      for (let base = from; base < data.length; base += PIECE) {
        const piece = data.subarray(base, Math.min(data.length, base + PIECE));
        const n = piece.length;
        bytes.set(piece, DATA);
        const width = widthFor(n);
        state = width === 1 ? scanOne(base, 0, n, state, onEnd) : scanParts(base, n, state, width, onEnd);
      }
    },
  };
}
