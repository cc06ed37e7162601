// ripgrep's .gitignore rule for the folder walk: ignore files count only inside a git work tree, and
// there git itself says what it ignores. Outside a work tree (a copied folder, an unpacked archive) a
// .gitignore is just a file, and everything is scanned. Inside one, what git would not commit —
// untracked files its ignore rules match (every .gitignore above and below, .git/info/exclude,
// core.excludesFile) — is skipped, and counted; a tracked file is scanned whatever .gitignore says,
// since git does not ignore what it tracks. So the answer for a file does not depend on the folder
// the walk starts from.
import { spawnSync } from "node:child_process";

/** What git ignores under a walk root: untracked ignored files, and wholly ignored untracked folders. */
export interface GitIgnored {
  /** Posix paths relative to the walk root; folders end with "/". */
  readonly paths: ReadonlySet<string>;
}

/**
 * What git ignores under `root`, or undefined when `root` is not inside a git work tree (or git cannot
 * be run: then nothing is ignored, and more is scanned rather than less).
 */
export function gitIgnoredUnder(root: string): GitIgnored | undefined {
  // --directory lists a wholly ignored folder (node_modules/) once instead of every file in it; the
  // paths are relative to `root`, the folder git runs in (the "." pathspec keeps git 2.39 from failing
  // in a subfolder). A root inside an ignored folder makes git fail: the user named it, so it is all scanned.
  const r = spawnSync("git", ["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory", "--", "."], {
    cwd: root,
    stdio: ["ignore", "pipe", "ignore"],
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0 || !r.stdout) return undefined;
  const paths = new Set<string>();
  for (const p of r.stdout.toString("utf8").split("\0")) if (p) paths.add(p);
  return { paths };
}
