// The refs a local repository would advertise to `git ls-remote`, read from its files instead of
// by starting git: an unchanged shard of local repositories (a folder of mirrors, the simulation)
// is then decided without one child process, where ls-remote costs a shell and two git processes
// per repository. Only git's plain "files" ref store is read (loose refs under refs/, packed-refs);
// anything else — reftable, a linked worktree, hidden refs, a ref being written (a .lock), a name
// git would refuse, a symbolic ref that does not resolve — returns undefined and the caller asks
// ls-remote. Being wrong here can only cost a fetch: the mirror's own refs are compared again
// after the update (shard-scan.ts), so a digest that differs from ls-remote's never skips a scan,
// and one that equals it is exactly what ls-remote would have said.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** git check-ref-format, as far as a name read from disk can break it. */
const BAD_NAME = /(?:^|\/)\.|\.\.|[\x00-\x20\x7f~^:?*[\\]|\.lock(?:\/|$)|\/\/|\.$|@\{/;

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The git directory of a local repository whose refs can be read as files, else undefined. */
function filesRefStore(location: string): string | undefined {
  let gitDir = location;
  try {
    const dotGit = statSync(join(location, ".git"), { throwIfNoEntry: false });
    if (dotGit) {
      // A `.git` file points elsewhere (worktree, submodule): leave it to git.
      if (!dotGit.isDirectory()) return undefined;
      gitDir = join(location, ".git");
    }
    if (!statSync(join(gitDir, "refs")).isDirectory()) return undefined;
    if (statSync(join(gitDir, "commondir"), { throwIfNoEntry: false })) return undefined;
  } catch {
    return undefined;
  }
  const config = readText(join(gitDir, "config"));
  // reftable (extensions.refStorage), hidden refs, and ref namespaces change what is advertised.
  if (config === undefined || /refstorage|hiderefs|namespace/i.test(config)) return undefined;
  return gitDir;
}

type RefValue = { oid: string } | { target: string };

function parseRef(text: string): RefValue | undefined {
  const t = text.trim();
  if (OID.test(t)) return { oid: t };
  const m = /^ref: (refs\/\S+)$/.exec(t);
  return m ? { target: m[1]! } : undefined;
}

/** Loose refs under `dir` (relative name → value); undefined when one cannot be read as git would. */
function looseRefs(gitDir: string, prefix: string, into: Map<string, RefValue>): boolean {
  let entries;
  try {
    entries = readdirSync(join(gitDir, prefix), { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    const name = `${prefix}/${e.name}`;
    if (BAD_NAME.test(name.slice(5))) return false;
    if (e.isDirectory()) {
      if (!looseRefs(gitDir, name, into)) return false;
    } else if (e.isFile()) {
      const value = parseRef(readText(join(gitDir, name)) ?? "");
      if (!value) return false;
      into.set(name, value);
    } else {
      return false;
    }
  }
  return true;
}

function packedRefs(gitDir: string, into: Map<string, RefValue>): boolean {
  const text = readText(join(gitDir, "packed-refs"));
  if (text === undefined) return true;
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#") || line.startsWith("^")) continue;
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}) (refs\/\S+)$/.exec(line);
    if (!m || BAD_NAME.test(m[2]!.slice(5))) return false;
    into.set(m[2]!, { oid: m[1]! });
  }
  return true;
}

/**
 * `oid refname` for every ref under refs/ of a local repository, sorted, as ls-remote lists them
 * (symbolic refs resolved, peeled tags left out); undefined when git should be asked instead.
 */
export function localAdvertisedRefs(location: string): string[] | undefined {
  const gitDir = filesRefStore(location);
  if (!gitDir) return undefined;
  const refs = new Map<string, RefValue>();
  // Loose refs override packed ones: read packed-refs first.
  if (!packedRefs(gitDir, refs) || !looseRefs(gitDir, "refs", refs)) return undefined;
  const lines: string[] = [];
  for (const [name, value] of refs) {
    let v: RefValue | undefined = value;
    for (let hops = 0; v && "target" in v && hops < 5; hops++) v = refs.get(v.target);
    if (!v || !("oid" in v)) return undefined;
    lines.push(`${v.oid} ${name}`);
  }
  return lines.sort();
}
