// Rule examples are written as templates such as `sk_live_{{alnum:99}}`. Values are generated from a
// seeded PRNG at test time, so the repository holds no credential-shaped literals and every run
// (and every fuzz seed) exercises fresh but reproducible values.
import { crc32 } from "node:zlib";
import { base62, luhnSum } from "../engine/validators.js";
import { KeyfenceError } from "../errors.js";

const ALPHABETS: Record<string, string> = {
  alnum: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  hex: "0123456789abcdef",
  HEX: "0123456789ABCDEF",
  lower: "abcdefghijklmnopqrstuvwxyz",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  digits: "0123456789",
  lowernum: "abcdefghijklmnopqrstuvwxyz0123456789",
  uppernum: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  base64: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  base64url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
  base32: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
  base32lower: "abcdefghijklmnopqrstuvwxyz234567",
  // Bech32's data alphabet (BIP 173), in the case age and others print it.
  bech32: "qpzry9x8gf2tvdw0s3jn54khce6mua7l",
  BECH32: "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
};

export const TEMPLATE_KINDS = [...Object.keys(ALPHABETS), "crc32-base62", "luhn", "iban", "uuid", "aws-key-id", "jwt"] as const;

/** Encodings applied after generation: `{{base64(text with {{…}} inside)}}`. */
export const TEMPLATE_ENCODINGS = ["base64", "base64url", "url"] as const;

/** mulberry32 over a 32-bit seed derived from a string (FNV-1a). Not for cryptography. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(rand: () => number, alphabet: string, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(rand() * alphabet.length)];
  return out;
}

function luhnComplete(partial: string): string {
  // The check digit that makes the whole number pass Luhn.
  for (let d = 0; d <= 9; d++) if (luhnSum(partial + d) % 10 === 0) return partial + d;
  throw new Error("unreachable");
}

function ibanWithCheck(country: string, bban: string): string {
  const numeric = (bban + country + "00").replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + (ch.charCodeAt(0) - 48)) % 97;
  return `${country}${String(98 - rem).padStart(2, "0")}${bban}`;
}

function generate(spec: string, rand: () => number): string {
  const [kind, ...args] = spec.split(":");
  const n = Number(args[0]);
  if (kind && kind in ALPHABETS && Number.isInteger(n) && n > 0 && n <= 10000) return pick(rand, ALPHABETS[kind]!, n);
  switch (kind) {
    case "crc32-base62": {
      const payload = pick(rand, ALPHABETS.alnum!, Number.isInteger(n) && n > 0 ? n : 30);
      return payload + base62(crc32(payload), 6);
    }
    case "luhn": {
      // luhn:LENGTH:PREFIX
      const prefix = args[1] ?? "4";
      const len = Number.isInteger(n) && n >= 12 && n <= 19 ? n : 16;
      return luhnComplete(prefix + pick(rand, ALPHABETS.digits!, len - prefix.length - 1));
    }
    case "iban": {
      // iban:COUNTRY:LENGTH
      const country = (args[0] ?? "GB").toUpperCase();
      const len = Number(args[1] ?? 22);
      return ibanWithCheck(country, pick(rand, ALPHABETS.digits!, len - 4));
    }
    case "aws-key-id": {
      // aws-key-id:PREFIX — 16 base32 characters whose leading 48 bits carry a 12-digit account id.
      const prefix = args[0] ?? "AKIA";
      const account = BigInt(Math.floor(rand() * 1e12));
      const top = BigInt(Math.floor(rand() * 2)) << 47n;
      let bits = top | (account << 7n) | BigInt(Math.floor(rand() * 128));
      bits = (bits << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
      let body = "";
      for (let i = 15; i >= 0; i--) body += ALPHABETS.base32![Number((bits >> BigInt(i * 5)) & 31n)];
      return prefix + body;
    }
    case "jwt": {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const header = b64({ alg: "HS256", typ: "JWT" });
      const payload = b64({ sub: pick(rand, ALPHABETS.lowernum!, 12), iat: 1700000000 + Math.floor(rand() * 1e7), scope: "payments" });
      return `${header}.${payload}.${pick(rand, ALPHABETS.base64url!, 43)}`;
    }
    case "uuid": {
      const h = pick(rand, ALPHABETS.hex!, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
    }
  }
  throw new KeyfenceError(`unknown example generator {{${spec}}} (known: ${TEMPLATE_KINDS.join(", ")})`);
}

const TEMPLATE = /\{\{([A-Za-z0-9:_-]+)\}\}/g;

const ENCODING = /\{\{(base64|base64url|url)\((.*?)\)\}\}/gs;

function encode(kind: string, text: string): string {
  if (kind === "url") return encodeURIComponent(text);
  return Buffer.from(text).toString(kind === "base64url" ? "base64url" : "base64");
}

/**
 * Expands every `{{kind:args}}` in an example string with values drawn from `seed`, then applies
 * `{{base64(…)}}`, `{{base64url(…)}}` and `{{url(…)}}` to the expanded text inside them (so an
 * example can hide a generated token the way a Kubernetes manifest or a connection string does).
 */
export function expandExample(template: string, seed: string): string {
  const rand = seededRandom(seed);
  const plain = template.replace(TEMPLATE, (_m, spec: string) => generate(spec, rand));
  return plain.replace(ENCODING, (_m, kind: string, text: string) => encode(kind, text.replace(/\\n/g, "\n")));
}
