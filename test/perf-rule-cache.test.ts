// Built-in packs are read from a JSON cache written at build time; it must give exactly the rules
// the YAML gives, and must be ignored the moment a pack differs from what it was built from.
import { afterAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE, loadBuiltinRules, loadRulePacks } from "../src/rules/load.js";
import { builtinRulesKey, readBuiltinCache, serialiseBuiltinRules } from "../src/rules/builtin-cache.js";

const tmp = mkdtempSync(join(tmpdir(), "keyfence-cache-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const show = (f: string) => f;

describe("built-in rule cache", () => {
  it("loadBuiltinRules gives the rules the YAML packs give", () => {
    expect(loadBuiltinRules()).toEqual(loadRulePacks([BUILTIN_RULES_DIR]));
  });

  it("round-trips, and is ignored once a pack changes", () => {
    const dir = join(tmp, "rules");
    cpSync(BUILTIN_RULES_DIR, dir, { recursive: true });
    const rules = loadRulePacks([dir]);
    const cache = join(tmp, "cache.json");
    writeFileSync(cache, serialiseBuiltinRules(rules, dir, builtinRulesKey(dir, RULE_PACK_SCHEMA_FILE)));
    expect(readBuiltinCache(cache, dir, RULE_PACK_SCHEMA_FILE, show)).toEqual(rules);
    appendFileSync(join(dir, "payments", "stripe.yaml"), "\n# edited\n");
    expect(readBuiltinCache(cache, dir, RULE_PACK_SCHEMA_FILE, show)).toBeUndefined();
  });

  it("is ignored when missing or malformed", () => {
    expect(readBuiltinCache(join(tmp, "none.json"), BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE, show)).toBeUndefined();
    writeFileSync(join(tmp, "bad.json"), "{");
    expect(readBuiltinCache(join(tmp, "bad.json"), BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE, show)).toBeUndefined();
  });
});
