#!/usr/bin/env node
// Build step (after tsc): the CLI and the pool's worker as one CommonJS file each in dist/bundle/,
// instead of ~140 ES modules. Resolving, loading and compiling each module cost a pre-commit scan more
// than the scan itself (docs/benchmarks.md, start-up). Built from tsc's output in dist/, so the CLI runs
// the very code the library ships; commands stay behind import(), which esbuild turns into lazy
// initialisers inside the one file. CommonJS because bin/keyfence.js compiles the file with V8's code
// cache (node:vm), which Node 20 offers for scripts, not for ES modules.
//
// Then one scan warms the bundle's code cache for this Node.js (bin/keyfence.js writes it after a run).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
// The package is "type": "module"; these two files are CommonJS.
writeFileSync(join(outdir, "package.json"), '{ "type": "commonjs" }\n');
const result = await build({
  absWorkingDir: root,
  entryPoints: { keyfence: "dist/cli/main.js", "pool-worker": "dist/orchestrator/pool-worker.js", "drain-worker": "dist/sources/git/drain-worker.js" },
  outdir,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // Packages stay in node_modules: the bundle is what a hook reads and compiles on every run, and
  // yaml, ajv, picomatch and the archive readers load only when a run needs them.
  packages: "external",
  minifyWhitespace: !process.env.KEYFENCE_READABLE_BUNDLE,
  minifySyntax: true,
  // Modules find the package's files from their own URL (src/package-root.ts, the pool's worker).
  define: { "import.meta.url": "__keyfenceModuleUrl" },
  banner: { js: 'const __keyfenceModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  metafile: true,
  logLevel: "warning",
});
const outputs = Object.values(result.metafile.outputs);
const kib = outputs.reduce((sum, o) => sum + o.bytes, 0) / 1024;
console.log(`CLI bundle: ${outputs.length} files, ${kib.toFixed(0)} KiB → dist/bundle/`);

// A scan of the README (prose full of "key", "token", "secret": the grammar's paths run) writes the cache.
const warm = spawnSync(process.execPath, [join(root, "bin", "keyfence.js"), "scan", "README.md", "--no-gitignore", "--format", "json", "--fail-on", "never", "--quiet"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
if (warm.status !== 0) {
  console.error(`CLI bundle: the warm-up scan failed (exit ${warm.status})`);
  process.exit(1);
}
