// `keyfence baseline migrate`: the first baseline format keyed entries on an unkeyed SHA-256 of the
// secret, which a reader of the file could test guesses against. The hashes cannot be converted
// without the secrets, so the working tree is scanned, each finding's secret is hashed the old way
// here in the process (never written), and the entry it matches is rewritten with the finding's keyed
// digest and fingerprint, its review notes (reviewer, reason, ticket, expiry, day added) kept.
import { sha256Hex } from "../finding/fingerprint.js";
import { revealSecret } from "../finding/secret-store.js";
import { KeyfenceError, displayPath } from "../errors.js";
import { readRegularFile } from "../io/regular-file.js";
import { formatOf, type Baseline, type BaselineEntry } from "./baseline.js";
import type { Finding } from "../types.js";

/** An entry of the first format. */
export interface Format1Entry extends Omit<BaselineEntry, "secretDigest"> {
  secretHash: string;
}

export function readFormat1(file: string): Format1Entry[] {
  const text = readRegularFile(file, "baseline").toString("utf8");
  const where = { file: displayPath(file), subject: "baseline migrate" };
  const version = formatOf(text);
  if (version === 2) throw new KeyfenceError("already in the keyed format; nothing to migrate", where);
  if (version !== 1) throw new KeyfenceError("not a keyfence baseline of the first format", where);
  const entries = (JSON.parse(text) as { entries?: unknown }).entries;
  const valid = (e: unknown): e is Format1Entry => {
    const x = e as Record<string, unknown>;
    return typeof x === "object" && x !== null && typeof x.ruleId === "string" && typeof x.path === "string" && typeof x.added === "string" && typeof x.secretHash === "string" && /^[0-9a-f]{64}$/.test(x.secretHash);
  };
  if (!Array.isArray(entries) || !entries.every(valid)) throw new KeyfenceError("malformed entries (each needs ruleId, path, secretHash and added)", where);
  return entries;
}

export function migrateBaseline(old: readonly Format1Entry[], findings: readonly Finding[], keyId: string): { baseline: Baseline; kept: number; dropped: number } {
  // Old entries by rule and secret; a finding at the entry's own path is preferred (the same secret in two files is two entries).
  const byHash = new Map<string, Format1Entry[]>();
  for (const e of old) byHash.set(`${e.ruleId}\0${e.secretHash}`, [...(byHash.get(`${e.ruleId}\0${e.secretHash}`) ?? []), e]);
  const done = new Set<Format1Entry>();
  const entries: BaselineEntry[] = [];
  const seen = new Set<string>();
  const ordered = [...findings].sort((a, b) => Number(!old.some((e) => e.path === a.path)) - Number(!old.some((e) => e.path === b.path)));
  for (const f of ordered) {
    const secret = revealSecret(f);
    if (secret === undefined || seen.has(f.fingerprint)) continue;
    const candidates = (byHash.get(`${f.ruleId}\0${sha256Hex(secret)}`) ?? []).filter((e) => !done.has(e));
    const e = candidates.find((c) => c.path === f.path) ?? candidates[0];
    if (!e) continue;
    done.add(e);
    seen.add(f.fingerprint);
    const { secretHash: _old, fingerprint: _fp, ...notes } = e;
    entries.push({ ...notes, fingerprint: f.fingerprint, path: f.path, secretDigest: f.secretDigest, redacted: f.redacted, severity: e.severity ?? f.severity });
  }
  return { baseline: { version: 2, keyId, entries }, kept: entries.length, dropped: old.length - entries.length };
}
