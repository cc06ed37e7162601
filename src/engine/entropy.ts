// Entropy gates. A rule's `entropy` is a minimum in bits per symbol, but what random values reach
// depends on their alphabet and length: a random 32-digit hex token averages 3.66 bits and falls
// under 3.3 about once in 60, under 3.5 one time in five. So a value under the rule's minimum
// still passes when its letters and digits look as random as values of their own alphabet and
// length do: their entropy is at or above what all but 1 in 10,000 uniformly random strings of that
// alphabet and length reach (the floor, by simulation, once per alphabet and length).

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

/** Longest run simulated: past it, the floor of this length is used (it only rises with length). */
const MAX_SIMULATED = 128;
const SAMPLES = 10_000;
/** The lowest of SAMPLES: about the 1-in-10,000 quantile. */
const RANK = 1;
const floors = new Map<number, number>();

/** The entropy that all but 1 in 10,000 uniformly random strings of `n` symbols from `k` reach (deterministic). */
export function randomFloor(k: number, n: number): number {
  n = Math.min(n, MAX_SIMULATED);
  const key = k * 1024 + n;
  const known = floors.get(key);
  if (known !== undefined) return known;
  // xorshift32, seeded by the alphabet and length: the same floor on every run and every machine.
  let x = (key * 2654435761) >>> 0 || 1;
  const counts = new Uint32Array(k);
  const lowest: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      counts[x % k]!++;
    }
    let h = 0;
    for (let i = 0; i < k; i++) {
      const c = counts[i]!;
      if (c) h -= (c / n) * Math.log2(c / n);
    }
    if (lowest.length < RANK || h < lowest[RANK - 1]!) {
      lowest.push(h);
      lowest.sort((a, b) => a - b);
      if (lowest.length > RANK) lowest.pop();
    }
  }
  const floor = lowest[RANK - 1]!;
  floors.set(key, floor);
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
  return shannonEntropy(alnum) >= randomFloor(alphabetSize(alnum), alnum.length);
}
