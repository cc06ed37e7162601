// Reading a plan back (`fleet scan --plan`, `fleet plan --previous`): checked field by field, so a
// truncated or hand-edited file is a one-line error naming it, never a shard that silently scans
// nothing. Plain JSON.parse and hand checks: a 10,000-repository plan loads in milliseconds, which
// matters for a re-run of an unchanged shard (schema compilation alone cost more than the re-run).
import { readFileSync } from "node:fs";
import { KeyfenceError, displayPath } from "../errors.js";
import { PLAN_SCHEMA, type FleetPlan } from "./plan.js";

export function loadPlan(file: string, shown = displayPath(file)): FleetPlan {
  const bad = (what: string) => new KeyfenceError(`not a keyfence fleet plan: ${what}`, { file: shown });
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyfenceError(code === "ENOENT" ? "file not found" : code ? `cannot read file (${code})` : `malformed JSON (${(err as Error).message.split("\n")[0]})`, { file: shown });
  }
  const plan = doc as FleetPlan;
  if (!plan || typeof plan !== "object" || plan.schema !== PLAN_SCHEMA) throw bad(`schema is not "${PLAN_SCHEMA}"`);
  if (!Array.isArray(plan.shards) || plan.shards.length === 0) throw bad("no shards");
  const ids = new Set<string>();
  plan.shards.forEach((s, i) => {
    if (!s || s.index !== i || !Array.isArray(s.repositories)) throw bad(`shard ${i} is not shard ${i} with a list of repositories`);
    s.repositories.forEach((r, j) => {
      if (!r || typeof r.id !== "string" || !r.id || typeof r.location !== "string" || !r.location || (r.kind !== "url" && r.kind !== "path")) {
        throw bad(`shard ${i}, repository ${j + 1}: needs id, location and kind (url or path)`);
      }
      if (ids.has(r.id)) throw bad(`repository "${r.id}" is in more than one shard`);
      ids.add(r.id);
    });
  });
  return plan;
}
