#!/usr/bin/env node
// Prints keyfence's active rules as ripgrep patterns, one per line (for `rg -f FILE`); rules that do
// not translate are listed on stderr.   node bench/rg-export.mjs [--config keyfence.config.yaml]
// Run them with `rg --no-unicode -f FILE`: RE2's \w, \s, \d and \b are ASCII, and so are ripgrep's only then.
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { loadConfigFile, rulesForConfig } from "../dist/index.js";
import { ripgrepPatterns } from "./lib/rg-patterns.mjs";

const { values } = parseArgs({ options: { config: { type: "string" }, rg: { type: "string", default: "rg" } } });
const config = values.config ? loadConfigFile(resolve(values.config)).config : {};
const { patterns, skipped } = ripgrepPatterns(rulesForConfig(config), values.rg);
process.stdout.write(patterns.join("\n") + "\n");
for (const s of skipped) process.stderr.write(`skipped ${s.id}: ${s.reason}\n`);
