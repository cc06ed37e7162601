// keyfence configuration: one validated object that every command reads. Files are JSON or YAML,
// checked against schema/config.schema.json; errors name the file, line and key.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { loadDocument } from "../schema-document.js";
import type { Severity } from "../types.js";

const require = createRequire(import.meta.url);
export const CONFIG_SCHEMA = require("../../schema/config.schema.json") as object;

export type FailOn = Severity | "never";

export interface Config {
  failOn?: FailOn;
  reportInfo?: boolean;
  rulePacks?: string[];
  builtinRules?: boolean;
  disableRules?: string[];
  severity?: Record<string, Severity>;
  allowlist?: { paths?: string[]; stopwords?: string[]; secretHashes?: string[] };
  include?: string[];
  exclude?: string[];
  gitignore?: boolean;
  maxFileSize?: number;
}

export interface LoadedConfig {
  config: Config;
  /** The file it came from, when there was one. */
  file?: string;
}

export const CONFIG_FILE_NAMES = ["keyfence.config.json", "keyfence.config.yaml", "keyfence.config.yml"];

/** Reads and validates a config file; relative rule-pack paths are resolved against its folder. */
export function loadConfigFile(file: string): LoadedConfig {
  const doc = loadDocument<Config>(file, CONFIG_SCHEMA, {
    subjectOf: (_v, path) => (path.length ? `key ${path.join(".")}` : undefined),
  });
  const config = { ...doc.value };
  if (config.rulePacks) config.rulePacks = config.rulePacks.map((p) => resolve(dirname(resolve(file)), p));
  return { config, file };
}

/** The config named on the command line, else the first keyfence.config.* in `cwd`, else none. */
export function resolveConfig(cwd: string, explicit?: string): LoadedConfig {
  if (explicit) return loadConfigFile(explicit);
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(cwd, name);
    if (existsSync(candidate)) return loadConfigFile(candidate);
  }
  return { config: {} };
}
