// Shard plans: which CI job scans which repositories.
//
// Two wishes pull apart here. Stability (adding a repository moves no other one, so each shard's
// cached mirrors and checkpoints stay valid) forces, without memory of the last plan, that a
// repository's shard depend on that repository alone: grow the set one repository at a time and no
// assignment may change, so each is what it was in a set of one. Size balancing needs the other
// repositories' sizes. So the plan remembers: given the previous plan (`--previous`), every
// repository it placed keeps its shard, and only newcomers are placed, largest first, each on the
// first shard of its own rendezvous ranking (highest-random-weight hashing of id and shard) that
// stays within 5% of an even share, else on the lightest shard. Without a previous plan every
// repository is a newcomer, which gives a balanced plan that depends only on the set (not on the
// order of the list).
import { nodeCrypto } from "../deferred-imports.js";
import { KeyfenceError } from "../errors.js";
import type { RepoEntry } from "./repo-list.js";

export const PLAN_SCHEMA = "keyfence-fleet-plan/1";

export interface PlannedRepo {
  id: string;
  location: string;
  kind: "url" | "path";
  /** Weight used for balancing: size in KiB, or the median known size when unknown. */
  weight: number;
  sizeKnown: boolean;
}

export interface ShardPlan {
  index: number;
  weight: number;
  repositories: PlannedRepo[];
}

export interface FleetPlan {
  schema: typeof PLAN_SCHEMA;
  tool: { name: string; version: string };
  createdAt: string;
  shards: ShardPlan[];
  /** Repositories that kept the shard the previous plan gave them, and newcomers placed this time. */
  kept: number;
  placed: number;
  /** Heaviest shard's weight over the mean (1 is perfect). */
  imbalance: number;
}

/** Rendezvous score of (repository, shard): the first 48 bits of SHA-256, as a number. */
function score(id: string, shard: number): number {
  return parseInt(nodeCrypto().createHash("sha256").update(`${id}\0${shard}`).digest("hex").slice(0, 12), 16);
}

/** Shards in the repository's own order of preference. */
export function rendezvousOrder(id: string, shards: number): number[] {
  return Array.from({ length: shards }, (_, i) => i).sort((a, b) => score(id, b) - score(id, a) || a - b);
}

function median(values: number[]): number {
  if (!values.length) return 1;
  const s = [...values].sort((a, b) => a - b);
  return Math.max(1, s[Math.floor(s.length / 2)]!);
}

export function planShards(entries: readonly RepoEntry[], shards: number, options: { previous?: FleetPlan; version: string; now?: Date }): FleetPlan {
  if (!Number.isInteger(shards) || shards < 1 || shards > 10000) throw new KeyfenceError(`${shards} is not a number of shards between 1 and 10000`, { subject: "--shards" });
  const fallback = median(entries.filter((e) => e.sizeKiB !== undefined).map((e) => e.sizeKiB!));
  const repos: PlannedRepo[] = entries.map((e) => ({ id: e.id, location: e.location, kind: e.kind, weight: Math.max(1, e.sizeKiB ?? fallback), sizeKnown: e.sizeKiB !== undefined }));
  const total = repos.reduce((n, r) => n + r.weight, 0);
  const share = (total / shards) * 1.05;
  const out: ShardPlan[] = Array.from({ length: shards }, (_, index) => ({ index, weight: 0, repositories: [] }));
  const before = new Map<string, number>();
  if (options.previous && options.previous.shards.length === shards) {
    for (const s of options.previous.shards) for (const r of s.repositories) before.set(r.id, s.index);
  }
  const newcomers: PlannedRepo[] = [];
  for (const r of repos) {
    const shard = before.get(r.id);
    if (shard === undefined) newcomers.push(r);
    else {
      out[shard]!.repositories.push(r);
      out[shard]!.weight += r.weight;
    }
  }
  newcomers.sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const r of newcomers) {
    const order = rendezvousOrder(r.id, shards);
    const fits = order.find((s) => out[s]!.weight + r.weight <= share);
    const target = fits ?? order.reduce((best, s) => (out[s]!.weight < out[best]!.weight ? s : best), order[0]!);
    out[target]!.repositories.push(r);
    out[target]!.weight += r.weight;
  }
  for (const s of out) s.repositories.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const mean = total / shards || 1;
  return {
    schema: PLAN_SCHEMA,
    tool: { name: "keyfence", version: options.version },
    createdAt: (options.now ?? new Date()).toISOString(),
    shards: out,
    kept: repos.length - newcomers.length,
    placed: newcomers.length,
    imbalance: Math.round((Math.max(...out.map((s) => s.weight)) / mean) * 1000) / 1000,
  };
}
