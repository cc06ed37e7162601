// The pre-commit hook is installed AND active: the file git will actually run (it asks the same
// question `keyfence install` asks: hookTarget) exists, is executable, runs `keyfence staged`, and,
// with husky, husky is set up in this clone (core.hooksPath), which a fresh clone lacks until
// `npm install` runs husky.
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, join, relative, resolve } from "node:path";
import { CHAINED_SUFFIX, hookTarget } from "../hooks/install.js";
import { HOOK_MARKER, describeScan, keyfenceScans, type HookScan } from "../hooks/setup.js";
import { runGit } from "../sources/git/process.js";
import { shellWord, type CheckResult, type DoctorContext } from "./check.js";

const ID = "pre-commit-hook";
const TITLE = "Pre-commit hook installed and active";

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Whether `keyfence` resolves the way a hook looks it up: node_modules/.bin, then PATH. */
function keyfenceResolvable(ctx: DoctorContext): boolean {
  if (existsSync(join(ctx.root, "node_modules", ".bin", "keyfence"))) return true;
  return (ctx.env.PATH ?? "").split(delimiter).some((d) => d && isExecutable(join(d, "keyfence")));
}

/** The line names keyfence by a path (`node bin/keyfence.js staged`) that exists. */
function launchedByPath(ctx: DoctorContext, script: string): boolean {
  return script
    .split("\n")
    .filter((l) => !l.trimStart().startsWith("#"))
    .map((l) => /(\S*\/keyfence(?:\.js)?)\s+staged\b/.exec(l)?.[1])
    .some((p) => p !== undefined && existsSync(resolve(ctx.root, p)));
}

/** Two paths to keyfence in one hook: every commit is scanned twice (and blocked with two messages). */
function scansTwice(found: string[], scans: HookScan[]): CheckResult {
  const direct = scans.find((s) => s.via === "direct");
  const other = scans.find((s) => s !== direct);
  const fix = direct && other ? `remove the keyfence staged line from ${direct.where}: ${other.where} already runs it (${other.via})` : `keep keyfence in one of ${scans.map((s) => s.where).join(", ")}`;
  return { id: ID, title: TITLE, status: "warn", found: [...found, `keyfence runs ${scans.length} times per commit: ${scans.map((s) => `${s.where} (${s.via})`).join(", ")}`], fix };
}

/** What runs keyfence from the hook file, and from the hook `keyfence install` kept and chained. */
function scansOf(ctx: DoctorContext, file: string, script: string): HookScan[] {
  const rel = relative(ctx.root, file) || file;
  const scans = keyfenceScans(ctx.root, script, rel);
  const chained = file + CHAINED_SUFFIX;
  if (script.includes(HOOK_MARKER) && isExecutable(chained)) scans.push(...keyfenceScans(ctx.root, readFileSync(chained, "utf8"), relative(ctx.root, chained)));
  return scans;
}

export async function hookCheck(ctx: DoctorContext): Promise<CheckResult> {
  const rel = (f: string) => relative(ctx.root, f) || f;
  const target = await hookTarget({ cwd: ctx.root, env: ctx.env });
  const file = rel(target.file);
  const fail = (found: string[], fix: string): CheckResult => ({ id: ID, title: TITLE, status: "fail", found, fix });
  const script = existsSync(target.file) ? readFileSync(target.file, "utf8") : undefined;
  const scans = script === undefined ? [] : scansOf(ctx, target.file, script);
  // The framework installs its own keyfence (language: node): node_modules and PATH do not matter there.
  const needsLauncher = scans.some((s) => s.via !== "pre-commit framework");

  if (target.kind === "husky") {
    if (script === undefined || !scans.length) return fail([`${file} ${script === undefined ? "does not exist" : "does not run keyfence staged (directly, or through lint-staged)"}`], "npx keyfence install");
    const hooksPath = (await runGit(["config", "--get", "core.hooksPath"], { cwd: ctx.root, env: ctx.env, okCodes: [1] })).stdout.toString("utf8").trim();
    const dir = hooksPath && resolve(ctx.root, hooksPath);
    const found = scans.map(describeScan);
    if (dir !== resolve(ctx.root, ".husky/_") && dir !== resolve(ctx.root, ".husky")) {
      // Without core.hooksPath git never looks in .husky: the line is there but nothing runs it.
      return fail([...found, hooksPath ? `core.hooksPath is ${hooksPath}, so git does not run husky's hooks` : "core.hooksPath is not set: husky is not set up in this clone, git does not run .husky/"], "npx husky   # or npm install, whose prepare script runs husky");
    }
    if (dir === resolve(ctx.root, ".husky/_") && !existsSync(join(dir, "pre-commit"))) {
      return fail([...found, `core.hooksPath is ${hooksPath} but ${rel(join(dir, "pre-commit"))} is missing`], "npx husky");
    }
    if (!isExecutable(target.file) && dir === resolve(ctx.root, ".husky")) return fail([...found, `${file} is not executable`], `chmod +x ${shellWord(file)}`);
    found.push(`core.hooksPath is ${hooksPath}`);
    if (scans.length > 1) return scansTwice(found, scans);
    return resolvable(ctx, found, !needsLauncher || launchedByPath(ctx, script));
  }

  if (script === undefined) return fail([`no pre-commit hook at ${file}`], "npx keyfence install");
  if (!scans.length) return fail([`${file} exists but does not run keyfence`], "npx keyfence install   # keeps the existing hook and runs it first");
  if (!isExecutable(target.file)) return fail([`${file} runs keyfence but is not executable, so git skips it`], `chmod +x ${shellWord(file)}`);
  const found = scans.map((s) => (s.via === "direct" && s.where === file ? `${file} runs keyfence and is executable` : describeScan(s)));
  if (scans.every((s) => s.where !== file)) found.unshift(`${file} is executable`);
  if (scans.length > 1) return scansTwice(found, scans);
  // The script written by `keyfence install` also falls back on the keyfence that installed it.
  const launcher = /\[ -f '([^']+)' \] && command -v node/.exec(script)?.[1];
  return resolvable(ctx, found, !needsLauncher || (launcher !== undefined && existsSync(launcher)) || launchedByPath(ctx, script));
}

/** Active but unable to start keyfence means every commit fails closed: say so before it happens. */
function resolvable(ctx: DoctorContext, found: string[], otherwise: boolean): CheckResult {
  if (otherwise || keyfenceResolvable(ctx)) return { id: ID, title: TITLE, status: "pass", found };
  return {
    id: ID,
    title: TITLE,
    status: "warn",
    found: [...found, "keyfence is neither in node_modules/.bin nor on PATH: the hook will block every commit until it is installed"],
    fix: "npm install --save-dev --save-exact keyfence",
  };
}
