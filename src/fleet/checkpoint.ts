// A checkpoint says "this repository, at exactly these refs, was scanned completely by this tool
// with these rules and settings". It is the result file itself (its `checkpoint` field), so a
// result and its checkpoint can never disagree, and deleting results forces a re-scan.
import { nodeCrypto } from "../deferred-imports.js";
import { readFileSync } from "node:fs";
import type { Rule } from "../types.js";
import type { Config } from "../config/config.js";
import { RESULT_SCHEMA, type RepoResult } from "./repo-result.js";

/**
 * Digest of what decides findings: the active rules, the configuration, the tool version and the
 * fingerprint key's id — a result kept from a run under another key would carry digests that match
 * nothing this run writes, so it must not count as done.
 */
export function scanSettingsDigest(rules: readonly Rule[], config: Config, version: string, keyId = ""): string {
  return nodeCrypto().createHash("sha256").update(JSON.stringify({ version, rules, config, ...(keyId && { keyId }) })).digest("hex");
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
