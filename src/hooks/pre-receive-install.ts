// `keyfence install --pre-receive` (run inside a bare repository on the server): a pre-receive hook
// script that runs `keyfence pre-receive`, and receive.advertisePushOptions so that pushers can send
// the audited bypass option. An existing pre-receive hook is kept as pre-receive.keyfence-chained and
// still runs first, on the same stdin. Idempotent; uninstall puts the previous hook back.
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { KeyfenceError } from "../errors.js";
import { runGit } from "../sources/git/process.js";
import { asUserError } from "../sources/git/repo.js";
import type { HookResult } from "./install.js";

export const PRE_RECEIVE_MARKER = "# keyfence pre-receive hook";
const CHAINED = ".keyfence-chained";

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

async function git(args: string[], cwd: string, env: NodeJS.ProcessEnv | undefined, okCodes: number[] = []): Promise<string> {
  try {
    return (await runGit(args, { cwd, env, okCodes })).stdout.toString("utf8").trim();
  } catch (err) {
    throw asUserError(err, cwd);
  }
}

export function preReceiveScript(launcher?: string): string {
  const direct = launcher ? `if [ -f ${shellQuote(launcher)} ] && command -v node >/dev/null 2>&1; then
  set -- node ${shellQuote(launcher)}
el` : "";
  return `#!/bin/sh
${PRE_RECEIVE_MARKER}: added by 'keyfence install --pre-receive'; 'keyfence uninstall --pre-receive' removes it.
# Judges the commits of every push (added lines only) and rejects pushes that add credentials.
# Fails closed: if keyfence cannot run, the push is rejected. Settings: git config keyfence.preReceive.*
${direct}if command -v keyfence >/dev/null 2>&1; then
  set -- keyfence
else
  echo "keyfence: not installed on this server; the push is rejected to be safe (tell the administrators)" >&2
  exit 2
fi
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/pre-receive${CHAINED}" ]; then
  # Both hooks read the same ref updates: keep them in a file only this hook can read.
  updates=$(mktemp) || exit 2
  trap 'rm -f "$updates"' EXIT
  cat >"$updates" || exit 2
  "$hook_dir/pre-receive${CHAINED}" "$@" <"$updates" || exit $?
  "$@" pre-receive <"$updates"
else
  "$@" pre-receive
fi
status=$?
if [ "$status" -gt 2 ]; then
  echo "keyfence: could not judge this push (exit $status); it is rejected to be safe" >&2
fi
exit "$status"
`;
}

async function hookFile(cwd: string, env: NodeJS.ProcessEnv | undefined): Promise<string> {
  const bare = await git(["rev-parse", "--is-bare-repository"], cwd, env);
  if (bare !== "true") throw new KeyfenceError("--pre-receive is for the bare repository a server receives pushes into (here: a work tree; use 'keyfence install' for the pre-commit hook)", { file: cwd });
  return join(resolve(cwd, await git(["rev-parse", "--git-path", "hooks"], cwd, env)), "pre-receive");
}

function writeAtomic(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, { mode: 0o755 });
    chmodSync(tmp, 0o755);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new KeyfenceError(`cannot write hook (${(err as NodeJS.ErrnoException).code ?? "error"})`, { file });
  }
}

export async function installPreReceive(o: { cwd: string; env?: NodeJS.ProcessEnv; launcher?: string }): Promise<HookResult> {
  const file = await hookFile(o.cwd, o.env);
  await git(["config", "receive.advertisePushOptions", "true"], o.cwd, o.env);
  const chained = file + CHAINED;
  if (existsSync(file)) {
    if (readFileSync(file, "utf8").includes(PRE_RECEIVE_MARKER)) {
      writeAtomic(file, preReceiveScript(o.launcher));
      return { kind: "git-hook", file, action: "already-installed" };
    }
    if (existsSync(chained)) throw new KeyfenceError(`both a pre-receive hook and ${basename(chained)} exist; resolve them by hand first`, { file });
    renameSync(file, chained);
    writeAtomic(file, preReceiveScript(o.launcher));
    return { kind: "git-hook", file, action: "chained" };
  }
  writeAtomic(file, preReceiveScript(o.launcher));
  return { kind: "git-hook", file, action: "installed" };
}

export async function uninstallPreReceive(o: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<HookResult> {
  const file = await hookFile(o.cwd, o.env);
  if (!existsSync(file) || !readFileSync(file, "utf8").includes(PRE_RECEIVE_MARKER)) return { kind: "git-hook", file, action: "not-installed" };
  rmSync(file);
  if (existsSync(file + CHAINED)) {
    renameSync(file + CHAINED, file);
    return { kind: "git-hook", file, action: "restored" };
  }
  return { kind: "git-hook", file, action: "removed" };
}
