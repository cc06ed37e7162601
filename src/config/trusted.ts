// The gate judges a change by the configuration it is merged into, not by the one it brings. In
// `keyfence ci` and `keyfence git --range`, configuration (with `extends` and package.json
// "keyfence"), custom rule packs and the baseline are read from the base commit of the range; the
// same set as the head commit holds it is compared with it, and every way the change weakens the gate
// (a higher fail-on, broader allowlists, disabled or downgraded rules, built-in rules off, custom rules
// edited away, baseline entries added) is listed. src/cli/trusted-scan.ts turns those into blocking
// findings until the organisation's approval path says otherwise.
import { relative, resolve, sep } from "node:path";
import { loadRulePack } from "../rules/load.js";
import { DEFAULT_BASELINE_FILE, loadBaseline, type Baseline } from "../policy/baseline.js";
import { severityRank } from "../policy/severity.js";
import { assertUniqueIds } from "../engine/compile.js";
import { discoverConfigFile, loadConfigFile, type Config, type FailOn } from "./config.js";
import type { CommitFiles } from "./commit-files.js";
import type { Rule, Severity } from "../types.js";

/** Everything that decides what blocks, as one commit (or no commit: the defaults) holds it. */
export interface GateSettings {
  /** Commit the settings were read from; undefined means none (the defaults: a first push). */
  commit?: string;
  config: Config;
  /** The configuration files that took part, repository-relative, bases first. */
  files: string[];
  /** Custom rules from `rulePacks`. */
  customRules: Rule[];
  /** `file` absolute, `shown` repository-relative. */
  baseline?: { file: string; shown: string; baseline: Baseline };
}

export const DEFAULT_SETTINGS: GateSettings = { config: {}, files: [], customRules: [] };

/** One way a change weakens the gate. */
export interface Weakening {
  /** Repository-relative file that carries the change (a config file, a pack, the baseline). */
  file: string;
  /** Configuration key or object concerned, e.g. "failOn", "allowlist.paths", "baseline". */
  key: string;
  /** What changed, in words, e.g. `failOn medium → never`. */
  detail: string;
}

export interface SettingsRequest {
  /** Work tree top (absolute). */
  root: string;
  /** Folder keyfence runs in (absolute): configuration is discovered from here up to `root`. */
  cwd: string;
  /** `--config`, as given. */
  config?: string;
  /** `--baseline`, as given. */
  baseline?: string;
  /** `--no-baseline`. */
  noBaseline?: boolean;
}

function packFiles(fs: CommitFiles, path: string): string[] {
  if (!fs.exists(path)) return [path];
  return fs.isDirectory(path) ? fs.list(path).filter((f) => /\.ya?ml$/i.test(f)) : [path];
}

/** Reads configuration, custom packs and baseline as `fs` (one commit's tree) holds them. */
export function settingsAt(fs: CommitFiles, req: SettingsRequest): GateSettings {
  const explicit = req.config === undefined ? undefined : resolve(req.cwd, req.config);
  const file = explicit ?? discoverConfigFile(req.cwd, fs, req.root);
  const loaded = file ? loadConfigFile(file, fs) : { config: {} as Config, files: [] as string[] };
  const rel = (f: string) => {
    const r = relative(req.root, f);
    return r.startsWith("..") ? f : r.split(sep).join("/");
  };
  const customRules = (loaded.config.rulePacks ?? []).flatMap((p) => packFiles(fs, p)).flatMap((f) => loadRulePack(f, { text: fs.read(f, "rule pack").toString("utf8") }));
  assertUniqueIds(customRules);
  // Also the default file: read from the trusted commit, a change cannot accept its own secrets.
  const baselineFile = req.noBaseline ? undefined : req.baseline !== undefined ? resolve(req.cwd, req.baseline) : (loaded.config.baseline ?? resolve(req.cwd, DEFAULT_BASELINE_FILE));
  const baseline = baselineFile && (req.baseline !== undefined || fs.exists(baselineFile)) ? { file: baselineFile, shown: rel(baselineFile), baseline: loadBaseline(rel(baselineFile), fs.read(baselineFile, "baseline").toString("utf8")) } : undefined;
  // Packs are carried as rules; the scanner is given them directly, not the paths again.
  const { rulePacks: _packs, ...config } = loaded.config;
  return { commit: fs.commit, config, files: (loaded.files ?? []).map(rel), customRules, ...(baseline && { baseline }) };
}

/** How many severities block: never = 0, critical = 1 … info = 5. */
function strictness(failOn: FailOn | undefined): number {
  const f = failOn ?? "medium";
  return f === "never" ? 0 : 5 - severityRank(f);
}

function added(base: readonly string[] | undefined, head: readonly string[] | undefined): string[] {
  const had = new Set(base ?? []);
  return [...new Set(head ?? [])].filter((x) => !had.has(x));
}

function quoteList(items: readonly string[]): string {
  const shown = items.slice(0, 5).map((s) => JSON.stringify(s));
  return shown.join(", ") + (items.length > 5 ? ` and ${items.length - 5} more` : "");
}

/** A rule as it decides what is found (where it was written does not matter). */
function ruleShape(r: Rule): string {
  const { origin: _o, examples: _e, ...rest } = r;
  return JSON.stringify(rest);
}

/**
 * Every way `head` weakens the gate that `base` sets. `builtin` gives each built-in rule's
 * severity, so an override below it counts as a downgrade even where base had no override.
 */
export function weakenings(base: GateSettings, head: GateSettings, builtin: readonly Rule[]): Weakening[] {
  const out: Weakening[] = [];
  const file = head.files.at(-1) ?? base.files.at(-1) ?? "keyfence configuration";
  const b = base.config;
  const h = head.config;
  const add = (key: string, detail: string, where = file) => out.push({ file: where, key, detail });

  if (strictness(h.failOn) < strictness(b.failOn)) add("failOn", `failOn ${b.failOn ?? "medium"} → ${h.failOn}`);
  if (b.builtinRules !== false && h.builtinRules === false) add("builtinRules", "built-in rules turned off");
  const disabled = added(b.disableRules, h.disableRules);
  if (disabled.length) add("disableRules", `rules disabled: ${quoteList(disabled)}`);
  if (b.reportInfo === true && h.reportInfo !== true) add("reportInfo", "info findings no longer reported");

  const defaults = new Map<string, Severity>([...builtin, ...base.customRules, ...head.customRules].map((r) => [r.id, r.severity]));
  for (const id of new Set([...Object.keys(b.severity ?? {}), ...Object.keys(h.severity ?? {})])) {
    const before = b.severity?.[id] ?? defaults.get(id);
    const after = h.severity?.[id] ?? defaults.get(id);
    if (before && after && severityRank(after) < severityRank(before)) add(`severity.${id}`, `${id} downgraded ${before} → ${after}`);
  }

  for (const key of ["paths", "stopwords", "secretDigests", "secretHashes"] as const) {
    const more = added(b.allowlist?.[key], h.allowlist?.[key]);
    if (more.length) add(`allowlist.${key}`, `allowlist.${key} broadened: ${key === "secretHashes" || key === "secretDigests" ? `${more.length} value(s)` : quoteList(more)}`);
  }
  const excluded = added(b.exclude, h.exclude);
  if (excluded.length) add("exclude", `paths excluded: ${quoteList(excluded)}`);
  if (JSON.stringify([...(h.include ?? [])].sort()) !== JSON.stringify([...(b.include ?? [])].sort()) && (h.include?.length ?? 0) > 0) {
    add("include", `scan narrowed to: ${quoteList(h.include ?? [])}`);
  }
  if (h.maxFileSize !== undefined && (b.maxFileSize === undefined || h.maxFileSize < b.maxFileSize)) add("maxFileSize", `maxFileSize lowered to ${h.maxFileSize}`);
  const nonProd = added(b.environments?.nonProduction, h.environments?.nonProduction);
  if (h.environments?.nonProduction && nonProd.length) add("environments.nonProduction", `non-production locations added: ${quoteList(nonProd)}`);
  if (b.environments?.production) {
    const gone = added(h.environments?.production ?? [], b.environments.production);
    if (gone.length) add("environments.production", `production locations removed: ${quoteList(gone)}`);
  }
  if (b.auditLog && !h.auditLog) add("auditLog", "audit log turned off");

  const headRules = new Map(head.customRules.map((r) => [r.id, r]));
  for (const r of base.customRules) {
    const now = headRules.get(r.id);
    const packFile = (now ?? r).origin.file;
    if (!now) add(`rule ${r.id}`, `custom rule ${r.id} removed`, packFile);
    else if (ruleShape(now) !== ruleShape(r)) add(`rule ${r.id}`, `custom rule ${r.id} changed`, packFile);
  }

  if (head.baseline) {
    const had = new Set(base.baseline?.baseline.entries.map((e) => e.fingerprint) ?? []);
    for (const e of head.baseline.baseline.entries) {
      if (!had.has(e.fingerprint)) add("baseline", `baseline entry added for ${e.ruleId} in ${JSON.stringify(e.path)}${e.reason ? ` (reason: ${JSON.stringify(e.reason)})` : ""}`, head.baseline.shown);
    }
    const extended = new Map(base.baseline?.baseline.entries.map((e) => [e.fingerprint, e.expires]) ?? []);
    for (const e of head.baseline.baseline.entries) {
      const before = extended.get(e.fingerprint);
      if (extended.has(e.fingerprint) && before !== undefined && (e.expires === undefined || e.expires > before)) {
        add("baseline", `baseline acceptance of ${e.ruleId} in ${JSON.stringify(e.path)} extended (${before} → ${e.expires ?? "no expiry"})`, head.baseline.shown);
      }
    }
  }
  return out;
}

/** The custom rules and settings a scan runs with, as a config plus rules (for createScanner). */
export function rulesOf(settings: GateSettings, builtin: () => Rule[]): Rule[] {
  const base = settings.config.builtinRules === false ? [] : builtin();
  const disabled = new Set(settings.config.disableRules ?? []);
  const all = [...base, ...settings.customRules].filter((r) => !disabled.has(r.id));
  assertUniqueIds(all);
  return all;
}
