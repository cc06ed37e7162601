#!/usr/bin/env node
// Writes docs/coverage.md from the built-in packs (run after `npm run build`); `--check` only says
// whether the file is current (exit 1 when it drifted), for CI.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadRulePacks, BUILTIN_RULES_DIR } from "../dist/rules/load.js";
import { renderCoverageTable } from "../dist/rules/coverage-table.js";

const file = fileURLToPath(new URL("../docs/coverage.md", import.meta.url));
const text = renderCoverageTable(loadRulePacks([BUILTIN_RULES_DIR]));
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing counts as drifted
  }
  if (current !== text) {
    console.error("docs/coverage.md is out of date: run npm run coverage:doc");
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  console.log(`docs/coverage.md: ${text.split("\n").length} lines`);
}
