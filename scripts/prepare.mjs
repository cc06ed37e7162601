#!/usr/bin/env node
// npm's `prepare` step. In a development clone (devDependencies installed) it builds dist/ and sets
// up husky, as before. Where devDependencies are absent — a release tree that ships dist/ prebuilt,
// installed with `npm ci --omit=dev` by the GitHub Action or from git by the pre-commit framework —
// it checks that dist/ is there and does nothing else: no compiler at run time, and no husky
// message about a missing .git.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const has = (pkg) => {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
};
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", shell: false });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (has("typescript")) {
  run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"]);
  run(process.execPath, [join(root, "scripts", "build-rule-cache.mjs")]);
  run(process.execPath, [join(root, "scripts", "bundle-cli.mjs")]);
} else if (!["index.js", "builtin-rules.json", "bundle/keyfence.js"].every((f) => existsSync(join(root, "dist", f)))) {
  console.error("keyfence: dist/ is not built and TypeScript is not installed; install with devDependencies (npm ci), or use a release tag, which ships dist/ prebuilt");
  process.exit(1);
}
if (has("husky") && existsSync(join(root, ".git")) && process.env.HUSKY !== "0") run(process.execPath, [join(root, "node_modules", "husky", "bin.js")]);
