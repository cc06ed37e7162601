#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ so that `npx keyfence` and the package share one build.
// Fail closed from the first line: a broken install (dist/ or node_modules missing, re2's binary not
// built) and a report that cannot be delivered (EPIPE, a full disk) are one line on stderr and exit 2,
// never a stack trace, never exit 0 or 1.
import { writeSync } from "node:fs";

/** One line on stderr, written synchronously: the process may be about to end. */
function fail(line) {
  try {
    writeSync(2, `keyfence: ${line.replace(/[\x00-\x1f\x7f]+/g, " ")}\n`);
  } catch {
    // stderr itself is gone; the exit code still says it.
  }
  process.exit(2);
}

function reason(err) {
  const code = err && typeof err === "object" && "code" in err ? String(err.code) : "";
  const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" || code === "ERR_DLOPEN_FAILED" || /\.node\b/.test(message)) {
    // Name the missing piece (a package, a dist module, a native binary), not the stack.
    const what = /(?:Cannot find (?:package|module) )'([^']+)'/.exec(message)?.[1] ?? message;
    return `keyfence is not installed correctly: cannot load ${what.replace(/^.*\/(node_modules|dist)\//, "$1/")} (reinstall it: npm ci); nothing was scanned`;
  }
  return `internal error: ${message} (please report it; nothing was approved)`;
}

for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    const where = stream === process.stdout ? "standard output" : "standard error";
    fail(`cannot write the report to ${where} (${err && err.code ? err.code : "error"}); the result was not delivered`);
  });
}
process.on("uncaughtException", (err) => fail(reason(err)));
process.on("unhandledRejection", (err) => fail(reason(err)));

let main;
try {
  ({ main } = await import("../dist/cli/main.js"));
} catch (err) {
  fail(reason(err));
}
let settled = false;
// Fail closed: if the event loop empties while main still waits (a promise nobody can settle), Node
// would end with exit 0 — a pass for a scan that never finished.
process.on("beforeExit", () => {
  if (!settled) fail("internal error: the scan stopped before its end (please report it; nothing was approved)");
});
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  // Fail closed: any escape from main is an internal error (exit 2), never a silent pass.
  (err) => fail(reason(err)),
);
