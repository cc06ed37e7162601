// A checkpoint says "this repository, at exactly these refs, was scanned completely by this tool
// with these rules and settings". It is the result file itself (its `checkpoint` field), so a
// result and its checkpoint can never disagree, and deleting results forces a re-scan.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Scanner } from "../scanner.js";
import type { Config } from "../config/config.js";
import { RESULT_SCHEMA, type RepoResult } from "./repo-result.js";

/** Digest of what decides findings: the active rules, the policy's settings and the tool version. */
export function scanSettingsDigest(scanner: Scanner, config: Config, version: string): string {
  return createHash("sha256")
    .update(JSON.stringify({ version, rules: scanner.rules, failOn: scanner.policy.failOn, config }))
    .digest("hex");
}

export function checkpointKey(repoId: string, refsDigest: string, settings: string): string {
  return createHash("sha256").update(`${repoId}\0${refsDigest}\0${settings}`).digest("hex");
}

/** The previous result when it is complete and its checkpoint matches; otherwise undefined. */
export function reusableResult(file: string, key: string): RepoResult | undefined {
  let doc: RepoResult;
  try {
    doc = JSON.parse(readFileSync(file, "utf8")) as RepoResult;
  } catch {
    return undefined;
  }
  return doc.schema === RESULT_SCHEMA && doc.status === "ok" && doc.checkpoint === key ? doc : undefined;
}
