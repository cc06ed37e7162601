// Configuration files as a commit holds them (`git cat-file` on `commit:path`), behind the same
// ConfigFiles interface as the disk. A path that neither this commit nor the other commit compared
// with tracks — outside the repository, an installed package under node_modules, a file an earlier CI
// step wrote — is read from the disk: it is the runner's, not the change's. Symbolic links inside the
// commit are refused: the link's target would be read from the checkout, which is the change under
// review.
import { spawnSync } from "node:child_process";
import { isAbsolute, relative, sep } from "node:path";
import { KeyfenceError } from "../errors.js";
import { DISK, type ConfigFiles } from "./config.js";

interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
}

function git(cwd: string, args: string[]): { ok: boolean; out: Buffer } {
  const r = spawnSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new KeyfenceError(`cannot run git (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`, { subject: "trusted configuration" });
  return { ok: r.status === 0, out: r.stdout };
}

export interface CommitFiles extends ConfigFiles {
  readonly commit: string;
  /** Files (absolute paths) under a folder of the commit, recursively. */
  list(dir: string): string[];
}

function treeEntry(root: string, commit: string, rel: string): TreeEntry | undefined {
  if (rel === "") return { mode: "040000", type: "tree" };
  const r = git(root, ["ls-tree", "-z", "--full-tree", commit, "--", rel]);
  const line = r.ok ? r.out.toString("utf8").split("\0")[0] : "";
  const m = line ? /^(\d+) (blob|tree|commit) [0-9a-f]+\t(.*)$/s.exec(line) : null;
  return m && m[3] === rel ? { mode: m[1]!, type: m[2] as TreeEntry["type"] } : undefined;
}

/**
 * `root` is the work tree's top folder (absolute); `commit` a full commit id; `others` the commits it
 * is compared with (a path any of them tracks is the repository's, absent here or not).
 */
export function commitFiles(root: string, commit: string, others: readonly string[] = []): CommitFiles {
  const entries = new Map<string, TreeEntry | undefined>();
  const tracked = new Map<string, boolean>();
  const entry = (rel: string): TreeEntry | undefined => {
    if (!entries.has(rel)) entries.set(rel, treeEntry(root, commit, rel));
    return entries.get(rel);
  };
  /** The path inside the repository, or undefined when the file is the runner's (see the header). */
  const inRepo = (file: string): string | undefined => {
    const rel = relative(root, file);
    if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
    const path = rel.split(sep).join("/");
    if (path === "" || entry(path)) return path;
    if (!tracked.has(path)) tracked.set(path, others.some((c) => treeEntry(root, c, path) !== undefined));
    return tracked.get(path) ? path : undefined;
  };
  const short = commit.slice(0, 12);
  return {
    commit,
    exists: (file) => {
      const rel = inRepo(file);
      return rel === undefined ? DISK.exists(file) : entry(rel) !== undefined;
    },
    isDirectory: (file) => {
      const rel = inRepo(file);
      return rel === undefined ? DISK.isDirectory(file) : entry(rel)?.type === "tree";
    },
    read: (file, what) => {
      const rel = inRepo(file);
      if (rel === undefined) return DISK.read(file, what);
      const e = entry(rel);
      const where = { file: `${rel} (at ${short})` };
      if (!e) throw new KeyfenceError("file not found", where);
      if (e.type !== "blob") throw new KeyfenceError(`${what} must be a regular file, not a folder or submodule`, where);
      if (e.mode === "120000") throw new KeyfenceError(`${what} must be a regular file, not a symbolic link`, where);
      const r = git(root, ["cat-file", "blob", `${commit}:${rel}`]);
      if (!r.ok) throw new KeyfenceError(`cannot read ${what} from the commit`, where);
      return r.out;
    },
    list: (dir) => {
      const rel = inRepo(dir);
      if (rel === undefined) throw new KeyfenceError("a rule-pack folder outside the repository cannot be read from a commit", { file: dir });
      const r = git(root, ["ls-tree", "-r", "-z", "--full-tree", commit, "--", rel === "" ? "." : `${rel}/`]);
      if (!r.ok) return [];
      return r.out
        .toString("utf8")
        .split("\0")
        .filter(Boolean)
        .flatMap((l) => {
          const m = /^(\d+) blob [0-9a-f]+\t(.*)$/s.exec(l);
          return m && m[1] !== "120000" ? [`${root}${sep}${m[2]!.split("/").join(sep)}`] : [];
        })
        .sort();
    },
  };
}
