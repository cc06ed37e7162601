// The built-in packs, serialised to JSON at build time (scripts/build-rule-cache.mjs) so that a
// start-up reads one file instead of parsing YAML and compiling the JSON Schema validator. The cache is
// keyed by the content of every pack and of the schema: an edited pack without a rebuild makes the key
// differ and the packs are loaded from YAML as before, so the cache can be stale but never wrong.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { Rule } from "../types.js";

const FORMAT = 1;

interface CacheFile {
  format: number;
  key: string;
  /** Rules as loaded from YAML, with `origin.file` relative to the packs folder. */
  rules: Rule[];
}

function packFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...packFiles(full));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** SHA-256 over the schema and every pack file (name and bytes): what the cached rules were built from. */
export function builtinRulesKey(rulesDir: string, schemaFile: string): string {
  const h = createHash("sha256");
  h.update(`keyfence-rule-cache/${FORMAT}\0`);
  h.update(readFileSync(schemaFile));
  for (const file of packFiles(rulesDir)) {
    h.update(`\0${relative(rulesDir, file).split(sep).join("/")}\0`);
    h.update(readFileSync(file));
  }
  return h.digest("hex");
}

/** The cache file's text for `rules` loaded from `rulesDir`. */
export function serialiseBuiltinRules(rules: readonly Rule[], rulesDir: string, key: string): string {
  // Origins are stored relative to the packs folder and re-based on load: error messages name packs
  // relative to the user's working folder, which is not known at build time.
  const portable = rules.map((r) => ({ ...r, origin: { ...r.origin, file: relative(rulesDir, resolve(r.origin.file)).split(sep).join("/") } }));
  const body: CacheFile = { format: FORMAT, key, rules: portable };
  return JSON.stringify(body);
}

/**
 * The cached rules when the cache exists and matches the packs on disk; otherwise undefined.
 * `showPath` turns a pack's absolute path into the form error messages use.
 */
export function readBuiltinCache(cacheFile: string, rulesDir: string, schemaFile: string, showPath: (file: string) => string): Rule[] | undefined {
  let cache: CacheFile;
  try {
    cache = JSON.parse(readFileSync(cacheFile, "utf8")) as CacheFile;
  } catch {
    return undefined;
  }
  if (cache.format !== FORMAT || !Array.isArray(cache.rules)) return undefined;
  if (cache.key !== builtinRulesKey(rulesDir, schemaFile)) return undefined;
  return cache.rules.map((r) => ({ ...r, origin: { ...r.origin, file: showPath(join(rulesDir, r.origin.file)) } }));
}
