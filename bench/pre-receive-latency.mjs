#!/usr/bin/env node
// Pre-receive hook cost (issue 16). Not a test: it prints figures.
//
//  1. Added latency of a 10-commit push: `git push` of a new 10-commit branch into a bare repository
//     with the keyfence hook, against the same push into an identical repository without a hook, in
//     alternation (so machine load hits both alike). Medians, and their difference.
//  2. A 1,000-commit new branch within a 5 s budget: accepted in time, or refused per policy (never
//     passed without a judgement); and the same branch with a credential in its last commit.
//
// Usage: nice node bench/pre-receive-latency.mjs [--runs 15] [--json FILE]
// Needs `npm run build`. Work files in .bench/pre-receive/ (git-ignored), rebuilt on every run.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cpus, loadavg } from "node:os";
import { BENCH_GIT_ENV, fastImport } from "./lib/fast-import.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "keyfence.js");
const WORK = join(ROOT, ".bench", "pre-receive");
const { values: opts } = parseArgs({ options: { runs: { type: "string", default: "15" }, json: { type: "string" } } });
const RUNS = Number(opts.runs);
const env = { ...BENCH_GIT_ENV, HOME: WORK };
const git = (cwd, ...args) => {
  const r = spawnSync("git", args, { cwd, env, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const { exampleInput } = await import(join(ROOT, "dist/rules/tester.js"));
const { loadBuiltinRules } = await import(join(ROOT, "dist/rules/load.js"));
const stripe = exampleInput(loadBuiltinRules().find((r) => r.id === "stripe-secret-key-live"), "match", 0, "bench-pre-receive");

rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
const hooked = join(WORK, "server-hook.git");
const plain = join(WORK, "server-plain.git");
const work = join(WORK, "work");
for (const d of [hooked, plain]) {
  mkdirSync(d);
  git(d, "init", "-q", "--bare", "-b", "main");
}
const install = spawnSync(process.execPath, [BIN, "install", "--pre-receive"], { cwd: hooked, env, encoding: "utf8" });
if (install.status !== 0) throw new Error(install.stderr);
git(hooked, "config", "keyfence.preReceive.budget", "5");
mkdirSync(work);
git(work, "init", "-q", "-b", "main");

let date = 1_700_000_000;
const commits = (n, tag, last = "") =>
  Array.from({ length: n }, (_, c) => ({
    files: { [`src/${tag}/m${c % 40}.js`]: Array.from({ length: 20 }, (_, l) => `export const v${c}_${l} = ${c * 31 + l}; // ${tag}`).join("\n") + "\n" + (c === n - 1 ? last : "") },
    message: `${tag} ${c}`,
    date: date++,
  }));
fastImport(work, "main", commits(100, "base"));
for (const s of [plain, hooked]) {
  const r = git(work, "push", "-q", s, "main");
  if (r.code !== 0) throw new Error(r.stderr);
}

const timePush = (server, branch) => {
  const t = process.hrtime.bigint();
  const r = git(work, "push", "-q", server, `${branch}:refs/heads/${branch}`);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, code: r.code, stderr: r.stderr };
};

// 1. Ten-commit pushes.
const main = git(work, "rev-parse", "main").stdout.trim();
const withHook = [];
const without = [];
for (let i = 0; i < RUNS; i++) {
  fastImport(work, `b${i}`, commits(10, `b${i}`), { from: main });
  const order = i % 2 ? [plain, hooked] : [hooked, plain];
  for (const s of order) {
    const r = timePush(s, `b${i}`);
    if (r.code !== 0) throw new Error(`push ${i} failed: ${r.stderr}`);
    (s === hooked ? withHook : without).push(r.ms);
  }
}
const hookOwn = readFileSync(join(hooked, "keyfence-audit.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l))
  .filter((r) => r.type === "push" && r.commits === 10)
  .map((r) => r.durationMs);

// 2. A 1,000-commit new branch, clean and with a credential in its last commit.
fastImport(work, "big", commits(1000, "big"), { from: main });
fastImport(work, "big-secret", commits(1000, "bigs", `const key = "${stripe}";\n`), { from: main });
const big = timePush(hooked, "big");
const bigSecret = timePush(hooked, "big-secret");
const audit = readFileSync(join(hooked, "keyfence-audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.type === "push");
const last = (ref) => audit.filter((r) => r.refs.some((x) => x.ref === ref)).at(-1);
const summarize = (p, ref) => ({ pushMs: Math.round(p.ms), accepted: p.code === 0, decision: last(ref)?.decision, commitsRead: last(ref)?.commits, timedOut: last(ref)?.timedOut, hookMs: last(ref)?.durationMs, message: p.stderr.split("\n").find((l) => /keyfence: (push rejected|WARNING)/.test(l))?.replace(/^remote: /, "").trim() });

const result = {
  machine: { node: process.version, cpus: cpus().length, load: loadavg() },
  tenCommitPush: {
    runs: RUNS,
    medianWithHookMs: Math.round(median(withHook)),
    medianWithoutHookMs: Math.round(median(without)),
    medianAddedMs: Math.round(median(withHook) - median(without)),
    medianHookOwnMs: Math.round(median(hookOwn)),
  },
  thousandCommitBranch: { budgetSeconds: 5, clean: summarize(big, "refs/heads/big"), withCredential: summarize(bigSecret, "refs/heads/big-secret") },
};
console.log(JSON.stringify(result, null, 2));
if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2) + "\n");
