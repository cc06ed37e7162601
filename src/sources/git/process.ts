// Running git: one place that fixes the flags and environment every call needs, so that a user's
// git configuration (colour, prefixes, quoting, pagers, signatures) cannot change what we parse, and
// so that a repository with missing objects is never filled in over the network behind our back.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { statSync } from "node:fs";
import { KeyfenceError } from "../../errors.js";

/** Config that every git call runs with, whatever the user's ~/.gitconfig says. */
const PINNED_CONFIG = [
  "core.quotePath=true", // odd bytes in paths are C-quoted, so one path is always one line
  "color.ui=never",
  "diff.noprefix=false",
  "diff.mnemonicPrefix=false",
  "diff.suppressBlankEmpty=false",
  "diff.relative=false",
  "log.showSignature=false",
  "log.showRoot=true",
  "core.pager=cat",
  "i18n.logOutputEncoding=UTF-8", // author names are decoded as UTF-8
];

export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    // Messages in English so that errors can be recognised; output bytes are unaffected.
    LC_ALL: "C",
    LANGUAGE: "C",
    // A scan must not take index.lock (git holds it while running pre-commit) nor prompt.
    GIT_OPTIONAL_LOCKS: "0",
    GIT_TERMINAL_PROMPT: "0",
    // Partial clones would otherwise fetch missing blobs from the remote: keyfence never uses the network.
    // GIT_NO_LAZY_FETCH is honoured by git 2.44+; allowing no transport at all covers older ones.
    GIT_NO_LAZY_FETCH: "1",
    GIT_ALLOW_PROTOCOL: "none",
    GIT_NO_REPLACE_OBJECTS: "1",
  };
}

/** What a scan reads of a git process: its output, its exit, and a way to stop it. */
export interface GitOutput {
  stdout: AsyncIterable<Buffer>;
  /** Resolves when git exits, with its exit code and (the first 64 KiB of) stderr. */
  done: Promise<{ code: number; stderr: string }>;
  kill(): void;
}

export interface GitProcess extends GitOutput {
  child: ChildProcessWithoutNullStreams;
}

export interface GitCallOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts `git <args>` with pinned configuration; stdout is streamed, stderr collected. */
export function startGit(args: readonly string[], options: GitCallOptions): GitProcess {
  const line = gitCommandLine(args, options);
  const child = spawn("git", line.args, { cwd: options.cwd, env: line.env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => {
    if (stderr.length < 65536) stderr += s;
  });
  // EPIPE when git exits before reading all of stdin (or we stop early) is not an error of ours.
  child.stdin.on("error", () => {});
  const done = new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    child.on("error", (err: NodeJS.ErrnoException) => {
      reject(err.code === "ENOENT" ? spawnFailure(options.cwd) : err);
    });
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr }));
  });
  // Attach a handler now so that a spawn failure is not an unhandled rejection before anyone awaits.
  done.catch(() => {});
  return { child, stdout: child.stdout, done, kill: () => void child.kill() };
}

/** git's arguments after the pinned configuration, and its environment: what every git call runs with. */
export function gitCommandLine(args: readonly string[], options: GitCallOptions): { args: string[]; env: NodeJS.ProcessEnv } {
  return { args: [...PINNED_CONFIG.flatMap((c) => ["-c", c]), ...args], env: gitEnv(options.env) };
}

/**
 * spawn says ENOENT both when git is missing and when the working folder is: tell them apart, so a
 * mistyped `cwd` is not reported as a missing git.
 */
export function spawnFailure(cwd: string): KeyfenceError {
  let isFolder: boolean | undefined;
  try {
    isFolder = statSync(cwd).isDirectory();
  } catch {
    return new KeyfenceError("no such folder (the working folder given to git)", { file: cwd });
  }
  if (!isFolder) return new KeyfenceError("not a folder (the working folder given to git)", { file: cwd });
  return new KeyfenceError("git is not installed or not on PATH", { subject: "git" });
}

/** Runs git to completion and returns its stdout; a non-zero exit becomes a GitFailure. */
export async function runGit(args: readonly string[], options: GitCallOptions & { input?: string; okCodes?: number[] }): Promise<{ stdout: Buffer; code: number }> {
  const p = startGit(args, options);
  if (options.input !== undefined) p.child.stdin.end(options.input);
  else p.child.stdin.end();
  const parts: Buffer[] = [];
  for await (const chunk of p.stdout) parts.push(chunk);
  const { code, stderr } = await p.done;
  if (code !== 0 && !(options.okCodes ?? []).includes(code)) throw new GitFailure(args, code, stderr);
  return { stdout: Buffer.concat(parts), code };
}

/** git exited with an error; `reason` is its first meaningful stderr line (never file content). */
export class GitFailure extends Error {
  readonly reason: string;
  constructor(
    readonly args: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    const reason = firstReason(stderr) || `exit code ${code}`;
    super(`git ${args[0] ?? ""} failed: ${reason}`);
    this.reason = reason;
  }
}

function firstReason(stderr: string): string {
  const line = stderr.split("\n").find((l) => /^(fatal|error):/.test(l)) ?? stderr.split("\n").find((l) => l.trim());
  return (line ?? "").replace(/^(fatal|error):\s*/, "").trim();
}
