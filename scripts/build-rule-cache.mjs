#!/usr/bin/env node
// Build step (after tsc): loads the built-in packs the slow, fully checked way (YAML, JSON Schema, every
// regex compiled) and writes them as JSON to dist/builtin-rules.json with a digest of every pack, which
// loadBuiltinRules() checks at start-up: a pack missing, changed or added since the build is exit 2.
// Then the keyword automaton of that rule set goes to dist/keyword-tables.bin (src/engine/keyword-tables.ts),
// which a run uses only when its rule set is exactly this one.
import { rmSync, writeFileSync, renameSync } from "node:fs";
import { BUILTIN_RULES_CACHE, BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE, assertPairReferences, loadRulePacks } from "../dist/rules/load.js";
import { builtinPackDigest, serialiseBuiltinRules } from "../dist/rules/builtin-cache.js";
import { compileRuleSet, keywordBytesOf } from "../dist/engine/compile.js";
import { buildKeywordAutomaton } from "../dist/engine/keyword-automaton.js";
import { KEPT_TABLES_DIR, KEYWORD_TABLES_FILE, keywordDigest, serialiseKeywordTables } from "../dist/engine/keyword-tables.js";

function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

const rules = loadRulePacks([BUILTIN_RULES_DIR]);
assertPairReferences(rules);
const digest = builtinPackDigest(BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE);
writeAtomically(BUILTIN_RULES_CACHE, serialiseBuiltinRules(rules, BUILTIN_RULES_DIR, digest));
console.log(`rule cache: ${rules.length} rules → ${BUILTIN_RULES_CACHE.replace(process.cwd() + "/", "")}`);

const { keywords } = compileRuleSet(rules);
const keywordBytes = keywordBytesOf(keywords);
const tables = serialiseKeywordTables(keywordDigest(keywords), { keywordBytes, automaton: buildKeywordAutomaton(keywordBytes) });
writeAtomically(KEYWORD_TABLES_FILE, tables);
// Tables the CLI kept for other rule sets belong to the build before this one.
rmSync(KEPT_TABLES_DIR, { recursive: true, force: true });
console.log(`keyword tables: ${keywords.length} keywords, ${(tables.length / 1024).toFixed(0)} KiB → ${KEYWORD_TABLES_FILE.replace(process.cwd() + "/", "")}`);

// The shipped schemas' validators as code (ajv's standalone mode): a run with a configuration file no
// longer compiles the configuration's schema (~50 ms). src/schema-document.ts uses one only for the
// schema it was built from (by digest), and compiles otherwise.
const { Ajv } = await import("ajv");
const { default: standaloneCode } = await import("ajv/dist/standalone/index.js");
const { AJV_OPTIONS, PREBUILT_VALIDATORS, schemaDigest } = await import("../dist/schema-document.js");
const { CONFIG_SCHEMA, PACKAGE_JSON_SCHEMA } = await import("../dist/config/config.js");
const { BASELINE_SCHEMA } = await import("../dist/policy/baseline.js");
const { RULE_PACK_SCHEMA } = await import("../dist/rules/load.js");
const schemas = [CONFIG_SCHEMA, PACKAGE_JSON_SCHEMA, BASELINE_SCHEMA, RULE_PACK_SCHEMA];
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
for (const s of schemas) ajv.addSchema(s);
const exportsById = Object.fromEntries(schemas.map((s) => [s.$id, s.$id]));
const digests = Object.fromEntries(schemas.map((s) => [s.$id, schemaDigest(s)]));
writeAtomically(PREBUILT_VALIDATORS, `${standaloneCode(ajv, exportsById)}\nexports.digests = ${JSON.stringify(digests)};\n`);
console.log(`schema validators: ${schemas.length} → ${PREBUILT_VALIDATORS.replace(process.cwd() + "/", "")}`);
