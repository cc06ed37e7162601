// One shard of a fleet run: for each repository, update its mirror, skip it when its checkpoint
// matches, else scan its whole history (every ref, exposure ages) and write its result (JSON and
// SARIF). Repositories are handled one after another and nothing of one is kept for the next, so
// memory stays flat however many a shard holds; a repository that fails is recorded as failed and
// the shard goes on.
import { join } from "node:path";
import { historyNameFindings, scanHistory } from "../orchestrator/git.js";
import { historyNames } from "../sources/git/names.js";
import { presentableFinding, safeName } from "../names/present.js";
import type { GitScanSummary } from "../sources/git/index.js";
import type { HistoryFinding } from "../finding/exposure.js";
import type { Scanner } from "../scanner.js";
import type { SourceNotice } from "../sources/files.js";
import { writeFileAtomic } from "../io/output-file.js";
import { KeyfenceError } from "../errors.js";
import { existsSync } from "node:fs";
import { checkpointKey, previousCheckpoint } from "./checkpoint.js";
import { remoteRefsDigests, updateMirror, type MirrorState } from "./mirror.js";
import { slugOf } from "./repo-identity.js";
import { RESULT_SCHEMA, type RepoResult } from "./repo-result.js";
import { repoSarif } from "./repo-sarif.js";
import type { PlannedRepo } from "./plan.js";

export interface ShardScanOptions {
  shard: number;
  outDir: string;
  mirrorDir: string;
  env: NodeJS.ProcessEnv;
  tool: { name: "keyfence"; version: string; informationUri: string };
  /** Digest of rules and settings (checkpoint.ts). */
  settings: string;
  /** Public id and source of the fingerprint key, recorded in every result. */
  fingerprintKey: { id: string; source: string };
  include?: readonly string[];
  exclude?: readonly string[];
  /** Called after each repository (progress lines). */
  onRepo?: (r: RepoOutcome) => void;
}

export interface RepoOutcome {
  id: string;
  status: RepoResult["status"] | "unchanged";
  /** Findings written this run (0 for unchanged and failed repositories). */
  findings: number;
  commits: number;
  durationMs: number;
  error?: string;
}

export interface ShardSummary {
  schema: "keyfence-fleet-shard/1";
  shard: number;
  repositories: number;
  scanned: number;
  unchanged: number;
  failed: number;
  incomplete: number;
  findings: number;
  commits: number;
  durationMs: number;
  /** Peak resident memory of this process (kilobytes, from getrusage). */
  maxRssKiB: number;
  startedAt: string;
  outcomes: RepoOutcome[];
}

/** Paths of a repository's results inside the output folder. */
export function resultPaths(outDir: string, id: string): { json: string; sarif: string } {
  const base = join(outDir, "repos", slugOf(id));
  return { json: `${base}.json`, sarif: `${base}.sarif` };
}

function oneLine(err: unknown): string {
  const text = err instanceof KeyfenceError ? err.format() : err instanceof Error ? err.message : String(err);
  return text.replace(/\s*[\r\n]+\s*/g, " ").slice(0, 400);
}

/** A repository that may be unchanged: it has a mirror and a complete result; `remote` is ls-remote's digest. */
interface Candidate {
  checkpoint: string;
  remote?: string;
}

/** Which repositories may be unchanged, and what their servers now advertise (one batch of ls-remote). */
async function candidates(repos: readonly PlannedRepo[], o: ShardScanOptions): Promise<Map<string, Candidate>> {
  const found = new Map<string, Candidate>();
  for (const repo of repos) {
    const checkpoint = existsSync(join(o.mirrorDir, `${slugOf(repo.id)}.git`)) ? previousCheckpoint(resultPaths(o.outDir, repo.id).json) : undefined;
    if (checkpoint) found.set(repo.id, { checkpoint });
  }
  const ids = [...found.keys()];
  const byId = new Map(repos.map((r) => [r.id, r]));
  const digests = await remoteRefsDigests(ids.map((id) => byId.get(id)!.location), { env: o.env });
  ids.forEach((id, i) => {
    const remote = digests[i];
    if (remote !== undefined) found.get(id)!.remote = remote;
  });
  return found;
}

type Prepared = { outcome: RepoOutcome } | { mirror: MirrorState; key: string; started: number };

/**
 * The network part of a repository: is it unchanged since its checkpoint (asked with ls-remote,
 * before any fetch), else clone or update its mirror. Several run ahead of the scan (see scanShard).
 */
async function prepare(repo: PlannedRepo, o: ShardScanOptions, candidate?: Candidate): Promise<Prepared> {
  const started = Date.now();
  const paths = resultPaths(o.outDir, repo.id);
  const gitDir = join(o.mirrorDir, `${slugOf(repo.id)}.git`);
  const previous = candidate?.checkpoint;
  try {
    if (previous && candidate.remote !== undefined && checkpointKey(repo.id, candidate.remote, o.settings) === previous) {
      return { outcome: { id: repo.id, status: "unchanged", findings: 0, commits: 0, durationMs: Date.now() - started } };
    }
    const mirror = await updateMirror(repo.location, gitDir, { env: o.env });
    const key = checkpointKey(repo.id, mirror.refsDigest, o.settings);
    // Refs moved and moved back, or ls-remote and the fetch disagree on something irrelevant.
    if (key === previous) return { outcome: { id: repo.id, status: "unchanged", findings: 0, commits: 0, durationMs: Date.now() - started } };
    return { mirror, key, started };
  } catch (err) {
    return { outcome: failed(repo, o, paths, baseOf(repo, o), started, `cannot clone or update: ${oneLine(err)}`) };
  }
}

function baseOf(repo: PlannedRepo, o: ShardScanOptions): Pick<RepoResult, "schema" | "repository" | "tool" | "fingerprintKey" | "shard"> {
  return { schema: RESULT_SCHEMA, repository: { id: repo.id, location: repo.location, kind: repo.kind }, tool: { name: o.tool.name, version: o.tool.version }, fingerprintKey: { ...o.fingerprintKey }, shard: o.shard };
}

async function scanOne(scanner: Scanner, repo: PlannedRepo, o: ShardScanOptions, mirror: MirrorState, key: string, started: number): Promise<RepoOutcome> {
  const paths = resultPaths(o.outDir, repo.id);
  const base = baseOf(repo, o);
  const scannedAt = new Date();
  const notices: SourceNotice[] = [];
  const summary: GitScanSummary = { commits: 0, files: 0, bytes: 0, binary: 0 };
  const findings: HistoryFinding[] = [];
  try {
    const env = { ...o.env };
    for (const k of Object.keys(env)) if (k.startsWith("GIT_") && k !== "GIT_CONFIG_NOSYSTEM") delete env[k];
    // The names a history carries (commit and tag messages, authors, paths, refs), as `history` and
    // `report` scan them: a token in a commit message is as leaked as one in a file.
    const names = historyNames({ cwd: mirror.gitDir, env });
    names.catch(() => {});
    for await (const f of scanHistory(scanner, { cwd: mirror.gitDir, env, now: scannedAt, include: o.include, exclude: o.exclude }, (n) => notices.push(n), summary)) findings.push(f);
    findings.push(...(await historyNameFindings(scanner, await names, findings, notices, { cwd: mirror.gitDir, env, now: scannedAt })));
  } catch (err) {
    return failed(repo, o, paths, base, started, `cannot scan: ${oneLine(err)}`);
  }
  const incomplete = notices.some((n) => n.incomplete);
  const result: RepoResult = {
    ...base,
    status: incomplete ? "incomplete" : "ok",
    ...(mirror.head && { head: mirror.head }),
    // Names from the repository are written only scrubbed (src/names/present.ts); JSON escapes the rest.
    refs: Object.fromEntries(Object.entries(mirror.refs).map(([ref, oid]) => [safeName(ref, false), oid])),
    refsDigest: mirror.refsDigest,
    // An incomplete scan has no checkpoint: the next run tries again.
    ...(!incomplete && { checkpoint: key }),
    scannedAt: scannedAt.toISOString(),
    durationMs: Date.now() - started,
    stats: { commits: summary.commits, files: summary.files, bytes: summary.bytes },
    notices: notices.map((n) => ({ ...n, path: repo.id, reason: safeName(n.reason, false) })),
    findings: findings.map((f) => presentableFinding(f, false) as HistoryFinding),
  };
  // SARIF first: the JSON carries the checkpoint, so it must be the last thing written.
  // SARIF is read by people in a viewer: its names are escaped too, as `--format sarif` escapes them.
  writeFileAtomic(paths.sarif, repoSarif({ ...result, findings: findings.map((f) => presentableFinding(f) as HistoryFinding) }, scanner, o.tool), o.outDir);
  writeFileAtomic(paths.json, JSON.stringify(result, null, 1) + "\n", o.outDir);
  return { id: repo.id, status: result.status, findings: findings.length, commits: summary.commits, durationMs: result.durationMs };
}

function failed(repo: PlannedRepo, o: ShardScanOptions, paths: { json: string }, base: Pick<RepoResult, "schema" | "repository" | "tool" | "shard">, started: number, error: string): RepoOutcome {
  const result: RepoResult = { ...base, status: "failed", error, refs: {}, scannedAt: new Date().toISOString(), durationMs: Date.now() - started, stats: { commits: 0, files: 0, bytes: 0 }, notices: [], findings: [] };
  writeFileAtomic(paths.json, JSON.stringify(result, null, 1) + "\n", o.outDir);
  return { id: repo.id, status: "failed", findings: 0, commits: 0, durationMs: result.durationMs, error };
}

/** Repositories whose clone or update runs while an earlier one is scanned (network and CPU overlap). */
const LOOKAHEAD = 4;

export async function scanShard(scanner: () => Scanner, repos: readonly PlannedRepo[], o: ShardScanOptions): Promise<ShardSummary> {
  const started = Date.now();
  const outcomes: RepoOutcome[] = [];
  // Only the clones run ahead; scans run one at a time, and a prepared repository holds only its
  // mirror's path and refs, so memory does not grow with the shard.
  const maybeUnchanged = await candidates(repos, o);
  const ahead: Promise<Prepared>[] = [];
  let next = 0;
  const fill = () => {
    while (ahead.length < LOOKAHEAD && next < repos.length) {
      const repo = repos[next++]!;
      const p = prepare(repo, o, maybeUnchanged.get(repo.id));
      p.catch(() => {});
      ahead.push(p);
    }
  };
  for (const repo of repos) {
    fill();
    const prepared = await ahead.shift()!;
    fill();
    const outcome = "outcome" in prepared ? prepared.outcome : await scanOne(scanner(), repo, o, prepared.mirror, prepared.key, prepared.started);
    outcomes.push(outcome);
    o.onRepo?.(outcome);
  }
  const count = (s: RepoOutcome["status"]) => outcomes.filter((x) => x.status === s).length;
  return {
    schema: "keyfence-fleet-shard/1",
    shard: o.shard,
    repositories: repos.length,
    scanned: count("ok") + count("incomplete"),
    unchanged: count("unchanged"),
    failed: count("failed"),
    incomplete: count("incomplete"),
    findings: outcomes.reduce((n, x) => n + x.findings, 0),
    commits: outcomes.reduce((n, x) => n + x.commits, 0),
    durationMs: Date.now() - started,
    maxRssKiB: process.resourceUsage().maxRSS,
    startedAt: new Date(started).toISOString(),
    outcomes,
  };
}
