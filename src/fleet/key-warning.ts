// The merge counts a credential once only when every shard digested it under the same key. A shard
// without KEYFENCE_FINGERPRINT_KEY draws or finds a key of its own (its job's clone, its user's), and
// nothing fails: the organisation report just counts that credential once per key. These say so.
import type { RepoResult } from "./repo-result.js";
import { KEY_ENV, type KeySource } from "../finding/fingerprint-key.js";

/** One line for a shard of a multi-shard plan that runs without the shared key; undefined when all is well. */
export function shardKeyWarning(key: { id: string; source: KeySource }, shards: number): string | undefined {
  if (key.source === "environment" || shards < 2) return undefined;
  return `keyfence: fleet scan: warning: ${KEY_ENV} is not set; this shard digests with a key of its own (${key.source} key ${key.id}), so 'fleet merge' counts a credential found by two shards twice (pass the same CI secret to every shard; see docs/fleet.md)\n`;
}

/** One line when the results were digested under more than one key; undefined when all is well. */
export function mergeKeyWarning(results: readonly RepoResult[]): string | undefined {
  const ids = new Map<string, Set<number>>();
  for (const r of results) {
    if (!r.fingerprintKey) continue;
    const shards = ids.get(r.fingerprintKey.id) ?? new Set<number>();
    shards.add(r.shard);
    ids.set(r.fingerprintKey.id, shards);
  }
  if (ids.size < 2) return undefined;
  const list = [...ids.entries()]
    .map(([id, set]) => ({ id, shards: [...set].sort((a, b) => a - b) }))
    .sort((a, b) => a.shards[0]! - b.shards[0]!)
    .map((k) => `${k.id} (shard${k.shards.length > 1 ? "s" : ""} ${k.shards.join(", ")})`)
    .join(", ");
  return `keyfence: fleet merge: warning: results were digested under ${ids.size} different fingerprint keys (${list}); a credential found under two keys is counted once per key (set ${KEY_ENV} from one CI secret for every shard, then re-scan)\n`;
}
