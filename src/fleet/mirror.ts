// Each repository is kept as a bare mirror (`git clone --mirror`, then `git fetch --prune`): every
// ref the server has (branches, tags, and on GitHub the refs/pull/* heads of pull requests, whose
// commits stay fetchable even when never merged) and every object they reach. A blobless clone
// (`--filter=blob:none`) is not enough for a history audit: the scan reads the blob of every change
// of every commit, which a blobless clone would fetch one at a time on demand (keyfence never
// lets git do that: it stops at the first missing blob and reports the history incomplete).
// A mirror is written under a temporary name and renamed when complete, so a failed clone leaves
// nothing that looks like a repository.
import { spawn } from "node:child_process";
import { nodeCrypto } from "../deferred-imports.js";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, isAbsolute } from "node:path";
import { localAdvertisedRefs } from "./local-refs.js";
import { withoutCredentials } from "./repo-identity.js";

export interface MirrorState {
  gitDir: string;
  /** Ref name → object id, as the mirror has them after the update. */
  refs: Record<string, string>;
  /** SHA-256 over the sorted refs: equal digests mean nothing new to scan. */
  refsDigest: string;
  head?: string;
  action: "cloned" | "fetched";
}

export interface MirrorOptions {
  env: NodeJS.ProcessEnv;
  /** Kill git after this long (default 30 minutes per repository). */
  timeoutMs?: number;
}

class MirrorFailure extends Error {}

/** git's own reason, one line, with any URL credentials git might echo removed. */
function reasonOf(stderr: string, code: number | null): string {
  const line = stderr.split("\n").find((l) => /^(fatal|error):/.test(l)) ?? stderr.split("\n").find((l) => l.trim()) ?? `exit code ${code}`;
  return line
    .replace(/^(fatal|error):\s*/, "")
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (u) => withoutCredentials(u.replace(/['",;]+$/, "")))
    .trim()
    .slice(0, 300);
}

function git(args: string[], cwd: string | undefined, o: MirrorOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      ...(cwd && { cwd }),
      env: { ...o.env, LC_ALL: "C", GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: o.timeoutMs ?? 30 * 60_000,
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (out += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      if (err.length < 65536) err += s;
    });
    child.on("error", (e) => reject(new MirrorFailure(`git could not start (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
    child.on("close", (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new MirrorFailure(signal ? `git ${args[0]} stopped after the time limit (${signal})` : `git ${args[0]}: ${reasonOf(err, code)}`));
    });
  });
}

function digestOf(lines: readonly string[]): string {
  return nodeCrypto().createHash("sha256").update(lines.join("\n")).digest("hex");
}

function refsDigestOfLsRemote(out: string): string {
  const lines = out
    .split("\n")
    .map((l) => l.replace("\t", " "))
    .filter((l) => / refs\//.test(l) && !l.endsWith("^{}"))
    .sort();
  return digestOf(lines);
}

/** One shell runs `git ls-remote` for a list of locations: a process start from node costs more than the query. */
const LS_REMOTE_LOOP = `i=0
for loc do
  printf '\\001%d\\n' "$i"
  git ls-remote -- "$loc" </dev/null 2>/dev/null
  printf '\\002%d\\n' "$?"
  i=$((i+1))
done`;

function lsRemoteBatch(locations: readonly string[], o: MirrorOptions): Promise<(string | undefined)[]> {
  return new Promise((resolve) => {
    const out: (string | undefined)[] = locations.map(() => undefined);
    const child = spawn("sh", ["-c", LS_REMOTE_LOOP, "sh", ...locations], {
      env: { ...o.env, LC_ALL: "C", GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" },
      stdio: ["ignore", "pipe", "ignore"],
      timeout: o.timeoutMs ?? 30 * 60_000,
    });
    let text = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (text += d));
    child.on("error", () => resolve(out));
    child.on("close", () => {
      for (const m of text.matchAll(/\x01(\d+)\n([^\x01\x02]*)\x02(\d+)\n/g)) {
        if (m[3] === "0") out[Number(m[1])] = refsDigestOfLsRemote(m[2]!);
      }
      resolve(out);
    });
  });
}

/**
 * The digests the mirrors' refs would have after an update, asked of the servers without fetching
 * (`git ls-remote`). A mirror fetches `+refs/*:refs/*`, so the advertised refs under refs/ (peeled
 * `^{}` lines aside) are exactly the refs the mirror ends up with. Undefined where the query failed
 * (the update then says why). A local repository's refs are read from its files where git keeps
 * them plainly (local-refs.ts); the rest go to ls-remote, four shells sharing the list so that
 * network round trips overlap.
 */
export async function remoteRefsDigests(locations: readonly string[], o: MirrorOptions): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = locations.map(() => undefined);
  const asked: (readonly [string, number])[] = [];
  locations.forEach((l, i) => {
    const local = isAbsolute(l) ? localAdvertisedRefs(l) : undefined;
    if (local) out[i] = digestOf(local);
    else asked.push([l, i]);
  });
  const workers = Math.min(4, asked.length);
  const slices = Array.from({ length: workers }, (_, w) => asked.filter((_, j) => j % workers === w));
  const results = await Promise.all(slices.map((slice) => lsRemoteBatch(slice.map(([l]) => l), o)));
  slices.forEach((slice, w) => slice.forEach(([, i], j) => (out[i] = results[w]![j])));
  return out;
}

async function refsOf(gitDir: string, o: MirrorOptions): Promise<{ refs: Record<string, string>; digest: string; head?: string }> {
  const out = await git(["for-each-ref", "--format=%(objectname) %(refname)"], gitDir, o);
  const lines = out.split("\n").filter(Boolean).sort();
  const refs: Record<string, string> = {};
  for (const l of lines) refs[l.slice(l.indexOf(" ") + 1)] = l.slice(0, l.indexOf(" "));
  const head = (await git(["rev-parse", "-q", "--verify", "HEAD^{commit}"], gitDir, o).catch(() => "")).trim();
  return { refs, digest: digestOf(lines), ...(head && { head }) };
}

/** Clones (first run) or updates (later runs) the mirror of `location` at `gitDir`. */
export async function updateMirror(location: string, gitDir: string, o: MirrorOptions): Promise<MirrorState> {
  let action: MirrorState["action"];
  if (existsSync(gitDir)) {
    await git(["-c", "gc.auto=0", "fetch", "--prune", "--quiet", "origin"], gitDir, o);
    action = "fetched";
  } else {
    mkdirSync(dirname(gitDir), { recursive: true });
    const tmp = `${gitDir}.partial-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    try {
      await git(["clone", "--mirror", "--quiet", "--", location, tmp], undefined, o);
      renameSync(tmp, gitDir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    action = "cloned";
  }
  const { refs, digest, head } = await refsOf(gitDir, o);
  return { gitDir, refs, refsDigest: digest, ...(head && { head }), action };
}

export { MirrorFailure };
