// Built-in packs are read from a JSON cache written at build time; it must give exactly the rules the
// YAML gives, and keyfence must refuse to run (exit 2, one line) the moment a pack is missing, changed
// or added since the build: a deleted pack must never mean fewer rules and "No secrets found".
import { afterAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync, renameSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE, loadBuiltinRules, loadRulePacks } from "../src/rules/load.js";
import { builtinPackDigest, readBuiltinCache, serialiseBuiltinRules } from "../src/rules/builtin-cache.js";
import { keyfence, ROOT } from "./helpers/cli.js";
import { positive } from "./helpers/secrets.js";

const tmp = mkdtempSync(join(tmpdir(), "keyfence-cache-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const show = (f: string) => f;

function builtCopy(name: string): { dir: string; cache: string } {
  const dir = join(tmp, name);
  cpSync(BUILTIN_RULES_DIR, dir, { recursive: true });
  const cache = join(tmp, `${name}.json`);
  writeFileSync(cache, serialiseBuiltinRules(loadRulePacks([dir]), dir, builtinPackDigest(dir, RULE_PACK_SCHEMA_FILE)));
  return { dir, cache };
}

describe("built-in rule cache", () => {
  it("loadBuiltinRules gives the rules the YAML packs give", () => {
    expect(loadBuiltinRules()).toEqual(loadRulePacks([BUILTIN_RULES_DIR]));
  });

  it("round-trips", () => {
    const { dir, cache } = builtCopy("same");
    expect(readBuiltinCache(cache, dir, RULE_PACK_SCHEMA_FILE, show)).toEqual(loadRulePacks([dir]));
  });

  it("refuses a changed, missing or added pack, naming it", () => {
    const changed = builtCopy("changed");
    appendFileSync(join(changed.dir, "payments", "stripe.yaml"), "\n# edited\n");
    expect(() => readBuiltinCache(changed.cache, changed.dir, RULE_PACK_SCHEMA_FILE, show)).toThrow(/rules\/payments\/stripe\.yaml changed since the build/);
    const missing = builtCopy("missing");
    rmSync(join(missing.dir, "payments", "stripe.yaml"));
    expect(() => readBuiltinCache(missing.cache, missing.dir, RULE_PACK_SCHEMA_FILE, show)).toThrow(/rules\/payments\/stripe\.yaml is missing/);
    const added = builtCopy("added");
    writeFileSync(join(added.dir, "payments", "extra.yaml"), "provider: x\nrules: []\n");
    expect(() => readBuiltinCache(added.cache, added.dir, RULE_PACK_SCHEMA_FILE, show)).toThrow(/rules\/payments\/extra\.yaml was not part of the build/);
  });

  it("refuses a missing or malformed cache", () => {
    expect(() => readBuiltinCache(join(tmp, "none.json"), BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE, show)).toThrow(/missing: the built-in rule set/);
    writeFileSync(join(tmp, "bad.json"), "{");
    expect(() => readBuiltinCache(join(tmp, "bad.json"), BUILTIN_RULES_DIR, RULE_PACK_SCHEMA_FILE, show)).toThrow(/unreadable/);
  });

  it("the CLI exits 2 with one line when a shipped pack is gone (and scans again once it is back)", () => {
    // An installed copy of the package (the repository's own packs are shared by parallel tests).
    const pkg = join(tmp, "installed");
    for (const part of ["bin", "dist", "rules", "schema", "package.json"]) cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(pkg, "node_modules"));
    const bin = join(pkg, "bin", "keyfence.js");
    const pack = join(pkg, "rules", "payments", "stripe.yaml");
    const input = `key = "${positive("stripe-secret-key-live")}"\n`;
    renameSync(pack, `${pack}.aside`);
    const r = keyfence(["scan", "-"], { input, cwd: tmp, bin });
    renameSync(`${pack}.aside`, pack);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/rules\/payments\/stripe\.yaml is missing/);
    expect(keyfence(["scan", "-"], { input, cwd: tmp, bin }).code).toBe(1);
  });
});
