// Reading shard outputs back for the merge: every `repos/*.json` result under the folders given
// (shard folders, or a folder of downloaded artifacts holding several). A file that is not a
// result is a one-line error naming it; a repository found twice keeps its newest scan.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { KeyfenceError } from "../errors.js";
import { RESULT_SCHEMA, type RepoResult } from "./repo-result.js";

function* resultFiles(dir: string, depth = 0): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new KeyfenceError(`cannot read folder (${(err as NodeJS.ErrnoException).code ?? "error"})`, { file: dir });
  }
  for (const name of names) {
    const path = join(dir, name);
    const st = statSync(path);
    // Mirrors are caches, not results; they are large and never hold a result file.
    if (st.isDirectory() && name !== "mirrors" && !name.endsWith(".git") && depth < 4) yield* resultFiles(path, depth + 1);
    else if (st.isFile() && name.endsWith(".json") && basename(dir) === "repos") yield path;
  }
}

function check(doc: unknown, file: string): RepoResult {
  const d = doc as Partial<RepoResult>;
  const bad = (what: string) => new KeyfenceError(`not a keyfence fleet result: ${what}`, { file });
  if (!d || typeof d !== "object" || d.schema !== RESULT_SCHEMA) throw bad(`schema is not "${RESULT_SCHEMA}"`);
  if (!d.repository || typeof d.repository.id !== "string" || typeof d.repository.location !== "string") throw bad("no repository id");
  if (d.status !== "ok" && d.status !== "incomplete" && d.status !== "failed") throw bad("unknown status");
  if (!Array.isArray(d.findings) || !Array.isArray(d.notices) || typeof d.scannedAt !== "string") throw bad("findings, notices or scannedAt missing");
  for (const [i, f] of d.findings.entries()) {
    if (!f || typeof f.fingerprint !== "string" || typeof f.secretDigest !== "string" || typeof f.ruleId !== "string" || typeof f.path !== "string" || !f.exposure) throw bad(`finding ${i + 1} lacks fingerprint, secretDigest, ruleId, path or exposure`);
    // A result written under --show-secrets would carry values; the merge never passes them on.
    delete (f as { secret?: unknown }).secret;
  }
  return d as RepoResult;
}

export function loadResults(dirs: readonly string[], cwd: string): RepoResult[] {
  const byId = new Map<string, RepoResult>();
  for (const dir of dirs) {
    for (const file of resultFiles(resolve(cwd, dir))) {
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(file, "utf8"));
      } catch (err) {
        // Node's JSON error can quote the file, which may hold a credential: say where, not what.
        throw new KeyfenceError(`malformed JSON${err instanceof SyntaxError ? positionOf(err.message) : " (unreadable)"}`, { file });
      }
      const r = check(doc, file);
      const had = byId.get(r.repository.id);
      if (!had || had.scannedAt < r.scannedAt) byId.set(r.repository.id, r);
    }
  }
  return [...byId.values()].sort((a, b) => (a.repository.id < b.repository.id ? -1 : 1));
}

/** " at position N" from a JSON.parse message when it has one; never the text it may quote. */
function positionOf(message: string): string {
  const at = message.lastIndexOf("at position ");
  if (at < 0) return "";
  let end = at + "at position ".length;
  while (end < message.length && message[end]! >= "0" && message[end]! <= "9") end++;
  return end > at + "at position ".length ? ` (${message.slice(at, end)})` : "";
}
