// docs/coverage.md is generated from the packs; it must say what the packs say.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderCoverageTable, validationOf } from "../src/rules/coverage-table.js";
import { BUILTIN } from "./helpers/secrets.js";

describe("docs/coverage.md", () => {
  it("is the table the rule packs generate (run npm run coverage:doc after changing a pack)", () => {
    const onDisk = readFileSync(new URL("../docs/coverage.md", import.meta.url), "utf8");
    expect(onDisk === renderCoverageTable(BUILTIN), "docs/coverage.md drifted from rules/: run npm run coverage:doc").toBe(true);
  });

  it("lists every rule once and every provider", () => {
    const text = renderCoverageTable(BUILTIN);
    for (const r of BUILTIN) expect(text.split("\n").filter((l) => l.startsWith(`| ${r.id} |`)), r.id).toHaveLength(1);
    for (const p of new Set(BUILTIN.map((r) => r.provider))) expect(text).toContain(`| ${p.replace(/\|/g, "\\|")} |`);
  });

  it("names checksum validators where rules have them", () => {
    const gh = BUILTIN.find((r) => r.id === "github-personal-access-token")!;
    expect(validationOf(gh)).toContain("crc32-base62");
  });
});
