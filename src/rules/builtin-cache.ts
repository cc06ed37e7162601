// The built-in packs, serialised to JSON at build time (scripts/build-rule-cache.mjs) so that a
// start-up reads one file instead of parsing YAML and compiling the JSON Schema validator. The cache
// also holds a digest of every pack and of the schema as shipped: at start-up the packs on disk must
// be exactly those (none missing, none changed, none added), or keyfence refuses to run. A deleted or
// edited pack would otherwise drop rules silently, and a scanner that lost its Stripe rule still says
// "No secrets found".
//
// Hashing 300 packs on every run cost a pre-commit hook ~10 ms, so a run first compares what stat()
// tells: the same files with the same sizes, none modified after the cache was written (an npm
// install gives every file one time stamp; a checkout or an edit after the build makes a pack newer).
// Only when that differs are the packs hashed, and only a difference in content refuses the run.
import { nodeCrypto } from "../deferred-imports.js";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { KeyfenceError } from "../errors.js";
import type { Rule } from "../types.js";

const FORMAT = 3;

/** SHA-256 (hex) of each pack file by its path under the packs folder, and of the schema; their sizes. */
export interface PackDigest {
  schema: string;
  packs: Record<string, string>;
  sizes: { schema: number; packs: Record<string, number> };
}

interface CacheFile {
  format: number;
  digest: PackDigest;
  /** Rules as loaded from YAML, with `origin.file` relative to the packs folder. */
  rules: Rule[];
}

/** A pack file: its path, and its name under the packs folder with `/` separators (the digest's key). */
interface PackFile {
  path: string;
  name: string;
}

/**
 * The pack files under `dir`. Paths and names are built by joining, not normalised per file: this
 * runs at every start-up (a pre-commit hook), where path.join and path.relative for 300 packs cost
 * about 5 ms.
 */
function packFiles(dir: string, prefix = "", out: PackFile[] = []): PackFile[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = dir + sep + entry.name;
    if (entry.isDirectory()) packFiles(path, `${prefix}${entry.name}/`, out);
    else if (/\.ya?ml$/i.test(entry.name)) out.push({ path, name: prefix + entry.name });
  }
  return out;
}

const sha256 = (bytes: Buffer) => nodeCrypto().createHash("sha256").update(bytes).digest("hex");

/** What the packs folder holds now: every pack file's digest, and the schema's. */
export function builtinPackDigest(rulesDir: string, schemaFile: string): PackDigest {
  const packs: Record<string, string> = {};
  const sizes: Record<string, number> = {};
  for (const file of packFiles(rulesDir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const bytes = readFileSync(file.path);
    packs[file.name] = sha256(bytes);
    sizes[file.name] = bytes.length;
  }
  const schema = readFileSync(schemaFile);
  return { schema: sha256(schema), packs, sizes: { schema: schema.length, packs: sizes } };
}

/** True when stat() shows the packs and schema as built: same files, same sizes, none newer than `builtAt`. */
function unchangedSince(built: PackDigest, rulesDir: string, schemaFile: string, builtAt: number): boolean {
  const asBuilt = (file: string, size: number | undefined) => {
    const st = statSync(file, { throwIfNoEntry: false });
    return st !== undefined && st.size === size && st.mtimeMs < builtAt;
  };
  if (!asBuilt(schemaFile, built.sizes.schema)) return false;
  const files = packFiles(rulesDir);
  if (files.length !== Object.keys(built.packs).length) return false;
  return files.every((file) => asBuilt(file.path, built.sizes.packs[file.name]));
}

/** The cache file's text for `rules` loaded from `rulesDir`. */
export function serialiseBuiltinRules(rules: readonly Rule[], rulesDir: string, digest: PackDigest): string {
  // Origins are stored relative to the packs folder and re-based on load: error messages name packs
  // relative to the user's working folder, which is not known at build time.
  const portable = rules.map((r) => ({ ...r, origin: { ...r.origin, file: relative(rulesDir, resolve(r.origin.file)).split(sep).join("/") } }));
  const body: CacheFile = { format: FORMAT, digest, rules: portable };
  return JSON.stringify(body);
}

/** One line naming the first difference between the shipped packs and the ones on disk, or undefined. */
export function digestMismatch(built: PackDigest, now: PackDigest): string | undefined {
  if (built.schema !== now.schema) return "schema/rule-pack.schema.json changed since the build";
  for (const name of Object.keys(built.packs).sort()) {
    if (!(name in now.packs)) return `rules/${name} is missing`;
    if (now.packs[name] !== built.packs[name]) return `rules/${name} changed since the build`;
  }
  const added = Object.keys(now.packs).find((name) => !(name in built.packs));
  return added ? `rules/${added} was not part of the build` : undefined;
}

const BROKEN = "the built-in rule set is not the one this keyfence was built with; nothing was scanned (reinstall keyfence, or run 'npm run build' in its checkout)";

/**
 * The cached rules, after checking that the packs on disk are exactly the ones they were built from.
 * A missing or unreadable cache, or any difference, is a KeyfenceError (exit 2): fail closed.
 * `showPath` turns a pack's absolute path into the form error messages use.
 */
export function readBuiltinCache(cacheFile: string, rulesDir: string, schemaFile: string, showPath: (file: string) => string): Rule[] {
  let cache: CacheFile;
  try {
    cache = JSON.parse(readFileSync(cacheFile, "utf8")) as CacheFile;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyfenceError(`${code === "ENOENT" ? "missing" : "unreadable"}: ${BROKEN}`, { file: showPath(cacheFile) });
  }
  if (cache.format !== FORMAT || !Array.isArray(cache.rules) || typeof cache.digest?.packs !== "object" || typeof cache.digest.sizes?.packs !== "object") {
    throw new KeyfenceError(`written by another version: ${BROKEN}`, { file: showPath(cacheFile) });
  }
  try {
    if (!unchangedSince(cache.digest, rulesDir, schemaFile, statSync(cacheFile).mtimeMs)) {
      const mismatch = digestMismatch(cache.digest, builtinPackDigest(rulesDir, schemaFile));
      if (mismatch) throw new KeyfenceError(`${mismatch}: ${BROKEN}`);
    }
  } catch (err) {
    if (err instanceof KeyfenceError) throw err;
    throw new KeyfenceError(`cannot read the built-in packs (${(err as NodeJS.ErrnoException).code ?? "error"}): ${BROKEN}`, { file: showPath(rulesDir) });
  }
  // One shown path per pack, not per rule: most packs hold several rules. The parsed rules are this
  // call's own, so their origins are re-based in place (a copy of 631 rules was garbage at start-up).
  const shown = new Map<string, string>();
  const show = (file: string) => shown.get(file) ?? shown.set(file, showPath(join(rulesDir, file))).get(file)!;
  for (const r of cache.rules) r.origin.file = show(r.origin.file);
  return cache.rules;
}
