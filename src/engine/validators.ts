// Offline checksum validators. A secret that fails its rule's validator is not that credential
// (a random look-alike), so the finding is dropped rather than downgraded.
import { crc32 } from "node:zlib";
import type { ValidatorName } from "../types.js";
import { rarePairs } from "./word-bigrams.js";

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

/**
 * IBAN length per country (4 + BBAN length), from the SWIFT IBAN registry as summarised in the
 * provider-formats research. A country missing here is not an IBAN country, so the value is not one.
 */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27,
  GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27,
  MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25,
  QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25,
  SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** ISO 13616 IBAN check: country length, then first four characters to the end, letters to numbers, mod 97 = 1. */
export function ibanValid(value: string): boolean {
  const iban = value.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
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

/**
 * Card brand by IIN (issuer identification number) prefix and the lengths that brand issues.
 * Ranges from the card networks' published tables as summarised in the research notes.
 */
function panLengthsFor(d: string): readonly number[] | undefined {
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d[0] === "4") return [13, 16, 19]; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return [16]; // Mastercard
  if (p2 === 34 || p2 === 37) return [15]; // American Express
  if (p4 >= 2200 && p4 <= 2204) return [16, 17, 18, 19]; // Mir
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) return [16, 17, 18, 19]; // Discover
  if (p4 >= 3528 && p4 <= 3589) return [16, 17, 18, 19]; // JCB
  if ((p3 >= 300 && p3 <= 305) || p4 === 3095 || p2 === 36 || p2 === 38 || p2 === 39) return [14, 15, 16, 17, 18, 19]; // Diners
  if (p2 === 62) return [16, 17, 18, 19]; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return [12, 13, 14, 15, 16, 17, 18, 19]; // Maestro
  return undefined;
}

/**
 * A card PAN: digits (grouping spaces or dashes allowed), a known issuer range with a length that
 * brand issues, Luhn, and not a run of one digit (filler that happens to pass Luhn).
 */
export function panValid(value: string): boolean {
  const digits = value.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits)) return false;
  const lengths = panLengthsFor(digits);
  if (!lengths || !lengths.includes(digits.length)) return false;
  if (/^(\d)\1+$/.test(digits.slice(1))) return false;
  // Issued account numbers are random after the BIN; runs like 0000000 or three-digit patterns
  // (4111111111131010) are the published test cards of PSP SDKs and fixtures.
  const account = digits.slice(6, -1);
  const counts = new Array<number>(10).fill(0);
  for (const ch of account) counts[ch.charCodeAt(0) - 48]!++;
  if (/(\d)\1{4}/.test(account) || new Set(account).size <= 2 || Math.max(...counts) >= Math.ceil(account.length * 0.6)) return false;
  return luhnValid(digits);
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * AWS access key id structure: a credential prefix and 16 base32 characters that encode the
 * account. Bits 1..40 of the decoded body, shifted right by 7, are the 12-digit account id, so
 * a body that decodes to more than 12 digits is not a key id (old keys whose 5th character is
 * I or J predate that encoding and are accepted on shape alone).
 */
export function awsKeyIdValid(value: string): boolean {
  const m = /^(AKIA|ASIA|ABIA|ACCA)([A-Z2-7]{16})$/.exec(value);
  if (!m) return false;
  const body = m[2]!;
  if (body[0] === "I" || body[0] === "J") return true;
  let bits = 0n;
  for (const ch of body.slice(0, 10)) bits = (bits << 5n) | BigInt(BASE32.indexOf(ch));
  // 10 chars = 50 bits; the first 6 bytes (48 bits) are the top 48 of those.
  const first6 = bits >> 2n;
  const account = (first6 & 0x7fffffffff80n) >> 7n;
  return account <= 999_999_999_999n;
}

const BRAINTREE_ENVS = new Set(["production", "sandbox", "development", "integration", "qa"]);

/** Braintree OAuth credentials, parsed the way the SDK does: `<type>$<environment>$<merchant>$<secret>`. */
export function braintreeValid(value: string): boolean {
  const parts = value.split("$");
  if (parts.length !== 4) return false;
  const [type, env, merchant, secret] = parts as [string, string, string, string];
  if (!["access_token", "client_id", "client_secret"].includes(type)) return false;
  if (!BRAINTREE_ENVS.has(env)) return false;
  return /^[a-z0-9]{16}$/.test(merchant) && /^[A-Za-z0-9]{16,64}$/.test(secret);
}

function base64UrlJson(segment: string): unknown {
  try {
    const text = Buffer.from(segment, "base64url").toString("utf8");
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A JWS: the header decodes to a JSON object naming its `alg`, the payload to a JSON object. */
export function jwtValid(value: string): boolean {
  const [header, payload, signature] = value.split(".");
  if (!header || !payload || signature === undefined) return false;
  const h = base64UrlJson(header);
  if (!h || typeof h !== "object" || typeof (h as { alg?: unknown }).alg !== "string") return false;
  // An unsigned token (`alg: none`) grants nothing on a correctly configured server.
  if ((h as { alg: string }).alg.toLowerCase() === "none") return false;
  const p = base64UrlJson(payload);
  return !!p && typeof p === "object" && !Array.isArray(p);
}

/** RFC 4122 UUID (version 1–8, variant 10xx) inside the value: real tokens use generated UUIDs. */
export function uuidValid(value: string): boolean {
  const m = /([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([1-8][0-9a-fA-F]{3})-([89abAB][0-9a-fA-F]{3})-([0-9a-fA-F]{12})/.exec(value);
  if (!m) return false;
  // All-zero or repeated-digit bodies are filler, not generated identifiers.
  const hex = (m[1]! + m[5]!).toLowerCase();
  return new Set(hex).size > 3;
}

/**
 * The value looks machine-generated rather than like an identifier or a phrase: `STRING_VALUE`,
 * `my_nextPageToken`, `x-aws-ec2-metadata-token`, `urn:ietf:params:oauth:token-type:id_token` are
 * names, not secrets. Letters are split into words at case changes and non-letters; when most
 * of the value sits in natural words (4+ letters, all lower, all upper or Capitalised), it is a
 * name. Random keys have short mixed-case letter runs and fail that test.
 */
export function randomLooking(value: string): boolean {
  const words = value.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];
  const letters = words.reduce((n, w) => n + w.length, 0);
  if (letters === 0) return true;
  // A word reads as language when it has vowels, no long consonant clusters (Waxbr does not) and
  // letter pairs that words hold: random runs such as "Pwenj" or "JAXXG" passed the first two, and
  // turned away 4.7% of random 16-character keys (1.4% at 24, 0.5% at 32; now 1.1%, 0.07%, 0). A
  // compound may have one rare pair at its seam per five letters ("semver", "upward").
  const wordLike = (w: string) =>
    w.length >= 4 && /[aeiouy]/i.test(w) && !/[^aeiouy]{4}/i.test(w) && w.match(/[aeiouy]/gi)!.length * 5 >= w.length && rarePairs(w) <= Math.floor(w.length / 5);
  const natural = words.filter(wordLike).reduce((n, w) => n + w.length, 0);
  return natural / value.length < 0.5;
}

export const VALIDATORS: Readonly<Record<ValidatorName, (value: string) => boolean>> = {
  luhn: luhnValid,
  iban: ibanValid,
  "crc32-base62": crc32Base62Valid,
  pan: panValid,
  "aws-key-id": awsKeyIdValid,
  braintree: braintreeValid,
  jwt: jwtValid,
  uuid: uuidValid,
  random: randomLooking,
};
