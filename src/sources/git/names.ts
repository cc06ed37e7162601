// The names a push carries besides file contents: paths, authors and committers with their e-mail,
// commit messages, ref names and annotated-tag messages. They are read with one `git log` (and, for
// whole-repository scans, one `git for-each-ref`) so that src/names/name-findings.ts can scan them as
// text like any other input: a token pasted into a commit message or used as a branch name leaks as
// surely as one in a file.
import type { ScanTarget } from "../../types.js";
import { runGit, type GitCallOptions } from "./process.js";

export type NameKind = "file name" | "author" | "committer" | "commit message" | "ref name" | "tag message" | "standard input name";

export interface Name {
  kind: NameKind;
  value: string;
  /** Where a finding in it is reported: the file's path, or the commit (path "-" for commit metadata). */
  target: ScanTarget;
}

/** Revisions for git: `--all` as the option, anything else after --end-of-options (a range is user input). */
export function revisionArgs(revisions: readonly string[]): string[] {
  return revisions.length === 1 && revisions[0] === "--all" ? ["--all"] : ["--end-of-options", ...revisions];
}

const COMMIT_START = /^\x01([0-9a-f]{40,64})$/;

/** Paths the index would commit (added, copied, modified, renamed), for `keyfence staged`. */
export async function stagedNames(options: GitCallOptions): Promise<Name[]> {
  const { stdout } = await runGit(["diff", "--cached", "--no-renames", "--name-only", "-z", "--diff-filter=ACMR"], options);
  return stdout
    .toString("utf8")
    .split("\0")
    .filter(Boolean)
    .map((path) => ({ kind: "file name" as const, value: path, target: { path } }));
}

export interface CommitNameOptions extends GitCallOptions {
  /** git revision arguments: a range ("A..B", "C^!") or ["--all"]. */
  revisions: string[];
  since?: string;
}

/** Every commit's author, committer, message and changed paths in the revisions. */
export async function commitNames(options: CommitNameOptions): Promise<Name[]> {
  const args = ["log", "-z", "--no-color", "--name-only", "--no-renames", "--format=%x01%H%x00%an <%ae>%x00%cn <%ce>%x00%aI%x00%B", ...(options.since ? [`--since=${options.since}`] : []), ...revisionArgs(options.revisions), "--"];
  const { stdout } = await runGit(args, options);
  const tokens = stdout.toString("utf8").split("\0");
  const out: Name[] = [];
  for (let i = 0; i < tokens.length; ) {
    const start = COMMIT_START.exec(tokens[i]!);
    if (!start) {
      i++;
      continue;
    }
    const commit = start[1]!;
    const [author = "", committer = "", date = "", body = ""] = tokens.slice(i + 1, i + 5);
    const meta = { path: "-", commit, author, date };
    out.push({ kind: "author", value: author, target: meta }, { kind: "committer", value: committer, target: meta }, { kind: "commit message", value: body, target: meta });
    i += 5;
    for (; i < tokens.length && !COMMIT_START.test(tokens[i]!); i++) {
      const path = tokens[i]!.replace(/^\n/, "");
      if (path) out.push({ kind: "file name", value: path, target: { path, commit, author, date } });
    }
  }
  return out;
}

/**
 * The names of a whole-history scan: every commit's authors, messages and paths on every ref (from
 * `since`), every ref name and annotated-tag message. `history` and `report` both read exactly these.
 */
export async function historyNames(options: GitCallOptions & { since?: string }): Promise<Name[]> {
  const git: GitCallOptions = { cwd: options.cwd, ...(options.env && { env: options.env }) };
  const names = await Promise.all([commitNames({ ...git, revisions: ["--all"], ...(options.since !== undefined && { since: options.since }) }), refNames(git)]);
  return names.flat();
}

/** Ref names, and the messages of annotated tags (which no commit carries), for whole-repository scans. */
export async function refNames(options: GitCallOptions): Promise<Name[]> {
  const format = "%(refname)%00%(objecttype)%00%(objectname)%00%(contents)%00%01";
  const { stdout } = await runGit(["for-each-ref", `--format=${format}`], options);
  const out: Name[] = [];
  for (const record of stdout.toString("utf8").split("\0\x01\n")) {
    const [ref, type, object, contents] = record.split("\0");
    if (!ref) continue;
    out.push({ kind: "ref name", value: ref, target: { path: "-", ...(object && { commit: object }) } });
    if (type === "tag" && contents) out.push({ kind: "tag message", value: contents, target: { path: "-", ...(object && { commit: object }) } });
  }
  return out;
}
