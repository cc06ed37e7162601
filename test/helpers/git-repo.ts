// Real git in temporary repositories (no mocks): isolated from the user's and the system's git
// configuration, with fixed identities so that authors and dates can be asserted.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { main } from "../../src/cli/main.js";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(REPO_ROOT, "bin", "keyfence.js");

const made: string[] = [];

export function tempDir(prefix = "kf-git-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function gitTestEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("GIT_")) delete env[k];
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Ada Dev",
    GIT_AUTHOR_EMAIL: "ada@example.test",
    GIT_COMMITTER_NAME: "Ada Dev",
    GIT_COMMITTER_EMAIL: "ada@example.test",
    NO_COLOR: "1",
    HUSKY: "",
    ...extra,
  };
}

export class TempRepo {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(dir?: string, env?: NodeJS.ProcessEnv) {
    this.dir = dir ?? tempDir();
    this.env = env ?? gitTestEnv(tempDir("kf-home-"));
  }

  static init(args: string[] = []): TempRepo {
    const r = new TempRepo();
    r.git("init", "-q", "-b", "main", ...args);
    return r;
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, env: this.env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  /** git with a result instead of an exception (for commands expected to fail, such as a blocked commit). */
  tryGit(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
    const r = spawnSync("git", args, { cwd: this.dir, env: { ...this.env, ...env }, encoding: "utf8" });
    return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
  }

  write(path: string, content: string | Buffer): void {
    const abs = join(this.dir, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }

  /** Commits what is staged (hooks skipped), authored and committed at `date`; returns the commit id. */
  commit(message: string, date = "2024-01-15T10:00:00Z"): string {
    execFileSync("git", ["-c", "core.hooksPath=/dev/null", "commit", "-q", "--no-verify", "--allow-empty", "-m", message, "--date", date], {
      cwd: this.dir,
      env: { ...this.env, GIT_COMMITTER_DATE: date },
      stdio: "ignore",
    });
    return this.git("rev-parse", "HEAD").trim();
  }

  /** Writes, stages and commits one file. */
  commitFile(path: string, content: string, message = `add ${path}`, date?: string): string {
    this.write(path, content);
    this.git("add", "--", path);
    return this.commit(message, date);
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process (fast); `env` is what git sees. */
export async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv, isTTY = false): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY },
    stdin: [],
    env,
    cwd,
  });
  return { code, stdout, stderr };
}

/** Runs the built CLI as a process, the way a hook or CI does. */
export function cliProcess(args: string[], cwd: string, env: NodeJS.ProcessEnv): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: "utf8" });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}
