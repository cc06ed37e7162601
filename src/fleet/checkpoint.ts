// A checkpoint says "this repository, at exactly these refs, was scanned completely by this tool
// with these rules and settings". It is the result file itself (its `checkpoint` field), so a
// result and its checkpoint can never disagree, and deleting results forces a re-scan.
import { nodeCrypto } from "../deferred-imports.js";
import { readFileSync } from "node:fs";
import type { Rule } from "../types.js";
import { BUILTIN_RULES_CACHE, rulePackFiles } from "../rules/load.js";
import { readRegularFile } from "../io/regular-file.js";
import type { Config } from "../config/config.js";
import { RESULT_SCHEMA, type RepoResult } from "./repo-result.js";

/**
 * Digest of what decides findings: the tool version, the configuration, the rules it selects and
 * the fingerprint key's id — a result kept from a run under another key would carry digests that
 * match nothing this run writes, so it must not count as done. The built-in rules are named by
 * their build-time cache file (its bytes are those rules, and loading checks the packs on disk
 * against it), custom packs by their text, and rules handed in through the API (`extraRules`) by
 * their content: none of it needs the rules loaded, so an unchanged shard never pays for that.
 * Where a rule came from is not part of it: running from another folder re-scans nothing.
 */
export function scanSettingsDigest(config: Config, version: string, keyId = "", extraRules: readonly Rule[] = []): string {
  const sha = (b: Buffer | string) => nodeCrypto().createHash("sha256").update(b).digest("hex");
  const builtin = config.builtinRules === false ? null : sha(readRegularFile(BUILTIN_RULES_CACHE, "the built-in rule cache"));
  // The same files, in the same order, as loading the packs reads (folders included).
  const packs = rulePackFiles(config.rulePacks ?? []).map((f) => sha(readRegularFile(f, "rule pack")));
  const extra = extraRules.map(({ origin: _origin, ...rule }) => rule);
  return sha(JSON.stringify({ version, builtin, packs, extra, config, ...(keyId && { keyId }) }));
}

export function checkpointKey(repoId: string, refsDigest: string, settings: string): string {
  return nodeCrypto().createHash("sha256").update(`${repoId}\0${refsDigest}\0${settings}`).digest("hex");
}

/** The checkpoint of the previous result, when that result is complete; otherwise undefined. */
export function previousCheckpoint(file: string): string | undefined {
  let doc: RepoResult;
  try {
    doc = JSON.parse(readFileSync(file, "utf8")) as RepoResult;
  } catch {
    return undefined;
  }
  return doc.schema === RESULT_SCHEMA && doc.status === "ok" ? doc.checkpoint : undefined;
}
