// The few questions CI planning asks git: is this commit here, is the clone shallow, what is HEAD.
// Kept behind an interface so planning logic reads as rules, and tests run it on real repositories.
import { spawnSync } from "node:child_process";
import { KeyfenceError } from "../errors.js";

export interface GitProbe {
  /** The commit a revision names, or undefined when this clone does not have it. */
  resolve(rev: string): string | undefined;
  isShallow(): boolean;
  /** Whether A and B share history in this clone (false when a shallow boundary cuts it). */
  connected(a: string, b: string): boolean;
}

function git(cwd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.error) throw new KeyfenceError(`cannot run git (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`, { subject: "keyfence ci" });
  return { ok: r.status === 0, out: r.stdout.trim() };
}

export function gitProbe(cwd: string): GitProbe {
  const inside = git(cwd, ["rev-parse", "--is-inside-work-tree"]);
  if (!inside.ok) throw new KeyfenceError(`not a git repository: ${cwd}`, { subject: "keyfence ci" });
  return {
    resolve(rev) {
      const r = git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`]);
      return r.ok && r.out ? r.out : undefined;
    },
    isShallow: () => git(cwd, ["rev-parse", "--is-shallow-repository"]).out === "true",
    connected: (a, b) => git(cwd, ["merge-base", a, b]).ok,
  };
}
