#!/usr/bin/env node
// What a hook adds to `git commit` (issue 17's targets): a 10-file commit in a 300-file repository,
// timed with the hook and with `--no-verify`, interleaved, so the difference is the hook alone.
//   husky      .husky/pre-commit runs `keyfence staged` (what `keyfence install` writes)
//   lint-staged .husky/pre-commit runs `lint-staged`, whose config runs `keyfence staged` on the files
// Not a test: it prints medians and asserts nothing. Needs `npm run build` and the dev dependencies
// (husky, lint-staged). Usage: node bench/hook-latency.mjs [--runs N]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "keyfence.js");
const { values: opts } = parseArgs({ options: { runs: { type: "string", default: "15" } } });
const RUNS = Number(opts.runs);

const env = { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), "kf-hook-home-")), GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "Bench", GIT_AUTHOR_EMAIL: "bench@example.test", GIT_COMMITTER_NAME: "Bench", GIT_COMMITTER_EMAIL: "bench@example.test", NO_COLOR: "1" };

function repo(kind) {
  const dir = mkdtempSync(join(tmpdir(), `kf-hook-${kind}-`));
  const git = (...a) => execFileSync("git", a, { cwd: dir, env, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  for (let i = 0; i < 300; i++) {
    mkdirSync(join(dir, "src", `m${i % 20}`), { recursive: true });
    writeFileSync(join(dir, "src", `m${i % 20}`, `f${i}.ts`), `// module ${i}\n${"export const value = 42; // filler line\n".repeat(50)}`);
  }
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  symlinkSync(BIN, join(dir, "node_modules", ".bin", "keyfence"));
  const pkg = { name: "bench", private: true, devDependencies: { husky: "9.1.7" } };
  if (kind === "lint-staged") {
    symlinkSync(join(ROOT, "node_modules", "lint-staged"), join(dir, "node_modules", "lint-staged"));
    symlinkSync(join(ROOT, "node_modules", "lint-staged", "bin", "lint-staged.js"), join(dir, "node_modules", ".bin", "lint-staged"));
    pkg["lint-staged"] = { "*": "keyfence staged" };
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  writeFileSync(join(dir, ".gitignore"), "node_modules/\n");
  execFileSync(process.execPath, [join(ROOT, "node_modules", "husky", "bin.js")], { cwd: dir, env, stdio: "ignore" });
  writeFileSync(join(dir, ".husky", "pre-commit"), kind === "husky" ? "keyfence staged # added by keyfence install\n" : "lint-staged\n");
  git("add", "-A");
  git("commit", "-q", "--no-verify", "-m", "init");
  return { dir, git };
}

/** Edits 10 files (a few lines each, as a normal change does), stages them and times the commit. */
function timedCommit(r, n, verify) {
  for (let i = 0; i < 10; i++) appendFileSync(join(r.dir, "src", `m${i}`, `f${i * 20 + i}.ts`), `export const change${n}_${i} = ${n};\n`);
  r.git("add", "-A");
  const t = process.hrtime.bigint();
  const res = spawnSync("git", ["commit", "-q", ...(verify ? [] : ["--no-verify"]), "-m", `change ${n}`], { cwd: r.dir, env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (res.status !== 0) throw new Error(`commit failed: ${res.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

for (const kind of ["husky", "lint-staged"]) {
  const r = repo(kind);
  timedCommit(r, -1, true); // warm-up
  const withHook = [];
  const without = [];
  for (let n = 0; n < RUNS; n++) {
    withHook.push(timedCommit(r, 2 * n, true));
    without.push(timedCommit(r, 2 * n + 1, false));
  }
  const added = withHook.map((w, i) => w - without[i]);
  console.log(`${kind.padEnd(11)} commit with hook ${median(withHook).toFixed(0)} ms, --no-verify ${median(without).toFixed(0)} ms, hook adds ${median(added).toFixed(0)} ms (median of ${RUNS} pairs; min ${Math.min(...added).toFixed(0)}, max ${Math.max(...added).toFixed(0)})`);
  rmSync(r.dir, { recursive: true, force: true });
}
rmSync(env.HOME, { recursive: true, force: true });
