// The built-in keyword automaton is read from dist/keyword-tables.bin when, and only when, the rule
// set is the one it was built from (src/engine/keyword-tables.ts).
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileRuleSet, keywordBytesOf } from "../src/engine/compile.js";
import { buildKeywordAutomaton } from "../src/engine/keyword-automaton.js";
import { KEPT_TABLES_DIR, KEYWORD_TABLES_FILE, keepBuiltKeywordTables, keywordDigest, readKeptKeywordTables, readKeywordTables, serialiseKeywordTables } from "../src/engine/keyword-tables.js";
import { keyfence, tempTree } from "./helpers/cli.js";
import { loadBuiltinRules } from "../src/rules/load.js";

const rules = loadBuiltinRules();

describe("keyword tables", () => {
  it("built by npm run build, they are exactly what the built-in rules would build at start-up", () => {
    const { keywords } = compileRuleSet(rules);
    const read = readKeywordTables(KEYWORD_TABLES_FILE, keywordDigest(keywords), keywords);
    expect(read, "dist/keyword-tables.bin is missing or stale: run npm run build").toBeDefined();
    const fresh = buildKeywordAutomaton(keywordBytesOf(keywords));
    for (const field of ["classes", "next", "outputStart", "outputs", "lengths", "exact"] as const) expect(read!.automaton[field]).toEqual(fresh[field]);
    expect(read!.automaton.classCount).toBe(fresh.classCount);
    expect(read!.keywordBytes).toEqual(keywordBytesOf(keywords));
  });

  it("are not used for another rule set, nor when the file is damaged", () => {
    const fewer = compileRuleSet(rules.slice(1));
    expect(readKeywordTables(KEYWORD_TABLES_FILE, keywordDigest(fewer.keywords), fewer.keywords)).toBeUndefined();
    // And that rule set still finds its keywords (it builds its own automaton).
    expect(fewer.automaton.keywords.length).toBe(fewer.keywords.length);

    const { keywords } = compileRuleSet(rules);
    const digest = keywordDigest(keywords);
    const whole = serialiseKeywordTables(digest, { keywordBytes: keywordBytesOf(keywords), automaton: buildKeywordAutomaton(keywordBytesOf(keywords)) });
    const dir = mkdtempSync(join(tmpdir(), "kf-tables-"));
    const cut = join(dir, "cut.bin");
    writeFileSync(cut, whole.subarray(0, whole.length - 8));
    expect(readKeywordTables(cut, digest, keywords)).toBeUndefined();
    const garbled = join(dir, "garbled.bin");
    writeFileSync(garbled, Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0x7f]), whole.subarray(4)]));
    expect(readKeywordTables(garbled, digest, keywords)).toBeUndefined();
    expect(readKeywordTables(join(dir, "absent.bin"), digest, keywords)).toBeUndefined();
  });

  it("of another rule set are kept by the CLI once built, read back, pruned to a few, and never written by a library call", () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-kept-"));
    const subset = rules.filter((r) => r.id !== "generic-secret-assignment");
    const digestOf = (rs: typeof rules) => keywordDigest(compileRuleSet(rs).keywords);
    try {
      // A library call keeps nothing.
      void compileRuleSet(subset).automaton;
      expect(readdirSync(dir)).toEqual([]);
      keepBuiltKeywordTables(dir);
      const built = compileRuleSet(subset);
      const fresh = buildKeywordAutomaton(keywordBytesOf(built.keywords));
      void built.automaton;
      const kept = readKeptKeywordTables(digestOf(subset), built.keywords);
      expect(kept, "the tables just built are kept").toBeDefined();
      for (const field of ["classes", "next", "outputStart", "outputs", "lengths", "exact"] as const) expect(kept!.automaton[field]).toEqual(fresh[field]);
      expect(kept!.keywordBytes).toEqual(keywordBytesOf(built.keywords));
      // The built-in set keeps nothing (its tables come with the build).
      void compileRuleSet(rules).automaton;
      expect(readdirSync(dir)).toHaveLength(1);
      // Ten more rule sets: the eight newest are kept.
      for (let i = 0; i < 10; i++) void compileRuleSet(rules.filter((_, j) => j !== i + 1)).automaton;
      expect(readdirSync(dir).filter((n) => n.endsWith(".bin"))).toHaveLength(8);
    } finally {
      keepBuiltKeywordTables(undefined);
    }
  });

  it("the CLI keeps the tables of a configuration that disables a rule", () => {
    const ruleId = "stripe-secret-key-live";
    const digest = keywordDigest(compileRuleSet(rules.filter((r) => r.id !== ruleId)).keywords);
    const file = join(KEPT_TABLES_DIR, `keyword-tables-${digest.slice(0, 32)}.bin`);
    const dir = tempTree({ "keyfence.config.json": JSON.stringify({ disableRules: [ruleId] }), "a.txt": "nothing here\n" });
    const r = keyfence(["scan", "a.txt", "--format", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
  });
});
