// Entropy gates. A rule's `entropy` is a minimum in bits per symbol, but what random values reach
// depends on their alphabet and length: a random 32-digit hex token averages 3.66 bits and falls
// under 3.3 about once in 60, under 3.5 one time in five. So a value under the rule's minimum
// still passes when its letters and digits look as random as values of their own alphabet and
// length do: their entropy is at or above what all but 1 in 10,000 uniformly random strings of that
// alphabet and length reach (the floor, by simulation, once per alphabet and length).

import { ENTROPY_FLOORS, FLOORS_FROM } from "./entropy-floors.js";

/** Shannon entropy of a byte string in bits per symbol (0 for empty input). */
export function shannonEntropy(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  const counts = new Uint32Array(256);
  for (let i = 0; i < bytes.length; i++) counts[bytes[i]!]!++;
  let h = 0;
  const n = bytes.length;
  for (let i = 0; i < 256; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;

/** Size of the smallest usual alphabet (digits, hex, lower or upper case with digits, alphanumeric) holding every byte. */
function alphabetSize(alnum: Uint8Array): number {
  let lower = false;
  let upper = false;
  let beyondHexLower = false;
  let beyondHexUpper = false;
  let digits = false;
  for (const c of alnum) {
    if (isDigit(c)) digits = true;
    else if (isLower(c)) {
      lower = true;
      if (c > 0x66) beyondHexLower = true;
    } else {
      upper = true;
      if (c > 0x46) beyondHexUpper = true;
    }
  }
  if (lower && upper) return 62;
  if (!lower && !upper) return digits ? 10 : 62;
  if (lower ? !beyondHexLower : !beyondHexUpper) return 16;
  return 36;
}

/** Longest run simulated: past it, the floor of this length is used (floors rise with length, so this errs towards passing). */
export const MAX_SIMULATED = 128;
const SAMPLES = 10_000;
const simulated = new Map<number, number>();

/**
 * The entropy that all but 1 in 10,000 uniformly random strings of `n` symbols from `k` reach: the
 * lowest of SAMPLES drawn (about that quantile). Deterministic: the same floor on every machine.
 */
export function simulateFloor(k: number, n: number): number {
  // xorshift32, seeded by the alphabet and length.
  let x = ((k * 1024 + n) * 2654435761) >>> 0 || 1;
  const counts = new Uint32Array(k);
  // H = log2 n − Σ c·log2 c / n over the symbols' counts c: one table lookup per symbol drawn.
  const cLogC = Float64Array.from({ length: n + 1 }, (_, c) => (c ? c * Math.log2(c) : 0));
  const log2n = Math.log2(n);
  let lowest = Infinity;
  for (let s = 0; s < SAMPLES; s++) {
    counts.fill(0);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      const c = ++counts[x % k]!;
      // c·log2 c grows by cLogC[c] − cLogC[c − 1] as a count goes up by one.
      sum += cLogC[c]! - cLogC[c - 1]!;
    }
    lowest = Math.min(lowest, log2n - sum / n);
  }
  return lowest;
}

/**
 * The floor for `n` symbols of an alphabet of `k`: from the table generated at build time for the
 * alphabets and lengths a gate asks about (a simulation is ~7 ms, and a tree scan asked for dozens),
 * else simulated once per run.
 */
export function randomFloor(k: number, n: number): number {
  n = Math.min(n, MAX_SIMULATED);
  const table = ENTROPY_FLOORS[k];
  if (table && n >= FLOORS_FROM) return table[n - FLOORS_FROM]!;
  const key = k * 1024 + n;
  let floor = simulated.get(key);
  if (floor === undefined) simulated.set(key, (floor = simulateFloor(k, n)));
  return floor;
}

/** Fewer letters and digits than this say too little about randomness to lower a rule's minimum. */
const MIN_RANDOM_RUN = 16;

/**
 * Whether a value passes an entropy minimum: by its own entropy, or — when that is under the
 * minimum — because its letters and digits are as random as their alphabet allows (see above).
 */
export function passesEntropy(bytes: Uint8Array, minimum: number, entropy = shannonEntropy(bytes)): boolean {
  if (entropy >= minimum) return true;
  const alnum = bytes.filter((c) => isDigit(c) || isLower(c) || isUpper(c));
  if (alnum.length < MIN_RANDOM_RUN) return false;
  const k = alphabetSize(alnum);
  const h = shannonEntropy(alnum);
  // No length's floor is below the shortest run's (they rise with length, give or take the
  // simulation's noise between neighbours; test/entropy-gate.test.ts checks it), so a value under
  // that floor fails without its own length's being looked up. Most values under a rule's minimum
  // are words or repetitions and end here.
  if (h < randomFloor(k, MIN_RANDOM_RUN)) return false;
  return h >= randomFloor(k, alnum.length);
}
