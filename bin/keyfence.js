#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ so that `npx keyfence` and the package share one build.
// Fail closed from the first line: a broken install (dist/ or node_modules missing, re2's binary not
// built) and a report that cannot be delivered (EPIPE, a full disk) are one line on stderr and exit 2,
// never a stack trace, never exit 0 or 1.
import { readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

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

/**
 * The CLI bundle (scripts/bundle-cli.mjs), compiled with V8's code cache: a hook's latency is mostly
 * start-up, and the cache spares compiling what the last scan ran. The cache is per V8 version (a
 * file for another Node.js is ignored, and V8 rejects one that does not fit); it lives beside the
 * bundle, as trusted as the code, and is written once, atomically, after a scan, where the folder is
 * writable. A missing or rejected cache only means a normal compile.
 */
function loadCli() {
  const file = fileURLToPath(new URL("../dist/bundle/keyfence.js", import.meta.url));
  const cacheFile = `${file}.${`${process.versions.v8}-${process.arch}`.replace(/[^\w.-]/g, "_")}.cache`;
  let source;
  try {
    source = readFileSync(file, "utf8");
  } catch (err) {
    throw err && err.code === "ENOENT" ? Object.assign(new Error(`Cannot find module '${file}'`), { code: "MODULE_NOT_FOUND" }) : err;
  }
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet for this Node.js
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const writeCache = () => {
    if (cachedData) return;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, script.createCachedData(), { flag: "wx" });
      renameSync(tmp, cacheFile);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  };
  return { main: module.exports.main, asCliProcess: module.exports.asCliProcess, writeCache };
}

const SCANS = new Set(["scan", "staged", "git", "ci", "history", "pre-receive"]);
let main;
let writeCache;
try {
  let asCliProcess;
  ({ main, writeCache, asCliProcess } = loadCli());
  asCliProcess();
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
    // Only after a scan: the cache then holds the code a scan runs, not just the help text's.
    if (code <= 1 && SCANS.has(process.argv[2])) writeCache();
  },
  // Fail closed: any escape from main is an internal error (exit 2), never a silent pass.
  (err) => fail(reason(err)),
);
