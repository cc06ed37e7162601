import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = join(ROOT, "bin", "keyfence.js");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a process (the built dist/), like a user or a hook would. */
export function keyfence(args: string[], opts: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv; bin?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, [opts.bin ?? BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, ...opts.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder populated with `files` (path → content). */
export function tempTree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "keyfence-test-"));
  for (const [rel, content] of Object.entries(files)) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

/** Runs the CLI in-process with captured output (faster than a process; same code path after argv). */
export async function runCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string }): Promise<RunResult> {
  const { main } = await import("../../src/cli/main.js");
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: (async function* () {
      if (opts.stdin !== undefined) yield Buffer.from(opts.stdin);
    })(),
    env: { NO_COLOR: "1", ...opts.env },
    cwd: opts.cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
