// What a push asks the server to do: the `<old> <new> <ref>` lines git feeds a pre-receive hook on
// stdin, one per ref. A line that does not parse is bad input and refuses the push (fail closed).
import { KeyfenceError } from "../errors.js";

export type RefChange = "create" | "update" | "delete";

export interface RefUpdate {
  oldOid: string;
  newOid: string;
  /** Full ref name as pushed (untrusted: may hold any byte git allows in a ref). */
  ref: string;
  change: RefChange;
}

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const ZERO = /^0+$/;

export function parseRefUpdates(text: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line === "") return;
    const m = /^(\S+) (\S+) (.+)$/.exec(line);
    if (!m || !OID.test(m[1]!) || !OID.test(m[2]!) || m[1]!.length !== m[2]!.length) {
      throw new KeyfenceError("expected '<old-oid> <new-oid> <ref>' (as git gives a pre-receive hook)", { file: "stdin", line: i + 1 });
    }
    const [, oldOid, newOid, ref] = m as unknown as [string, string, string, string];
    const change: RefChange = ZERO.test(newOid) ? "delete" : ZERO.test(oldOid) ? "create" : "update";
    updates.push({ oldOid, newOid, ref, change });
  });
  return updates;
}

/** Short, human name of a ref for messages: `refs/heads/x` → branch x, `refs/tags/v1` → tag v1. */
export function refLabel(ref: string): string {
  if (ref.startsWith("refs/heads/")) return `branch ${ref.slice(11)}`;
  if (ref.startsWith("refs/tags/")) return `tag ${ref.slice(10)}`;
  return ref;
}
