// Where secrets hide: base64 values (Kubernetes Secret manifests, Docker config `auth`), percent-
// encoded passwords in connection strings, and keys split into string pieces joined on one line.
// A decoder rule's match is decoded here; the decoded value is checked like any secret and scanned
// by every other rule, and whatever they find is reported at the encoded text in the file.
// Everything is a pure function of the matched bytes, so streaming stays chunking-independent.
import { compileRuleSet, type RuleSet } from "./compile.js";
import type { DecodeKind } from "../types.js";

/** Share of a decoded value that must be printable for it to count as text (not binary). */
const MIN_PRINTABLE = 0.95;

function printable(buf: Buffer): boolean {
  if (buf.length === 0) return false;
  let ok = 0;
  for (const b of buf) if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d || b >= 0x80) ok++;
  return ok / buf.length >= MIN_PRINTABLE;
}

/** Standard or URL-safe base64 (padding optional, whitespace and line breaks ignored) that decodes to text. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+|\\n/g, "");
  if (compact.length < 8 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return undefined;
  const unpadded = compact.replace(/=+$/, "");
  if (unpadded.length % 4 === 1) return undefined;
  const buf = Buffer.from(compact, /[-_]/.test(compact) ? "base64url" : "base64");
  return printable(buf) ? buf : undefined;
}

/** Percent-decoding; text without a valid escape is returned unchanged. */
export function decodeUrl(text: string): Buffer | undefined {
  if (!text.includes("%")) return Buffer.from(text);
  try {
    return Buffer.from(decodeURIComponent(text));
  } catch {
    return undefined;
  }
}

// One quoted piece: "…" or '…' or `…` without escapes (a split key has none).
const PIECE = /"([^"\\\n]*)"|'([^'\\\n]*)'|`([^`\\\n$]*)`/g;

/** The string literals of `"ab" + "cd" . 'ef'` joined: the value the program builds at run time. */
export function decodeConcat(text: string): Buffer | undefined {
  const pieces: string[] = [];
  for (const m of text.matchAll(PIECE)) pieces.push(m[1] ?? m[2] ?? m[3] ?? "");
  if (pieces.length < 2) return undefined;
  return Buffer.from(pieces.join(""));
}

export function decodeValue(kind: DecodeKind, bytes: Buffer): Buffer | undefined {
  const text = bytes.toString("utf8");
  switch (kind) {
    case "base64":
      return decodeBase64(text);
    case "url":
      return decodeUrl(text);
    case "concat":
      return decodeConcat(text);
  }
}

const inners = new WeakMap<RuleSet, RuleSet>();
const depths = new WeakMap<RuleSet, number>();

/**
 * Levels of decoding: a Kubernetes Secret value (base64) may hold a Docker config whose `auth` is
 * base64 again. Beyond this depth decoded values are scanned by plain rules only, so decoding
 * always terminates.
 */
export const MAX_DECODE_DEPTH = 2;

/** The rules that scan decoded values: every rule, minus decoders once the depth limit is reached. */
export function innerRuleSet(set: RuleSet): RuleSet {
  let inner = inners.get(set);
  if (!inner) {
    const depth = (depths.get(set) ?? 0) + 1;
    const rules = set.rules.filter((c) => depth < MAX_DECODE_DEPTH || !c.rule.decode).map((c) => c.rule);
    inner = compileRuleSet(rules);
    depths.set(inner, depth);
    inners.set(set, inner);
  }
  return inner;
}
