// Every keyword of a rule set in one Aho–Corasick automaton over ASCII-folded bytes: one table
// lookup per input byte, whatever the number of keywords or of hits.
//
// It replaced one RE2 alternation of the keywords (src/engine/prefilter.ts says how it is used).
// RE2 scanned fast between hits, but source code has a keyword hit every few hundred bytes ("token",
// "https://", "key"), and each hit cost a return to JavaScript and a fresh RE2 search: half the
// prefilter's time was spent re-entering RE2. Here a hit is a branch in the same loop.
//
// Case: the automaton reads bytes through ASCII lower-casing, so a case-insensitive keyword matches
// in any case and a case-sensitive one is confirmed against the original bytes when it is found.
// Unicode has two characters that fold to ASCII letters (U+212A KELVIN SIGN to k, U+017F LONG S to
// s), which RE2's (?i) honours and byte folding cannot; around either, the RE2 alternation answers
// instead (src/engine/prefilter.ts), so both searches report the same hits. Their UTF-8 bytes are two
// more words of the automaton (ids past the keywords'), so the same pass that finds the keywords says
// whether that is needed: two searches of every buffer for them cost ~14 ms of a bench tree scan.
import type { KeywordBytes } from "./compile.js";
import { bytesAt, lowerByte } from "./byte-compare.js";
import { wasmKeywordScanner, type WasmKeywordScanner } from "./keyword-scan-wasm.js";

export interface KeywordAutomaton {
  /**
   * Byte → 4·input class (ASCII upper case shares its lower case's class; bytes in no keyword are
   * class 0): a class's byte offset within a row of `next`.
   */
  classes: Uint16Array;
  classCount: number;
  /**
   * (state's row offset + class offset) / 4 → the next state's row offset, or −(row offset) − 1 when
   * keywords end at the next state: one branch per byte. A state is the byte offset of its row
   * (state number · classCount · 4), so the WebAssembly loop adds offsets and loads, nothing more.
   */
  next: Int32Array;
  /** Keywords ending at a state, longest first: ids in `outputs` from `outputStart[s]` to `outputStart[s + 1]`. */
  outputStart: Int32Array;
  outputs: Int32Array;
  /** The keywords the ids refer to. */
  keywords: readonly KeywordBytes[];
  lengths: Int32Array;
  /** 1 where a keyword is case-sensitive: found through folding, it is confirmed on the original bytes. */
  exact: Uint8Array;
}

/** UTF-8 of the characters that fold to ASCII letters only under Unicode rules. */
export const UNICODE_FOLDS = [Buffer.from("\u212A"), Buffer.from("\u017F")];

/** Byte lengths and exactness by id: the keywords', then the Unicode folds' (matched as exact bytes). */
export function idTables(keywords: readonly KeywordBytes[]): { lengths: Int32Array; exact: Uint8Array } {
  return {
    lengths: Int32Array.from([...keywords.map((k) => k.bytes.length), ...UNICODE_FOLDS.map((b) => b.length)]),
    exact: Uint8Array.from([...keywords.map((k) => (k.folded ? 0 : 1)), ...UNICODE_FOLDS.map(() => 1)]),
  };
}

export function buildKeywordAutomaton(keywordList: readonly KeywordBytes[]): KeywordAutomaton {
  const keywords = [...keywordList, ...UNICODE_FOLDS.map((bytes) => ({ bytes, folded: false }))];
  const classes = new Uint16Array(256);
  let classCount = 1;
  for (const k of keywords) {
    for (const raw of k.bytes) {
      const b = lowerByte(raw);
      if (classes[b] === 0) classes[b] = classCount++;
    }
  }
  for (let b = 0x41; b <= 0x5a; b++) classes[b] = classes[b | 0x20]!;
  const classOffsets = Uint16Array.from(classes, (c) => c * 4);

  // The trie, with goto edges in a growable array of per-state rows.
  const rows: Int32Array[] = [new Int32Array(classCount).fill(-1)];
  const ends: number[][] = [[]];
  keywords.forEach((k, id) => {
    let s = 0;
    for (const raw of k.bytes) {
      const c = classes[lowerByte(raw)]!;
      let t = rows[s]![c]!;
      if (t < 0) {
        t = rows.length;
        rows.push(new Int32Array(classCount).fill(-1));
        ends.push([]);
        rows[s]![c] = t;
      }
      s = t;
    }
    ends[s]!.push(id);
  });

  // Breadth first: failure links, completed transitions, and outputs inherited along failure links.
  const states = rows.length;
  const fail = new Int32Array(states);
  const outs: number[][] = ends.map((e) => [...e]);
  const queue: number[] = [];
  for (let c = 0; c < classCount; c++) {
    const t = rows[0]![c]!;
    if (t < 0) rows[0]![c] = 0;
    else {
      fail[t] = 0;
      queue.push(t);
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    const f = fail[s]!;
    outs[s]!.push(...outs[f]!);
    for (let c = 0; c < classCount; c++) {
      const t = rows[s]![c]!;
      if (t < 0) rows[s]![c] = rows[f]![c]!;
      else {
        fail[t] = rows[f]![c]!;
        queue.push(t);
      }
    }
  }

  // States are numbered in breadth-first order: text keeps the automaton near its root, so the rows
  // it reads at almost every byte (root and the first levels) sit together in the cache rather than
  // scattered over the table in keyword order (1.5 MB for the built-in rules): 8% faster on the bench tree.
  const order = [0, ...queue];
  const rank = new Int32Array(states);
  order.forEach((s, i) => (rank[s] = i));
  const { lengths, exact } = idTables(keywordList);
  const next = new Int32Array(states * classCount);
  const outputStart = new Int32Array(states + 1);
  let total = 0;
  for (let i = 0; i < states; i++) {
    const s = order[i]!;
    for (let c = 0; c < classCount; c++) {
      const t = rows[s]![c]!;
      const row = rank[t]! * classCount * 4;
      next[i * classCount + c] = outs[t]!.length ? -row - 1 : row;
    }
    outputStart[i] = total;
    total += outs[s]!.length;
  }
  outputStart[states] = total;
  const outputs = new Int32Array(total);
  for (let i = 0; i < states; i++) {
    const list = outs[order[i]!]!.sort((a, b) => lengths[b]! - lengths[a]!);
    outputs.set(list, outputStart[i]!);
  }
  return { classes: classOffsets, classCount, next, outputStart, outputs, keywords: keywordList, lengths, exact };
}

const wasmScanners = new WeakMap<KeywordAutomaton, WasmKeywordScanner | null>();

function wasmScannerOf(a: KeywordAutomaton): WasmKeywordScanner | null {
  let w = wasmScanners.get(a);
  if (w === undefined) {
    w = wasmKeywordScanner(a) ?? null;
    wasmScanners.set(a, w);
  }
  return w;
}

/** Keyword occurrences (the longest per start, in order of start), and whether a Unicode fold was seen. */
export interface KeywordScan {
  starts: number[];
  ids: number[];
  /** The text from `from` on holds a character that folds to an ASCII letter only under Unicode rules. */
  unicodeFolds: boolean;
}

/**
 * Every keyword occurrence that starts at or after `from`, as the longest keyword per start: `starts`
 * and `ids` in order of start. A case-sensitive keyword counts only where its bytes match exactly.
 * The byte loop runs in WebAssembly where it can (src/engine/keyword-scan-wasm.ts); `engine` forces
 * one loop or the other (tests compare them).
 */
export function scanKeywords(a: KeywordAutomaton, data: Buffer, from: number, engine?: "js" | "wasm"): KeywordScan {
  const { classes, classCount, next, outputStart, outputs, exact, lengths, keywords } = a;
  const result: KeywordScan = { starts: [], ids: [], unicodeFolds: false };
  const { starts, ids } = result;
  // No keywords (a configuration without rules): nothing to look at.
  if (keywords.length === 0) return result;
  const words = keywords.length;
  const record = (i: number, s: number): void => {
    const state = s / (classCount * 4);
    const o1 = outputStart[state + 1]!;
    for (let o = outputStart[state]!; o < o1; o++) {
      const id = outputs[o]!;
      if (id >= words) {
        result.unicodeFolds = true;
        continue;
      }
      const start = i + 1 - lengths[id]!;
      if (exact[id] && !bytesAt(data, start, keywords[id]!.bytes)) continue;
      insert(starts, ids, lengths, start, id);
    }
  };
  const wasm = engine === "js" ? null : wasmScannerOf(a);
  if (engine === "wasm" && !wasm) throw new Error("WebAssembly keyword scanner unavailable");
  if (wasm) {
    wasm.transitions(data, from, record);
    return result;
  }
  let s = 0;
  const n = data.length;
  for (let i = from; i < n; i++) {
    const t = next[(s + classes[data[i]!]!) >> 2]!;
    if (t >= 0) {
      s = t;
      continue;
    }
    s = -t - 1;
    record(i, s);
  }
  return result;
}

/**
 * Records an occurrence, keeping one per start (the longest) in order of start. Occurrences arrive in
 * order of their end, so a start is almost always past the last one recorded; an earlier start (a
 * longer keyword overlapping the last ones found) is moved into place.
 */
function insert(starts: number[], ids: number[], lengths: Int32Array, start: number, id: number): void {
  let j = starts.length;
  while (j > 0 && starts[j - 1]! > start) j--;
  if (j > 0 && starts[j - 1] === start) {
    if (lengths[id]! > lengths[ids[j - 1]!]!) ids[j - 1] = id;
    return;
  }
  if (j === starts.length) {
    starts.push(start);
    ids.push(id);
  } else {
    starts.splice(j, 0, start);
    ids.splice(j, 0, id);
  }
}