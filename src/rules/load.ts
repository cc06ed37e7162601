// Rule packs: YAML files, one provider each, validated against schema/rule-pack.schema.json and
// compiled once so that every regex, capture group and duplicate id is checked at load time.
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createRequire } from "node:module";
import { packageFile } from "../package-root.js";
import { loadDocument } from "../schema-document.js";
import { KeyfenceError, displayPath } from "../errors.js";
import { assertUniqueIds, compileRule, DEFAULT_WINDOW } from "../engine/compile.js";
import { readBuiltinCache } from "./builtin-cache.js";
import type { AssignmentSyntax, Confidence, DecodeKind, Environment, Rule, RuleAlone, Severity, ValidatorName } from "../types.js";
import { compileRuleExtras } from "../engine/rule-extras.js";

const require = createRequire(import.meta.url);
export const RULE_PACK_SCHEMA = require(packageFile("schema/rule-pack.schema.json")) as object;

/** The folder of built-in packs shipped with the package. */
export const BUILTIN_RULES_DIR = packageFile("rules");

/** A rule as written in YAML (only the schema's required keys are guaranteed). */
export interface RuleSpec {
  id: string;
  provider?: string;
  kind: string;
  title: string;
  severity: Severity;
  environment?: Environment;
  generic?: boolean;
  defersTo?: string[];
  follows?: string[];
  confidence?: Confidence;
  keywords: string[];
  keywordsCaseInsensitive?: boolean;
  keywordsAtWordStart?: boolean;
  afterKeyword?: string;
  regex?: string;
  assignment?: { names: string[]; value: string; exclude?: string[]; syntaxes?: AssignmentSyntax[] };
  window?: { before?: number; after?: number };
  entropy?: number;
  validate?: ValidatorName[];
  allowlist?: { regexes?: string[]; stopwords?: string[]; paths?: string[] };
  remediation?: { rotateDays?: number; revokeUrl?: string; advice?: string };
  tags?: string[];
  decode?: { as: DecodeKind; require?: string; reportSelf?: boolean; where?: string };
  context?: { sandbox?: string[]; live?: string[]; radius?: number; sandboxSeverity?: Severity };
  pair?: { role: string; parts: { rule: string; role: string; required?: boolean }[]; within?: number | "unit"; severity: Severity; title?: string; kind?: string };
  alone?: RuleAlone;
  examples: { match: string[]; noMatch: string[]; paired?: { text: string; parts: number }[] };
}

/** Lines either side of an anchor a companion may be on, when a pair does not say. */
export const DEFAULT_PAIR_WITHIN = 5;

interface PackSpec {
  provider: string;
  family?: string;
  confidence?: Confidence;
  rules: RuleSpec[];
}

/** Applies the format's defaults to a rule written in a pack or in configuration. */
export function ruleFromSpec(spec: RuleSpec, pack: { provider: string; family: string; confidence?: Confidence }, origin: Rule["origin"]): Rule {
  return {
    id: spec.id,
    provider: spec.provider ?? pack.provider,
    kind: spec.kind,
    title: spec.title,
    family: pack.family,
    severity: spec.severity,
    environment: spec.environment ?? "unknown",
    keywords: spec.keywords,
    // An assignment rule's keywords are words of names, which come in every case convention.
    keywordsCaseInsensitive: spec.keywordsCaseInsensitive ?? spec.assignment !== undefined,
    ...(spec.keywordsAtWordStart && { keywordsAtWordStart: true }),
    ...(spec.afterKeyword !== undefined && { afterKeyword: spec.afterKeyword }),
    ...(spec.regex !== undefined && { regex: spec.regex }),
    ...(spec.assignment && { assignment: { names: spec.assignment.names, value: spec.assignment.value, exclude: spec.assignment.exclude ?? [], ...(spec.assignment.syntaxes?.length && { syntaxes: spec.assignment.syntaxes }) } }),
    window: { before: spec.window?.before ?? DEFAULT_WINDOW.before, after: spec.window?.after ?? DEFAULT_WINDOW.after },
    ...(spec.entropy !== undefined && { entropy: spec.entropy }),
    validate: spec.validate ?? [],
    allowlist: {
      regexes: spec.allowlist?.regexes ?? [],
      stopwords: spec.allowlist?.stopwords ?? [],
      paths: spec.allowlist?.paths ?? [],
    },
    remediation: { ...spec.remediation },
    tags: spec.tags ?? [],
    generic: spec.generic ?? false,
    ...(spec.defersTo?.length && { defersTo: spec.defersTo }),
    ...(spec.follows?.length && { follows: spec.follows }),
    confidence: spec.confidence ?? pack.confidence ?? "B",
    ...(spec.decode && {
      decode: {
        as: spec.decode.as,
        ...(spec.decode.require !== undefined && { require: spec.decode.require }),
        reportSelf: spec.decode.reportSelf ?? true,
        where: spec.decode.where ?? `${spec.decode.as}-encoded text`,
      },
    }),
    ...(spec.context && {
      context: {
        sandbox: spec.context.sandbox ?? [],
        live: spec.context.live ?? [],
        radius: spec.context.radius ?? 512,
        sandboxSeverity: spec.context.sandboxSeverity ?? "low",
      },
    }),
    ...(spec.pair && {
      pair: {
        role: spec.pair.role,
        parts: spec.pair.parts.map((p) => ({ rule: p.rule, role: p.role, required: p.required ?? true })),
        within: spec.pair.within ?? DEFAULT_PAIR_WITHIN,
        severity: spec.pair.severity,
        ...(spec.pair.title !== undefined && { title: spec.pair.title }),
        ...(spec.pair.kind !== undefined && { kind: spec.pair.kind }),
      },
    }),
    ...(spec.alone !== undefined && spec.alone !== "keep" && { alone: spec.alone }),
    examples: spec.examples,
    origin,
  };
}

/** Loads one pack file; every rule is compiled here so errors name the file, line and rule id. */
export function loadRulePack(file: string, options: { text?: string } = {}): Rule[] {
  const shown = displayPath(file);
  const doc = loadDocument<PackSpec>(file, RULE_PACK_SCHEMA, {
    what: "rule pack",
    ...options,
    subjectOf: (value, path) => {
      if (path[0] !== "rules" || typeof path[1] !== "number") return undefined;
      const id = (value as PackSpec).rules?.[path[1]]?.id;
      return typeof id === "string" ? `rule ${id}` : `rule #${path[1] + 1}`;
    },
  });
  const pack = doc.value;
  const family = pack.family ?? basename(dirname(file));
  const rules = pack.rules.map((spec, i) => ruleFromSpec(spec, { provider: pack.provider, family, ...(pack.confidence && { confidence: pack.confidence }) }, { file: shown, line: doc.lineAt(["rules", i]) }));
  for (const [i, r] of rules.entries()) {
    compileRule(r, i);
    compileRuleExtras(r);
  }
  return rules;
}

function packFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...packFilesUnder(full));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out;
}

/** The pack files that `rulePacks` paths name: files as given, folders' YAML files recursively, in order. */
export function rulePackFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new KeyfenceError("rule pack not found", { file: displayPath(p) });
    }
    files.push(...(isDir ? packFilesUnder(p) : [p]));
  }
  return files;
}

/** Loads packs from files and folders (recursively), rejecting duplicate ids across all of them. */
export function loadRulePacks(paths: readonly string[]): Rule[] {
  const rules = rulePackFiles(paths).flatMap((f) => loadRulePack(f));
  assertUniqueIds(rules);
  return rules;
}

/**
 * Every `follows` and every pair's companions name rules that exist (in `rules`, or among `also`: the built-in rules a
 * configuration's pack may pair with), and a rule never pairs with itself.
 */
export function assertPairReferences(rules: readonly Rule[], also: readonly Rule[] = []): void {
  const ids = new Set([...rules, ...also].map((r) => r.id));
  for (const r of rules) {
    for (const id of r.follows ?? []) {
      const where = { file: r.origin.file, line: r.origin.line, subject: `rule ${r.id} follows` };
      if (id === r.id) throw new KeyfenceError("a rule cannot follow itself", where);
      if (!ids.has(id)) throw new KeyfenceError(`names unknown rule ${id}`, where);
      if (!r.assignment) throw new KeyfenceError("needs an assignment: its value is the shape of what follows", where);
    }
    if (!r.pair) continue;
    const where = { file: r.origin.file, line: r.origin.line, subject: `rule ${r.id} pair` };
    for (const p of r.pair.parts) {
      if (p.rule === r.id) throw new KeyfenceError("a pair's part cannot be the anchor rule itself", where);
      if (!ids.has(p.rule)) throw new KeyfenceError(`part names unknown rule ${p.rule}`, where);
      if (p.role === r.pair.role) throw new KeyfenceError(`part role "${p.role}" is the anchor's own role`, where);
    }
  }
}

/** Where `npm run build` serialises the built-in packs (scripts/build-rule-cache.mjs). */
export const BUILTIN_RULES_CACHE = packageFile("dist/builtin-rules.json");
export const RULE_PACK_SCHEMA_FILE = packageFile("schema/rule-pack.schema.json");

/**
 * The packs shipped with keyfence, from the build-time cache, once the packs on disk are checked to be
 * exactly those it was built from (fail closed: a missing or changed pack is an error, never fewer rules).
 */
export function loadBuiltinRules(): Rule[] {
  // Checked and parsed once per process (and working folder, which the origins are shown relative
  // to): the check hashes every pack, and a run asks several times (scanner, name scrubber, workers).
  const cwd = process.cwd();
  if (builtinMemo?.cwd !== cwd) builtinMemo = { cwd, rules: readBuiltinCache(BUILTIN_RULES_CACHE, BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE, displayPath) };
  return [...builtinMemo.rules];
}

let builtinMemo: { cwd: string; rules: Rule[] } | undefined;
