// `keyfence install` / `uninstall`: put the staged check into a repository's pre-commit hook, in the
// place that repository actually runs hooks from, without ever losing a hook that was there.
//
//  - husky (core.hooksPath .husky/_ or .husky, or a .husky folder with husky in package.json): one
//    marked line in .husky/pre-commit, before its first command;
//  - otherwise: a script at `git rev-parse --git-path hooks`/pre-commit (core.hooksPath respected);
//    an existing hook is kept beside it as pre-commit.keyfence-chained and run first.
// Both are idempotent, and uninstall restores the files byte for byte.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, basename } from "node:path";
import { KeyfenceError } from "../errors.js";
import { runGit } from "../sources/git/process.js";
import { asUserError } from "../sources/git/repo.js";

import { HOOK_MARKER, keyfenceScans, RUNS_KEYFENCE, describeScan } from "./setup.js";

export { HOOK_MARKER, RUNS_KEYFENCE };
export const LINE_MARKER = "# added by keyfence install";
export const CHAINED_SUFFIX = ".keyfence-chained";

export type HookKind = "husky" | "git-hook";

export interface HookResult {
  kind: HookKind;
  /** The file written or removed. */
  file: string;
  action: "installed" | "chained" | "already-installed" | "removed" | "restored" | "not-installed";
  /** How the hook already runs keyfence (already-installed), e.g. "package.json runs keyfence staged (lint-staged)". */
  via?: string;
}

export interface HookOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Absolute path of a keyfence launcher (bin/keyfence.js) to fall back on when none is on PATH. */
  launcher?: string;
}

interface HookTarget {
  kind: HookKind;
  file: string;
  /** For husky: the line to add. */
  line?: string;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

async function git(args: string[], o: HookOptions, okCodes: number[] = []): Promise<string> {
  try {
    return (await runGit(args, { cwd: o.cwd, env: o.env, okCodes })).stdout.toString("utf8").replace(/\n$/, "");
  } catch (err) {
    throw asUserError(err, o.cwd);
  }
}

function huskyMajor(root: string): number | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    const spec = pkg.devDependencies?.husky ?? pkg.dependencies?.husky;
    if (spec === undefined) return undefined;
    const m = /(\d+)/.exec(spec);
    return m ? Number(m[1]) : 9;
  } catch {
    return undefined;
  }
}

/** Where the hook goes in this repository. */
export async function hookTarget(o: HookOptions): Promise<HookTarget> {
  const root = await git(["rev-parse", "--show-toplevel"], o);
  if (!root) throw new KeyfenceError("a bare repository has no work tree to commit from", { file: o.cwd });
  const hooksPath = (await git(["config", "--get", "core.hooksPath"], o, [1])).replace(/\/+$/, "");
  const rel = hooksPath && resolve(root, hooksPath) === resolve(root, ".husky/_") ? ".husky/_" : hooksPath && resolve(root, hooksPath) === resolve(root, ".husky") ? ".husky" : "";
  const major = huskyMajor(root);
  const huskyDir = existsSync(join(root, ".husky")) && statSync(join(root, ".husky")).isDirectory();
  if (rel || (huskyDir && major !== undefined)) {
    // husky 9 puts node_modules/.bin on PATH for its hooks; husky 8 and older do not.
    const old = rel === ".husky" || (major !== undefined && major < 9);
    const cmd = old ? "npx --no -- keyfence staged" : "keyfence staged";
    return { kind: "husky", file: join(root, ".husky", "pre-commit"), line: `${cmd} ${LINE_MARKER}` };
  }
  const hooksDir = resolve(o.cwd, await git(["rev-parse", "--git-path", "hooks"], o));
  return { kind: "git-hook", file: join(hooksDir, "pre-commit") };
}

export function hookScript(launcher?: string): string {
  const fallback = launcher
    ? `elif [ -f ${shellQuote(launcher)} ] && command -v node >/dev/null 2>&1; then
  set -- node ${shellQuote(launcher)}
`
    : "";
  return `#!/bin/sh
${HOOK_MARKER}: added by 'keyfence install'; 'keyfence uninstall' removes it.
# Runs the hook it replaced first (if any), then checks the staged changes for credentials.
# It fails closed: if keyfence cannot run, the commit is blocked ('git commit --no-verify' bypasses).
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/pre-commit${CHAINED_SUFFIX}" ]; then
  "$hook_dir/pre-commit${CHAINED_SUFFIX}" "$@" || exit $?
fi
if [ -x node_modules/.bin/keyfence ]; then
  set -- node_modules/.bin/keyfence
elif command -v keyfence >/dev/null 2>&1; then
  set -- keyfence
${fallback}else
  echo "keyfence: not found (npm install --save-dev keyfence); the commit is blocked to be safe. Bypass once: git commit --no-verify" >&2
  exit 2
fi
"$@" staged
status=$?
if [ "$status" -ge 2 ]; then
  echo "keyfence: could not check this commit (exit $status: keyfence itself, its install or its configuration is broken, or a file could not be read; see above); it is blocked to be safe. Bypass once: git commit --no-verify" >&2
fi
exit "$status"
`;
}

/** Temporary file, then rename: a hook is never seen half-written. */
function writeAtomic(file: string, content: string, mode: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new KeyfenceError(`cannot write hook (${(err as NodeJS.ErrnoException).code ?? "error"})`, { file });
  }
}

export async function installHook(o: HookOptions): Promise<HookResult> {
  const t = await hookTarget(o);
  const root = await git(["rev-parse", "--show-toplevel"], o);
  const existing = existsSync(t.file) ? readFileSync(t.file, "utf8") : undefined;
  // A hook that reaches keyfence already (a line, lint-staged, the pre-commit framework, lefthook)
  // gets nothing more: a second path would scan every commit twice.
  const scans = existing === undefined ? [] : keyfenceScans(root, existing, relative(root, t.file));
  if (scans.length) return { kind: t.kind, file: t.file, action: "already-installed", via: scans.map(describeScan).join("; ") };
  if (t.kind === "husky") {
    const before = existing;
    const after = before === undefined ? `${t.line}\n` : insertFirst(before, t.line!);
    const mode = before === undefined ? 0o755 : statSync(t.file).mode & 0o777;
    writeAtomic(t.file, after, mode);
    return { kind: t.kind, file: t.file, action: "installed" };
  }
  const chained = t.file + CHAINED_SUFFIX;
  if (existsSync(t.file)) {
    if (existsSync(chained)) throw new KeyfenceError(`both a pre-commit hook and ${basename(chained)} exist; resolve them by hand first`, { file: t.file });
    renameSync(t.file, chained);
    writeAtomic(t.file, hookScript(o.launcher), 0o755);
    return { kind: t.kind, file: t.file, action: "chained" };
  }
  writeAtomic(t.file, hookScript(o.launcher), 0o755);
  return { kind: t.kind, file: t.file, action: "installed" };
}

export async function uninstallHook(o: HookOptions): Promise<HookResult> {
  const t = await hookTarget(o);
  if (t.kind === "husky") {
    if (!existsSync(t.file)) return { kind: t.kind, file: t.file, action: "not-installed" };
    const before = readFileSync(t.file, "utf8");
    if (!before.includes(LINE_MARKER)) return { kind: t.kind, file: t.file, action: "not-installed" };
    const restored = removeMarkedLine(before);
    // Only a file that holds nothing but our line was created by install.
    if (restored === "" && before.endsWith(`${LINE_MARKER}\n`)) rmSync(t.file);
    else writeAtomic(t.file, restored, statSync(t.file).mode & 0o777);
    return { kind: t.kind, file: t.file, action: "removed" };
  }
  const chained = t.file + CHAINED_SUFFIX;
  if (!existsSync(t.file) || !readFileSync(t.file, "utf8").includes(HOOK_MARKER)) return { kind: t.kind, file: t.file, action: "not-installed" };
  rmSync(t.file);
  if (existsSync(chained)) {
    renameSync(chained, t.file);
    return { kind: t.kind, file: t.file, action: "restored" };
  }
  return { kind: t.kind, file: t.file, action: "removed" };
}

/**
 * The hook with our line before its first command, so that it runs even when a command before it
 * fails or execs (husky's default `npm test` fails in a fresh `npm init` project). A shebang,
 * comments, blank lines and husky 8's `. "$(dirname -- "$0")/_/husky.sh"` stay above it.
 */
export function insertFirst(script: string, line: string): string {
  const lines = script.split("\n");
  let at = 0;
  while (at < lines.length) {
    const l = lines[at]!.trim();
    const preamble = l === "" || l.startsWith("#") || /^(\.|source)\s+\S*husky\.sh/.test(l.replace(/"\$\(dirname (--\s+)?"\$0"\)/g, ""));
    if (!preamble) break;
    at++;
  }
  // Only blank lines and comments: the line goes at the end (keeping a missing final newline missing).
  if (at === lines.length) return script.endsWith("\n") ? `${script}${line}\n` : `${script}\n${line}`;
  lines.splice(at, 0, line);
  return lines.join("\n");
}

/** The inverse of insertFirst. */
export function removeMarkedLine(text: string): string {
  const at = text.indexOf(LINE_MARKER);
  if (at === -1) return text;
  const start = text.lastIndexOf("\n", at) + 1;
  const end = at + LINE_MARKER.length;
  if (text[end] === "\n") return text.slice(0, start) + text.slice(end + 1);
  // Last line without a final newline: the newline before it was added with it.
  return text.slice(0, Math.max(0, start - 1));
}
