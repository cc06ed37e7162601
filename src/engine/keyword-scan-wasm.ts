// The automaton's inner loop (src/engine/keyword-automaton.ts) as a small WebAssembly function: one
// table lookup per input byte, as in the JavaScript loop, without JavaScript's per-access checks.
// Measured on the bench tree (55 MB of npm packages, 1,211 keywords): the JavaScript loop ran at
// 3–5 ns per byte, this one at about 2.5; `test/keyword-automaton-wasm.test.ts` checks that both
// report the same transitions.
//
// The module is 200 bytes, assembled here from its instructions: no compiler toolchain at build
// time and no binary blob in the repository. It exports `scan` and its memory:
//
//   scan(next, classes, data, n, out, cap, state) → k
//     for each byte b of data[0…n): t = next[state + classes[b]]; when t < 0 (keywords end at the
//     new state) the new state is −t − 1 and (offset, state) is written to out; else state = t.
//     Stops after `cap` such pairs. Writes the final state at address 0 and the offset reached at 4.
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

function moduleBytes(): Uint8Array {
  const name = (t: string) => [...uleb(t.length), ...Buffer.from(t)];
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (n: number) => [0x41, ...sleb(n)];
  const [ADD, SUB, SHL, LT_S, GE_U] = [0x6a, 0x6b, 0x74, 0x48, 0x4f];
  const load = (offset: number) => [0x28, 2, ...uleb(offset)];
  const load8 = [0x2d, 0, 0];
  const store = (offset: number) => [0x36, 2, ...uleb(offset)];
  const [BLOCK, LOOP, IF, ELSE, END, BR, BR_IF, VOID] = [0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x40];
  // Parameters 0 next, 1 classes, 2 data, 3 n, 4 out, 5 cap, 6 state; locals 7 p, 8 t, 9 k, 10 end.
  const body = [
    ...get(2), ...set(7), ...get(2), ...get(3), ADD, ...set(10),
    BLOCK, VOID, LOOP, VOID,
    ...get(7), ...get(10), GE_U, BR_IF, 1,
    // t = next[state + classes[*p]]
    ...get(0), ...get(6), ...get(1), ...get(7), ...load8, ADD, ...load8, ADD, ...i32(2), SHL, ADD, ...load(0),
    ...tee(8), ...i32(0), LT_S,
    IF, VOID,
    ...i32(-1), ...get(8), SUB, ...set(6),
    ...get(4), ...get(9), ...i32(3), SHL, ADD, ...get(7), ...get(2), SUB, ...store(0),
    ...get(4), ...get(9), ...i32(3), SHL, ADD, ...get(6), ...store(4),
    ...get(9), ...i32(1), ADD, ...tee(9), ...get(5), GE_U,
    IF, VOID, ...get(7), ...i32(1), ADD, ...set(7), BR, 3, END,
    ELSE, ...get(8), ...set(6), END,
    ...get(7), ...i32(1), ADD, ...set(7), BR, 0,
    END, END,
    ...i32(0), ...get(6), ...store(0), ...i32(4), ...get(7), ...get(2), SUB, ...store(0),
    ...get(9), END,
  ];
  const func = [1, 4, 0x7f, ...body];

  // scan2: two streams in one loop. Parameters 0 next, 1 classes, 2 pa, 3 aEnd, 4 pb, 5 bEnd,
  // 6 outA, 7 outB, 8 cap, 9 sa, 10 sb; locals 11 t, 12 ka, 13 kb.
  const OR = 0x72;
  const step = (p: number, st: number, out: number, k: number) => [
    // t = next[st + classes[*p]]
    ...get(0), ...get(st), ...get(1), ...get(p), ...load8, ADD, ...load8, ADD, ...i32(2), SHL, ADD, ...load(0),
    ...tee(11), ...i32(0), LT_S,
    IF, VOID,
    ...i32(-1), ...get(11), SUB, ...set(st),
    ...get(out), ...get(k), ...i32(3), SHL, ADD, ...get(p), ...store(0),
    ...get(out), ...get(k), ...i32(3), SHL, ADD, ...get(st), ...store(4),
    ...get(k), ...i32(1), ADD, ...set(k),
    ELSE, ...get(11), ...set(st), END,
    ...get(p), ...i32(1), ADD, ...set(p),
  ];
  const body2 = [
    BLOCK, VOID, LOOP, VOID,
    ...get(2), ...get(3), GE_U, ...get(4), ...get(5), GE_U, OR, BR_IF, 1,
    ...step(2, 9, 6, 12),
    ...step(4, 10, 7, 13),
    ...get(12), ...get(8), GE_U, ...get(13), ...get(8), GE_U, OR, BR_IF, 1,
    BR, 0,
    END, END,
    ...i32(0), ...get(9), ...store(0), ...i32(0), ...get(10), ...store(4),
    ...i32(0), ...get(2), ...store(8), ...i32(0), ...get(4), ...store(12),
    ...i32(0), ...get(12), ...store(16), ...i32(0), ...get(13), ...store(20),
    ...i32(0), END,
  ];
  const func2 = [1, 3, 0x7f, ...body2];
  const I32 = 0x7f;
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [2, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 1, I32, 0x60, 11, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, 1, I32]),
    ...section(3, [2, 0, 1]),
    ...section(5, [1, 0, 1]),
    ...section(7, [3, ...name("scan"), 0, 0, ...name("mem"), 2, 0, ...name("scan2"), 0, 1]),
    ...section(10, [2, ...uleb(func.length), ...func, ...uleb(func2.length), ...func2]),
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

/** Input is copied into the module's memory this much at a time; the state carries across pieces. */
const PIECE = 1 << 20;
/** Transitions recorded per call; more resume from where the call stopped. */
const CAP = 1 << 14;

export interface WasmKeywordScanner {
  /** Calls `onEnd(offset, state)` for every byte at which keywords end, in order. */
  transitions(data: Uint8Array, from: number, onEnd: (offset: number, state: number) => void): void;
}

/**
 * A scanner over `a`'s tables, or undefined when WebAssembly cannot run them here.
 *
 * Each input byte's lookup depends on the state the previous one gave, so one stream waits on memory
 * at every byte. A piece is therefore scanned as two halves at once (`scan2`), whose lookups overlap:
 * on real code about 1.7 times the bytes per second. The second half starts from the root state as
 * many bytes before its start as the longest keyword has — the automaton's state depends on no more
 * than that many bytes — and reports only what ends in its own half. The first half's transitions
 * are reported before the second's, so the order is the input's.
 */
export function wasmKeywordScanner(a: Pick<KeywordAutomaton, "next" | "classes" | "classCount" | "lengths">): WasmKeywordScanner | undefined {
  // Classes are read as bytes in the module.
  if (a.classCount > 256) return undefined;
  const mod = wasmModule();
  if (!mod) return undefined;
  const instance = new WASM!.Instance(mod);
  const memory = instance.exports.mem as WasmMemory;
  const scan = instance.exports.scan as (next: number, classes: number, data: number, n: number, out: number, cap: number, state: number) => number;
  const scan2 = instance.exports.scan2 as (next: number, classes: number, pa: number, aEnd: number, pb: number, bEnd: number, outA: number, outB: number, cap: number, sa: number, sb: number) => number;
  const warm = a.lengths.reduce((m, l) => Math.max(m, l), 1);
  const splitMin = Math.max(256, 4 * warm);
  const NEXT = 64;
  const CLASSES = NEXT + a.next.byteLength;
  const OUT = CLASSES + 256;
  const OUT_B = OUT + CAP * 8;
  const DATA = OUT_B + CAP * 8;
  memory.grow(Math.ceil((DATA + PIECE - memory.buffer.byteLength) / 65536));
  new Int32Array(memory.buffer, NEXT, a.next.length).set(a.next);
  new Uint8Array(memory.buffer, CLASSES, 256).set(Uint8Array.from(a.classes));
  const bytes = new Uint8Array(memory.buffer);
  const words = new Int32Array(memory.buffer);
  const outA = OUT >> 2;
  const outB = OUT_B >> 2;

  /** One stream over piece offsets [lo, hi) from `state`; transitions before `keepFrom` are not reported. */
  function single(base: number, lo: number, hi: number, state: number, keepFrom: number, onEnd: (offset: number, state: number) => void): number {
    let at = lo;
    while (at < hi) {
      const k = scan(NEXT, CLASSES, DATA + at, hi - at, OUT, CAP, state);
      for (let j = 0; j < k; j++) {
        const offset = at + words[outA + 2 * j]!;
        if (offset >= keepFrom) onEnd(base + offset, words[outA + 2 * j + 1]!);
      }
      state = words[0]!;
      at += words[1]!;
    }
    return state;
  }

  return {
    transitions(data, from, onEnd) {
      let state = 0;
      for (let base = from; base < data.length; base += PIECE) {
        const piece = data.subarray(base, Math.min(data.length, base + PIECE));
        bytes.set(piece, DATA);
        const n = piece.length;
        if (n < splitMin) {
          state = single(base, 0, n, state, 0, onEnd);
          continue;
        }
        const mid = n >> 1;
        let pa = DATA;
        let pb = DATA + mid - warm;
        let sa = state;
        let sb = 0;
        // The second half's transitions wait until the first half's are all reported.
        const held: number[] = [];
        while (pa < DATA + mid && pb < DATA + n) {
          scan2(NEXT, CLASSES, pa, DATA + mid, pb, DATA + n, OUT, OUT_B, CAP, sa, sb);
          sa = words[0]!;
          sb = words[1]!;
          pa = words[2]!;
          pb = words[3]!;
          const ka = words[4]!;
          const kb = words[5]!;
          for (let j = 0; j < ka; j++) onEnd(base + words[outA + 2 * j]! - DATA, words[outA + 2 * j + 1]!);
          for (let j = 0; j < kb; j++) {
            const offset = words[outB + 2 * j]! - DATA;
            if (offset >= mid) held.push(offset, words[outB + 2 * j + 1]!);
          }
        }
        if (pa < DATA + mid) single(base, pa - DATA, mid, sa, 0, onEnd);
        for (let j = 0; j < held.length; j += 2) onEnd(base + held[j]!, held[j + 1]!);
        state = pb < DATA + n ? single(base, pb - DATA, n, sb, mid, onEnd) : sb;
      }
    },
  };
}
