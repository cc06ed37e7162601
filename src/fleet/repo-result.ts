// One repository's result, as a shard writes it and the merge reads it: the repository's identity
// (credential-free), what was scanned (HEAD, every ref), when and by which tool, its findings with
// exposure, and whether the scan is complete. A `failed` result has no findings and no checkpoint,
// so the next run tries again.
import type { HistoryFinding } from "../finding/exposure.js";
import type { SourceNotice } from "../sources/files.js";

export const RESULT_SCHEMA = "keyfence-fleet-result/1";

export type RepoStatus = "ok" | "incomplete" | "failed";

export interface RepoResult {
  schema: typeof RESULT_SCHEMA;
  repository: { id: string; location: string; kind: "url" | "path" };
  status: RepoStatus;
  /** One line, why the repository could not be scanned (status failed). */
  error?: string;
  head?: string;
  refs: Record<string, string>;
  refsDigest?: string;
  /** Repository, its refs, the tool and its rules: equal keys mean a re-run can skip the scan. */
  checkpoint?: string;
  scannedAt: string;
  durationMs: number;
  tool: { name: string; version: string };
  /**
   * The public id of the fingerprint key the digests were made with, and where the shard found it:
   * digests under two keys never match, so the merge can say when a count is split by keys.
   */
  fingerprintKey?: { id: string; source: string };
  shard: number;
  stats: { commits: number; files: number; bytes: number };
  notices: SourceNotice[];
  findings: HistoryFinding[];
}
