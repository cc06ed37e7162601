// Reading a plan back (`fleet scan --plan`, `fleet plan --previous`): validated, so a truncated or
// hand-edited file is a one-line error naming it, never a shard that silently scans nothing.
import { KeyfenceError } from "../errors.js";
import { loadDocument } from "../schema-document.js";
import { PLAN_SCHEMA, type FleetPlan } from "./plan.js";

const SCHEMA = {
  type: "object",
  required: ["schema", "shards"],
  properties: {
    schema: { const: PLAN_SCHEMA },
    shards: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["index", "repositories"],
        properties: {
          index: { type: "integer", minimum: 0 },
          repositories: {
            type: "array",
            items: {
              type: "object",
              required: ["id", "location", "kind"],
              properties: { id: { type: "string", minLength: 1 }, location: { type: "string", minLength: 1 }, kind: { enum: ["url", "path"] }, weight: { type: "number" } },
            },
          },
        },
      },
    },
  },
};

export function loadPlan(file: string): FleetPlan {
  const doc = loadDocument<FleetPlan>(file, SCHEMA);
  const plan = doc.value;
  plan.shards.forEach((s, i) => {
    if (s.index !== i) throw new KeyfenceError(`shard ${i} has index ${s.index} (shards must be listed in order, from 0)`, { file: doc.file, line: doc.lineAt(["shards", i]) });
  });
  const ids = new Set<string>();
  for (const s of plan.shards) {
    for (const r of s.repositories) {
      if (ids.has(r.id)) throw new KeyfenceError(`repository "${r.id}" is in more than one shard`, { file: doc.file });
      ids.add(r.id);
    }
  }
  return plan;
}
