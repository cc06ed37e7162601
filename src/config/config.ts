// keyfence configuration: one validated object that every command reads. Files are JSON or YAML,
// or a `keyfence` key in package.json, checked against schema/config.schema.json; errors name the
// file, line and key. A config may `extends` others (paths or packages), so a monorepo shares one.
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { packageFile } from "../package-root.js";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { loadDocument } from "../schema-document.js";
import { KeyfenceError } from "../errors.js";
import { readRegularFile } from "../io/regular-file.js";
import type { Severity } from "../types.js";

const require = createRequire(import.meta.url);
export const CONFIG_SCHEMA = require(packageFile("schema/config.schema.json")) as Record<string, unknown>;

/** The same rules, for the `keyfence` key of a package.json. */
/** The configuration as the `keyfence` key of a package.json (its validator is prebuilt too: schema-document.ts). */
export const PACKAGE_JSON_SCHEMA = (() => {
  const { $schema: _s, $id: _i, title: _t, ...inner } = CONFIG_SCHEMA;
  return { $id: "https://keyfence.dev/schema/package-json-keyfence.schema.json", type: "object", required: ["keyfence"], properties: { keyfence: inner } };
})();

export type FailOn = Severity | "never";

export interface Config {
  /** Configs this one builds on (paths relative to this file, or package names); resolved on load. */
  extends?: string | string[];
  failOn?: FailOn;
  reportInfo?: boolean;
  rulePacks?: string[];
  builtinRules?: boolean;
  disableRules?: string[];
  severity?: Record<string, Severity>;
  allowlist?: { paths?: string[]; stopwords?: string[]; secretDigests?: string[]; secretHashes?: string[] };
  include?: string[];
  exclude?: string[];
  gitignore?: boolean;
  maxFileSize?: number;
  /** Baseline file (absolute once loaded): accepted findings that scans no longer report. */
  baseline?: string;
  auditLog?: string;
  /** `never`: --verify sends nothing, whatever the command line says. */
  verify?: "never" | "allowed";
  fileTimeoutSeconds?: number;
  environments?: { nonProduction?: string[]; production?: string[] };
}

export interface LoadedConfig {
  config: Config;
  /** The file it came from, when there was one. */
  file?: string;
  /** Every file that took part, bases first. */
  files?: string[];
}

export const CONFIG_FILE_NAMES = ["keyfence.config.json", "keyfence.config.yaml", "keyfence.config.yml"];

/**
 * Where configuration files are read from: the disk, or (in CI) the tree of a trusted commit, so the
 * change under review cannot choose the rules it is judged by (src/config/trusted.ts).
 */
export interface ConfigFiles {
  exists(file: string): boolean;
  isDirectory(file: string): boolean;
  /** The file's bytes; a KeyfenceError naming it when it cannot be read or is not a regular file. */
  read(file: string, what: string): Buffer;
}

export const DISK: ConfigFiles = {
  exists: (file) => existsSync(file),
  isDirectory: (file) => statSync(file).isDirectory(),
  read: (file, what) => readRegularFile(file, what),
};

function isPackageJson(file: string): boolean {
  return basename(file) === "package.json";
}

function hasKeyfenceKey(packageJson: string, fs: ConfigFiles): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.read(packageJson, "package.json").toString("utf8"));
  } catch {
    // A malformed package.json is reported by loadDocument with its line, if it is chosen; during
    // discovery it cannot be a keyfence config, and failing here would break unrelated projects.
    return false;
  }
  return typeof parsed === "object" && parsed !== null && "keyfence" in parsed;
}

/** The config file in one folder: keyfence.config.*, else a package.json with a `keyfence` key. */
function configIn(dir: string, fs: ConfigFiles): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(dir, name);
    if (fs.exists(candidate)) return candidate;
  }
  const pkg = join(dir, "package.json");
  return fs.exists(pkg) && hasKeyfenceKey(pkg, fs) ? pkg : undefined;
}

/**
 * From `cwd` upward to the repository root (the folder holding `.git`, or `root` when given), the
 * first config found.
 */
export function discoverConfigFile(cwd: string, fs: ConfigFiles = DISK, root?: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = configIn(dir, fs);
    if (found) return found;
    if ((root ? dir === resolve(root) : existsSync(join(dir, ".git"))) || dirname(dir) === dir) return undefined;
  }
}

interface OwnConfig {
  config: Config;
  /** Line of the `extends` key, for errors about it. */
  extendsLine?: number;
}

/** One file, validated, with its relative paths made absolute; `extends` left unresolved. */
function loadOwn(file: string, fs: ConfigFiles): OwnConfig {
  const inPackage = isPackageJson(file);
  const doc = loadDocument<Record<string, unknown>>(file, inPackage ? PACKAGE_JSON_SCHEMA : CONFIG_SCHEMA, {
    text: fs.read(file, "configuration").toString("utf8"),
    subjectOf: (_v, path) => (path.length ? `key ${path.join(".")}` : undefined),
  });
  const prefix = inPackage ? ["keyfence"] : [];
  const config = { ...((inPackage ? doc.value.keyfence : doc.value) as Config) };
  const dir = dirname(resolve(file));
  if (config.rulePacks) config.rulePacks = config.rulePacks.map((p) => resolve(dir, p));
  if (config.baseline) config.baseline = resolve(dir, config.baseline);
  if (config.auditLog) config.auditLog = resolve(dir, config.auditLog);
  // The line is looked up only when there is an `extends` to report errors about (it needs the YAML parser).
  return { config, ...(config.extends !== undefined && { extendsLine: doc.lineAt([...prefix, "extends"]) }) };
}

/** Where an `extends` entry points: a path (file or folder) or a package found in node_modules. */
function resolveExtends(spec: string, from: string, line: number | undefined, fs: ConfigFiles): string {
  const dir = dirname(resolve(from));
  const fail = (why: string) => new KeyfenceError(`cannot extend "${spec}": ${why}`, { file: from, line, subject: "key extends" });
  const pick = (target: string): string => {
    if (!fs.exists(target)) throw fail("no such file or folder");
    if (!fs.isDirectory(target)) return target;
    const found = configIn(target, fs);
    if (!found) throw fail(`no ${CONFIG_FILE_NAMES.join(", ")} or package.json with a "keyfence" key in it`);
    return found;
  };
  if (spec.startsWith(".") || isAbsolute(spec)) return pick(resolve(dir, spec));
  const parts = spec.split("/");
  const nameLength = spec.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, nameLength).join("/");
  const subpath = parts.slice(nameLength).join("/");
  for (let d = dir; ; d = dirname(d)) {
    const pkgDir = join(d, "node_modules", name);
    if (fs.exists(pkgDir)) return pick(subpath ? join(pkgDir, subpath) : pkgDir);
    if (dirname(d) === d) throw fail(`no package "${name}" in node_modules above ${dir}`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Later wins for values; lists add up (without repeats); objects merge key by key. */
export function mergeConfigs(base: Config, over: Config): Config {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    if (Array.isArray(v) && Array.isArray(prev)) out[k] = [...new Set([...prev, ...v])];
    else if (isPlainObject(v) && isPlainObject(prev)) out[k] = mergeConfigs(prev as Config, v as Config);
    else out[k] = v;
  }
  delete out.extends;
  return out as Config;
}

function loadChain(file: string, chain: string[], files: string[], fs: ConfigFiles, referrer?: { file: string; line?: number }): Config {
  const abs = resolve(file);
  if (chain.includes(abs)) {
    const cycle = [...chain.slice(chain.indexOf(abs)), abs].map((f) => basename(f)).join(" → ");
    throw new KeyfenceError(`extends cycle: ${cycle}`, { file: referrer?.file ?? file, line: referrer?.line, subject: "key extends" });
  }
  const own = loadOwn(file, fs);
  const specs = own.config.extends === undefined ? [] : Array.isArray(own.config.extends) ? own.config.extends : [own.config.extends];
  let merged: Config = {};
  for (const spec of specs) {
    const target = resolveExtends(spec, file, own.extendsLine, fs);
    merged = mergeConfigs(merged, loadChain(target, [...chain, abs], files, fs, { file, line: own.extendsLine }));
  }
  files.push(file);
  return mergeConfigs(merged, own.config);
}

/** Reads and validates a config file and everything it extends; relative paths resolve against each file's folder. */
export function loadConfigFile(file: string, fs: ConfigFiles = DISK): LoadedConfig {
  const files: string[] = [];
  const config = loadChain(file, [], files, fs);
  return { config, file, files };
}

/** The config named on the command line, else the nearest one from `cwd` up to the repository root, else none. */
export function resolveConfig(cwd: string, explicit?: string): LoadedConfig {
  if (explicit) return loadConfigFile(explicit);
  const found = discoverConfigFile(cwd);
  return found ? loadConfigFile(found) : { config: {} };
}
