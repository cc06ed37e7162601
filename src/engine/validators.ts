// Offline checksum validators. A secret that fails its rule's validator is not that credential
// (a random look-alike), so the finding is dropped rather than downgraded.
import { crc32 } from "node:zlib";
import type { ValidatorName } from "../types.js";

/** Luhn (mod 10) checksum of a digit string: a valid number sums to a multiple of 10. */
export function luhnSum(digits: string): number {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum;
}

/** Luhn over the digits of the value; separators (space, dash) are ignored. */
export function luhnValid(value: string): boolean {
  const digits = value.replace(/[\s-]/g, "");
  return /^\d{12,19}$/.test(digits) && luhnSum(digits) % 10 === 0;
}

/** ISO 13616 IBAN check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function ibanValid(value: string): boolean {
  const iban = value.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const n = code >= 65 ? code - 55 : code - 48;
    rem = n >= 10 ? (rem * 100 + n) % 97 : (rem * 10 + n) % 97;
  }
  return rem === 1;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function base62(n: number, width: number): string {
  let out = "";
  let v = n >>> 0;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, "0");
}

/**
 * GitHub and npm token checksum: the text after the last `_` is 30 random base62 characters plus
 * six characters of CRC32 (IEEE) of those 30, base62-encoded and left-padded with `0`.
 */
export function crc32Base62Valid(value: string): boolean {
  const body = value.slice(value.lastIndexOf("_") + 1);
  if (body.length < 7) return false;
  const payload = body.slice(0, -6);
  return base62(crc32(payload), 6) === body.slice(-6);
}

export const VALIDATORS: Readonly<Record<ValidatorName, (value: string) => boolean>> = {
  luhn: luhnValid,
  iban: ibanValid,
  "crc32-base62": crc32Base62Valid,
};
