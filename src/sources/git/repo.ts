// Which repository a scan is about, and what may be missing from it (shallow or partial clones).
import { resolve } from "node:path";
import { KeyfenceError } from "../../errors.js";
import { GitFailure, runGit, type GitCallOptions } from "./process.js";

export interface RepoInfo {
  /** Top of the work tree; undefined in a bare repository. */
  root?: string;
  gitDir: string;
  shallow: boolean;
}

/** Describes the repository at `cwd`; outside one, a one-line KeyfenceError naming the folder. */
export async function openRepo(options: GitCallOptions): Promise<RepoInfo> {
  let out: string;
  try {
    out = (await runGit(["rev-parse", "--is-bare-repository", "--is-shallow-repository", "--absolute-git-dir", "--show-cdup"], options)).stdout.toString("utf8");
  } catch (err) {
    throw asUserError(err, options.cwd);
  }
  const [bare, shallow, gitDir = "", cdup] = out.split("\n");
  return {
    ...(bare !== "true" && { root: resolve(options.cwd, cdup ?? "") }),
    gitDir,
    shallow: shallow === "true",
  };
}

/** Partial clones (`--filter=blob:none` …) lack objects that git would otherwise fetch on demand. */
export async function isPartialClone(options: GitCallOptions): Promise<boolean> {
  const { stdout } = await runGit(["config", "--get-regexp", "^(extensions\\.partialclone|remote\\..*\\.promisor)$"], { ...options, okCodes: [1] });
  return stdout.toString("utf8").split("\n").some((l) => /^extensions\.partialclone \S/i.test(l) || /\.promisor true$/i.test(l));
}

/** Turns git's failure into the one line a user can act on. */
export function asUserError(err: unknown, cwd: string, subject?: string): unknown {
  if (!(err instanceof GitFailure)) return err;
  if (/not a git repository/i.test(err.reason)) {
    return new KeyfenceError("not a git repository (use 'keyfence scan' for plain folders)", { file: cwd });
  }
  return new KeyfenceError(err.reason, { file: cwd, subject: subject ?? `git ${err.args[0] ?? ""}` });
}
