// The scope block's facts that need care: a remote address never carries credentials into a report,
// and the configuration is named by a digest, so two reports can be compared without the files.
import { nodeCrypto } from "../../deferred-imports.js";
import type { Rule } from "../../types.js";

/**
 * The remote without anything secret: URL forms lose their user name, password, query and fragment
 * (tokens hide in all of them); scp-like `user@host:path` keeps only `host:path`. Control characters
 * and whitespace are dropped, so a crafted remote cannot break the line it is shown on.
 */
export function safeRemote(remote: string): string {
  const text = remote.trim().replace(/[\x00-\x20\x7f]/g, "");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const u = new URL(text);
      u.username = "";
      u.password = "";
      u.search = "";
      u.hash = "";
      return u.toString();
    } catch {
      return text.replace(/\/\/[^/@]*@/, "//");
    }
  }
  const scp = /^(?:[^@/:]+@)?([^/:]+):(.*)$/.exec(text);
  return scp ? `${scp[1]}:${scp[2]}` : text.replace(/^[^@/]*@/, "");
}

/** The repository's name as its remote gives it (`payments-api` for …/bank/payments-api.git). */
export function repositoryName(remote: string | undefined, folder: string): string {
  const m = remote && /([^/:]+?)(?:\.git)?\/?$/.exec(safeRemote(remote));
  return m ? m[1]! : folder;
}

/** JSON with object keys sorted at every level: one text for one value, whatever order it was built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export const digestOf = (value: unknown): string => nodeCrypto().createHash("sha256").update(canonicalJson(value)).digest("hex");

/** The active rules as the report names them: how many, and one digest of their definitions. */
export function rulesDigest(rules: readonly Rule[]): { count: number; digest: string } {
  return { count: rules.length, digest: digestOf([...rules].sort((a, b) => (a.id < b.id ? -1 : 1))) };
}
