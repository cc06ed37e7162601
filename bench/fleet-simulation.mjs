#!/usr/bin/env node
// Local simulation of a distributed fleet run (issue 16). Not a test: it prints figures.
//
//  200 generated repositories (a few thousand commits in all, credentials in some, one credential
//  shared by several at the same path) are planned into 8 shards; each shard runs as its own
//  `keyfence fleet scan` process (two at a time: this machine has two cores), the shards are merged,
//  and the merge is compared with one process scanning all 200 histories through the API. Then
//  every shard is run again unchanged. Reports per shard: wall time, peak RSS (getrusage of the
//  shard process, which includes no git child), re-run time and its ratio to the first run.
//
// Usage: nice node bench/fleet-simulation.mjs [--repos 200] [--shards 8] [--parallel 2] [--json FILE]
// Needs `npm run build`. Work files in .bench/fleet/ (git-ignored), rebuilt on every run.
import { randomBytes } from "node:crypto";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cpus } from "node:os";
import { BENCH_GIT_ENV, fastImport, seeded } from "./lib/fast-import.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "keyfence.js");
const WORK = join(ROOT, ".bench", "fleet");
const { values: opts } = parseArgs({ options: { repos: { type: "string", default: "200" }, shards: { type: "string", default: "8" }, parallel: { type: "string", default: "2" }, json: { type: "string" } } });
const REPOS = Number(opts.repos);
const SHARDS = Number(opts.shards);
const PARALLEL = Number(opts.parallel);

const { loadBuiltinRules } = await import(join(ROOT, "dist/rules/load.js"));
const { exampleInput } = await import(join(ROOT, "dist/rules/tester.js"));
const { createScanner } = await import(join(ROOT, "dist/scanner.js"));
const { scanHistory } = await import(join(ROOT, "dist/index.js"));
const rules = loadBuiltinRules().filter((r) => r.examples.match.length && !r.generic && r.severity !== "info");
const secret = (i, salt) => {
  const r = rules[i % rules.length];
  return exampleInput(r, "match", 0, `fleet-${salt}`);
};

// 1. The corpus.
rmSync(WORK, { recursive: true, force: true });
const repoDir = join(WORK, "repos");
mkdirSync(repoDir, { recursive: true });
const rand = seeded(16);
let totalCommits = 0;
const shared = secret(0, "shared");
const t0 = Date.now();
for (let i = 0; i < REPOS; i++) {
  const dir = join(repoDir, `svc-${String(i).padStart(3, "0")}`);
  mkdirSync(dir);
  spawnSync("git", ["init", "-q", "--bare", "-b", "main"], { cwd: dir, env: BENCH_GIT_ENV });
  // 2 to 38 commits (mean ≈ 20): a few thousand in all; sizes vary so the plan has something to balance.
  const n = 2 + Math.floor(rand() * rand() * 72);
  const commits = [];
  for (let c = 0; c < n; c++) {
    const files = {};
    for (let f = 0; f < 1 + Math.floor(rand() * 4); f++) {
      const lines = Array.from({ length: 5 + Math.floor(rand() * 60) }, (_, l) => `const v${c}_${f}_${l} = compute(${Math.floor(rand() * 1e6)}); // line ${l} of service ${i}`);
      if (rand() < 0.02) lines.push(`export const key = "${secret(i * 97 + c, `${i}-${c}`)}";`);
      files[`src/mod${Math.floor(rand() * 30)}.js`] = lines.join("\n") + "\n";
    }
    if (c === 1 && i % 25 === 0) files["config/prod.env"] = `PAYMENT_KEY=${shared}\n`;
    commits.push({ files, message: `change ${c}`, date: 1_700_000_000 + i * 1000 + c * 60 });
  }
  fastImport(dir, "main", commits);
  totalCommits += n;
}
const corpusSeconds = (Date.now() - t0) / 1000;
writeFileSync(join(WORK, "repos.txt"), Array.from({ length: REPOS }, (_, i) => join(repoDir, `svc-${String(i).padStart(3, "0")}`)).join("\n") + "\n");

// 2. One process over every history, through the API (the reference).
const s0 = Date.now();
// Every shard and the reference digest under one key, as docs/fleet.md asks of a real run: otherwise
// each process draws its own and the same credential has different fingerprints in each.
const sharedKey = randomBytes(32);
const scanner = createScanner({ fingerprintKey: sharedKey });
const reference = [];
const env = { ...BENCH_GIT_ENV, KEYFENCE_FINGERPRINT_KEY: sharedKey.toString("hex") };
for (const line of readFileSync(join(WORK, "repos.txt"), "utf8").trim().split("\n")) {
  for await (const f of scanHistory(scanner, { cwd: line, env })) reference.push(`${line}\0${f.fingerprint}\0${f.commit}`);
}
const singleSeconds = (Date.now() - s0) / 1000;

// 3. Plan, shards as separate processes, merge.
const run = (args) => spawnSync(process.execPath, [BIN, ...args], { cwd: WORK, env, encoding: "utf8", maxBuffer: 1 << 26 });
const plan = run(["fleet", "plan", "repos.txt", "--shards", String(SHARDS), "--output", "plan.json"]);
if (plan.status !== 0) throw new Error(plan.stderr);

function shardProcess(i) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, "fleet", "scan", "--plan", "plan.json", "--shard", String(i), "--out", `out/shard-${i}`, "--quiet"], { cwd: WORK, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const summary = JSON.parse(readFileSync(join(WORK, `out/shard-${i}/shard-${i}.json`), "utf8"));
      done({ shard: i, code, seconds: (Date.now() - started) / 1000, summary, stderr: err.trim().split("\n").at(-1) });
    });
  });
}

async function allShards() {
  const queue = Array.from({ length: SHARDS }, (_, i) => i);
  const results = [];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (queue.length) results.push(await shardProcess(queue.shift()));
    }),
  );
  return results.sort((a, b) => a.shard - b.shard);
}

const f0 = Date.now();
const first = await allShards();
const fleetSeconds = (Date.now() - f0) / 1000;
const merge = run(["fleet", "merge", "out", "--output", "fleet.json", "--output", "fleet.sarif", "--output", "fleet.md", "--output", "fleet.html"]);
const merged = JSON.parse(readFileSync(join(WORK, "fleet.json"), "utf8"));
const mergedKeys = merged.findings.map((f) => `${f.repository}\0${f.fingerprint}\0${f.commit}`).sort();
const equal = JSON.stringify(mergedKeys) === JSON.stringify(reference.sort());
const r0 = Date.now();
const again = await allShards();
const rerunSeconds = (Date.now() - r0) / 1000;

const rows = first.map((s, i) => ({
  shard: s.shard,
  repositories: s.summary.repositories,
  commits: s.summary.commits,
  findings: s.summary.findings,
  seconds: s.seconds,
  peakRssMB: Math.round(s.summary.maxRssKiB / 1024),
  rerunSeconds: again[i].seconds,
  rerunUnchanged: again[i].summary.unchanged,
  rerunRatio: Math.round((again[i].seconds / s.seconds) * 1000) / 1000,
  exit: s.code,
}));
const result = {
  machine: { node: process.version, cpus: cpus().length, load: (await import("node:os")).loadavg() },
  corpus: { repositories: REPOS, commits: totalCommits, buildSeconds: corpusSeconds },
  singleProcess: { seconds: singleSeconds, findings: reference.length },
  fleet: { shards: SHARDS, parallel: PARALLEL, seconds: fleetSeconds, rerunSeconds, mergeExit: merge.status, mergeEqualsSingleProcess: equal, findings: merged.findings.length, credentials: merged.credentials.length, imbalance: JSON.parse(readFileSync(join(WORK, "plan.json"), "utf8")).imbalance },
  shards: rows,
};
console.log(JSON.stringify(result, null, 2));
console.log("\n| shard | repos | commits | findings | first run | peak RSS | re-run | re-run / first |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(`| ${r.shard} | ${r.repositories} | ${r.commits} | ${r.findings} | ${r.seconds.toFixed(2)} s | ${r.peakRssMB} MB | ${r.rerunSeconds.toFixed(2)} s | ${(r.rerunRatio * 100).toFixed(1)} % |`);
if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2) + "\n");
