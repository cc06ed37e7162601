// The repositories a fleet run covers: a list file (one clone URL or path per line, optionally
// followed by its size in KiB, `#` comments) or a folder whose sub-folders are repositories or
// mirrors. Local repositories are weighed by their object store, which is what a history scan reads.
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { KeyfenceError } from "../errors.js";
import { identify, type RepoIdentity } from "./repo-identity.js";

export interface RepoEntry extends RepoIdentity {
  /** Size in KiB (packed and loose objects); undefined when unknown. */
  sizeKiB?: number;
}

/** `git count-objects -v`: size + size-pack in KiB, without reading the objects. */
export function localSizeKiB(dir: string): number | undefined {
  const r = spawnSync("git", ["count-objects", "-v"], { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" }, stdio: ["ignore", "pipe", "ignore"] });
  if (r.status !== 0) return undefined;
  const field = (k: string) => Number(new RegExp(`^${k}: (\\d+)$`, "m").exec(r.stdout)?.[1] ?? 0);
  return field("size") + field("size-pack");
}

function isRepository(dir: string): boolean {
  return existsSync(join(dir, ".git")) || (existsSync(join(dir, "HEAD")) && existsSync(join(dir, "objects")));
}

export function readRepoList(source: string, cwd: string): RepoEntry[] {
  const abs = resolve(cwd, source);
  let st;
  try {
    st = statSync(abs);
  } catch (err) {
    throw new KeyfenceError(`cannot read the repository list (${(err as NodeJS.ErrnoException).code ?? "error"})`, { file: source });
  }
  const entries: RepoEntry[] = [];
  if (st.isDirectory()) {
    for (const name of readdirSync(abs).sort()) {
      const dir = join(abs, name);
      if (!statSync(dir).isDirectory() || !isRepository(dir)) continue;
      const id = identify(dir, abs);
      const size = localSizeKiB(dir);
      entries.push({ ...id, ...(size !== undefined && { sizeKiB: size }) });
    }
  } else {
    const base = dirname(abs);
    readFileSync(abs, "utf8").split("\n").forEach((raw, i) => {
      const line = raw.replace(/#.*$/, "").trim();
      if (!line) return;
      const [where, size, ...extra] = line.split(/\s+/);
      if (extra.length || (size !== undefined && !/^\d+$/.test(size))) {
        throw new KeyfenceError("expected '<clone URL or path> [size in KiB]'", { file: source, line: i + 1 });
      }
      const id = identify(where!, base);
      const known = size !== undefined ? Number(size) : id.kind === "path" ? localSizeKiB(id.location) : undefined;
      entries.push({ ...id, ...(known !== undefined && { sizeKiB: known }) });
    });
  }
  const seen = new Set<string>();
  return entries.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
}
