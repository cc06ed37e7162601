#!/usr/bin/env node
// Build step (after tsc): loads the built-in packs the slow, fully checked way (YAML, JSON Schema, every
// regex compiled) and writes them as JSON to dist/builtin-rules.json with a digest of every pack, which
// loadBuiltinRules() checks at start-up: a pack missing, changed or added since the build is exit 2.
import { writeFileSync, renameSync } from "node:fs";
import { BUILTIN_RULES_CACHE, BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE, assertPairReferences, loadRulePacks } from "../dist/rules/load.js";
import { builtinPackDigest, serialiseBuiltinRules } from "../dist/rules/builtin-cache.js";

const rules = loadRulePacks([BUILTIN_RULES_DIR]);
assertPairReferences(rules);
const digest = builtinPackDigest(BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE);
const tmp = `${BUILTIN_RULES_CACHE}.${process.pid}.tmp`;
writeFileSync(tmp, serialiseBuiltinRules(rules, BUILTIN_RULES_DIR, digest));
renameSync(tmp, BUILTIN_RULES_CACHE);
console.log(`rule cache: ${rules.length} rules → ${BUILTIN_RULES_CACHE.replace(process.cwd() + "/", "")}`);
