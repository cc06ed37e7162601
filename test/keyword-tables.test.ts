// The built-in keyword automaton is read from dist/keyword-tables.bin when, and only when, the rule
// set is the one it was built from (src/engine/keyword-tables.ts).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileRuleSet, keywordBytesOf } from "../src/engine/compile.js";
import { buildKeywordAutomaton } from "../src/engine/keyword-automaton.js";
import { KEYWORD_TABLES_FILE, keywordDigest, readKeywordTables, serialiseKeywordTables } from "../src/engine/keyword-tables.js";
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
});
