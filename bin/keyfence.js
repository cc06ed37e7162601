#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ so that `npx keyfence` and the package share one build.
import { main } from "../dist/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // Fail closed: any escape from main is an internal error (exit 2), never a silent pass.
    process.stderr.write(`keyfence: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
