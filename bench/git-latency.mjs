#!/usr/bin/env node
// Benchmarks for the git sources (issue 4). Not a test: it prints figures, it asserts nothing.
//
//  1. Pre-commit latency: `keyfence staged` on a typical 10-file staged change in a 300-file
//     repository, against `node -e ''` (the floor for any Node CLI) and secretlint on the same 10
//     files, in the same run. Medians, via hyperfine when it is installed, else a small harness.
//  2. History throughput: `keyfence history` on a repository with thousands of commits built from
//     successive published versions of real npm packages, against `git log -p --all` alone (the
//     floor for reading a history) and against the exact `git log` keyfence runs, alone.
//
// Usage: node bench/git-latency.mjs [--runs N] [--only latency|history] [--no-secretlint] [--json FILE]
// Needs `npm run build` first. Work files live in .bench/ (git-ignored); the history repository and
// the secretlint install are cached there between runs.
import { spawnSync, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, openSync, closeSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WORK = join(ROOT, ".bench", "git");
const BIN = join(ROOT, "bin", "keyfence.js");
const { values: opts } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    only: { type: "string" },
    "no-secretlint": { type: "boolean" },
    json: { type: "string" },
  },
});
const RUNS = Number(opts.runs);
const results = { machine: { node: process.version, cpus: (await import("node:os")).cpus().length }, latency: undefined, history: undefined };

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.test",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.test",
};
const git = (cwd, ...args) => execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8", maxBuffer: 1 << 28 });

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function have(cmd, args = ["--version"]) {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

/** Medians (ms) of each command, all measured in one run so that machine load hits them alike. */
function timeCommands(commands, cwd, runs) {
  if (have("hyperfine")) {
    const out = join(WORK, "hyperfine.json");
    const args = ["-N", "--warmup", "3", "--runs", String(runs), "--export-json", out];
    for (const c of commands) args.push("-n", c.name, c.argv.map((a) => (a === "" || /[\s'"$]/.test(a) ? `'${a.replace(/'/g, "'\\''")}'` : a)).join(" "));
    execFileSync("hyperfine", args, { cwd, stdio: ["ignore", "ignore", "inherit"], env: GIT_ENV });
    const doc = JSON.parse(readFileSync(out, "utf8"));
    return { tool: "hyperfine", medians: Object.fromEntries(doc.results.map((r) => [r.command, r.median * 1000])) };
  }
  const samples = Object.fromEntries(commands.map((c) => [c.name, []]));
  for (let i = 0; i < runs + 3; i++) {
    // Interleaved, so that load changes during the run affect every command alike.
    for (const c of commands) {
      const t = process.hrtime.bigint();
      spawnSync(c.argv[0], c.argv.slice(1), { cwd, stdio: "ignore", env: GIT_ENV });
      if (i >= 3) samples[c.name].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return { tool: "node harness", medians: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) };
}

/** Real source text to commit: the TypeScript and JavaScript of installed packages. */
function sourceFiles(limit) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (out.length >= limit) return;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|json|md)$/.test(e.name) && statSync(p).size < 64 * 1024) out.push(p);
    }
  };
  for (const pkg of ["ajv/lib", "yaml/dist", "fast-glob/out", "picomatch/lib", "vitest/dist"]) {
    const d = join(ROOT, "node_modules", pkg);
    if (existsSync(d)) walk(d);
  }
  return out.slice(0, limit);
}

function secretlintCommand(repo, files) {
  const tools = join(ROOT, ".bench", "tools");
  const bin = join(tools, "node_modules", ".bin", "secretlint");
  if (!existsSync(bin)) {
    process.stderr.write("installing secretlint into .bench/tools (once)…\n");
    mkdirSync(tools, { recursive: true });
    if (!existsSync(join(tools, "package.json"))) writeFileSync(join(tools, "package.json"), '{ "private": true }\n');
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--save-exact", "secretlint@11.7.1", "@secretlint/secretlint-rule-preset-recommend@11.7.1"], { cwd: tools, stdio: ["ignore", "ignore", "inherit"] });
  }
  writeFileSync(join(repo, ".secretlintrc.json"), JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }));
  // secretlint resolves its rule packages from the working folder.
  rmSync(join(repo, "node_modules"), { force: true, recursive: true });
  execFileSync("ln", ["-s", join(tools, "node_modules"), join(repo, "node_modules")]);
  return [process.execPath, join(tools, "node_modules", "secretlint", "bin", "secretlint.js"), ...files];
}

function latencyBench() {
  const repo = join(WORK, "staged-repo");
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  writeFileSync(join(repo, ".gitignore"), "node_modules\n.secretlintrc.json\n");
  const files = sourceFiles(300);
  const rels = files.map((f, i) => `src/${String(i).padStart(3, "0")}-${f.split("/").pop()}`);
  files.forEach((f, i) => {
    mkdirSync(dirname(join(repo, rels[i])), { recursive: true });
    cpSync(f, join(repo, rels[i]));
  });
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "base");
  // A typical change: ten files, a few lines edited or added in each.
  const changed = rels.filter((_, i) => i % 29 === 3).slice(0, 10);
  for (const rel of changed) {
    const p = join(repo, rel);
    const lines = readFileSync(p, "utf8").split("\n");
    lines.splice(Math.min(5, lines.length), 1, "// edited for the benchmark", `export const setting${lines.length} = process.env.SETTING ?? "default";`);
    lines.push("// appended line", "const retries = 3;");
    writeFileSync(p, lines.join("\n"));
  }
  git(repo, "add", "-A");
  const stagedBytes = changed.reduce((n, r) => n + statSync(join(repo, r)).size, 0);
  const commands = [
    { name: "node -e ''", argv: [process.execPath, "-e", ""] },
    { name: "keyfence staged", argv: [process.execPath, BIN, "staged"] },
  ];
  if (!opts["no-secretlint"]) {
    try {
      commands.push({ name: "secretlint (10 files)", argv: secretlintCommand(repo, changed) });
    } catch (err) {
      process.stderr.write(`secretlint unavailable (${err.message.split("\n")[0]}); skipped\n`);
    }
  }
  // Every command must succeed on this clean change, or its timing would measure an error path.
  for (const c of commands) {
    const check = spawnSync(c.argv[0], c.argv.slice(1), { cwd: repo, encoding: "utf8", env: GIT_ENV });
    if (check.status !== 0) throw new Error(`${c.name} failed in the benchmark repo (exit ${check.status}): ${check.stderr.slice(0, 500)}`);
  }
  const t = timeCommands(commands, repo, RUNS);
  const base = t.medians["node -e ''"];
  results.latency = {
    tool: t.tool,
    runs: RUNS,
    stagedFiles: changed.length,
    stagedBytes,
    repoFiles: rels.length,
    medianMs: t.medians,
    ratioToNode: Object.fromEntries(Object.entries(t.medians).map(([k, v]) => [k, v / base])),
  };
  // Where the time goes inside one `keyfence staged` process (median of 9 fresh processes).
  const probe = `
    const t0 = performance.now();
    await import(${JSON.stringify(join(ROOT, "dist", "cli", "main.js"))});
    const t1 = performance.now();
    const { createScanner } = await import(${JSON.stringify(join(ROOT, "dist", "scanner.js"))});
    const scanner = createScanner();
    const t2 = performance.now();
    const { scanStaged } = await import(${JSON.stringify(join(ROOT, "dist", "orchestrator", "git.js"))});
    for await (const f of scanStaged(scanner, { cwd: process.cwd() })) void f;
    const t3 = performance.now();
    console.log(JSON.stringify({ importCli: t1 - t0, rulesAndScanner: t2 - t1, gitAndScan: t3 - t2 }));`;
  const phases = { importCli: [], rulesAndScanner: [], gitAndScan: [] };
  for (let i = 0; i < 9; i++) {
    const r = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: repo, encoding: "utf8", env: GIT_ENV }));
    for (const k of Object.keys(phases)) phases[k].push(r[k]);
  }
  results.latency.phasesMs = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)]));
  console.log(`\nPre-commit latency (${changed.length} staged files, ${(stagedBytes / 1024).toFixed(0)} KiB, repo of ${rels.length} files; ${t.tool}, ${RUNS} runs, median):`);
  for (const [k, v] of Object.entries(t.medians)) console.log(`  ${k.padEnd(24)} ${v.toFixed(1).padStart(7)} ms   ×${(v / base).toFixed(2)} node -e ''`);
  const ph = results.latency.phasesMs;
  console.log(`  inside keyfence staged: loading the CLI ${ph.importCli.toFixed(0)} ms, rules and scanner ${ph.rulesAndScanner.toFixed(0)} ms, git and scanning ${ph.gitAndScan.toFixed(0)} ms`);
}

// ---------------------------------------------------------------------------------------------
// History: a repository of successive package versions, one commit per changed file.

const PACKAGES = [
  { name: "yaml", versions: 60 },
  { name: "ajv", versions: 60 },
  { name: "lodash", versions: 60 },
];

function tarballs() {
  const dir = join(WORK, "tarballs");
  mkdirSync(dir, { recursive: true });
  const out = [];
  for (const p of PACKAGES) {
    const all = JSON.parse(execFileSync("npm", ["view", p.name, "versions", "--json"], { encoding: "utf8" }));
    const stable = all.filter((v) => /^\d+\.\d+\.\d+$/.test(v)).slice(-p.versions);
    const missing = stable.filter((v) => !existsSync(join(dir, `${p.name}-${v}.tgz`)));
    if (missing.length) {
      process.stderr.write(`npm pack ${p.name}: ${missing.length} versions…\n`);
      execFileSync("npm", ["pack", "--silent", "--pack-destination", dir, ...missing.map((v) => `${p.name}@${v}`)], { stdio: ["ignore", "ignore", "inherit"] });
    }
    for (const v of stable) out.push({ pkg: p.name, version: v, file: join(dir, `${p.name}-${v}.tgz`) });
  }
  return out;
}

function listFiles(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(relative(dir, p), p);
    }
  };
  walk(dir);
  return out;
}

async function buildHistoryRepo(repo) {
  const { exampleInput } = await import(join(ROOT, "dist", "rules", "tester.js"));
  const { loadBuiltinRules } = await import(join(ROOT, "dist", "rules", "load.js"));
  const rules = loadBuiltinRules().filter((r) => r.examples.match.length && !r.generic);
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  const fi = spawn("git", ["fast-import", "--quiet"], { cwd: repo, env: GIT_ENV, stdio: ["pipe", "inherit", "inherit"] });
  const done = new Promise((res, rej) => fi.on("close", (c) => (c === 0 ? res() : rej(new Error(`fast-import exit ${c}`)))));
  const write = (b) => (fi.stdin.write(b) ? undefined : new Promise((r) => fi.stdin.once("drain", r)));
  const authors = ["Ana Lima <ana@example.test>", "Bo Chen <bo@example.test>", "Cy Okafor <cy@example.test>", "Di Novak <di@example.test>"];
  let time = Date.parse("2021-01-01T00:00:00Z") / 1000;
  let commits = 0;
  let mark = 0;
  let planted = 0;
  const current = new Map(); // path -> content hash
  const commit = async (message, changes) => {
    const author = authors[commits % authors.length];
    time += 1800;
    const head = [];
    for (const c of changes) {
      if (c.content !== undefined) {
        c.mark = ++mark;
        await write(`blob\nmark :${c.mark}\ndata ${c.content.length}\n`);
        await write(c.content);
        await write("\n");
      }
    }
    head.push(`commit refs/heads/main\nauthor ${author} ${time} +0000\ncommitter ${author} ${time} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`);
    for (const c of changes) head.push(c.content !== undefined ? `M 100644 :${c.mark} ${c.path}\n` : `D ${c.path}\n`);
    await write(head.join("") + "\n");
    commits++;
  };
  const scratch = join(WORK, "unpack");
  for (const t of tarballs()) {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    execFileSync("tar", ["-xzf", t.file, "-C", scratch]);
    const files = listFiles(join(scratch, "package"));
    const prefix = `${t.pkg}/`;
    for (const [rel, abs] of [...files].sort()) {
      const content = readFileSync(abs);
      const hash = createHash("sha1").update(content).digest("hex");
      const path = prefix + rel;
      if (current.get(path) === hash) continue;
      current.set(path, hash);
      await commit(`${t.pkg}@${t.version}: update ${rel}`, [{ path, content }]);
      // Now and then a credential is committed, and usually removed again two commits later.
      if (commits % 500 === 0) {
        const rule = rules[planted % rules.length];
        const secretPath = `config/leak-${planted}.env`;
        await commit(`config for ${t.pkg}`, [{ path: secretPath, content: Buffer.from(`# added by mistake\n${exampleInput(rule, "match", 0, `bench-${planted}`)}\n`) }]);
        if (planted % 3) await commit(`remove ${secretPath}`, [{ path: secretPath }]);
        planted++;
      }
    }
    for (const path of [...current.keys()]) {
      if (path.startsWith(prefix) && !files.has(path.slice(prefix.length))) {
        current.delete(path);
        await commit(`${t.pkg}@${t.version}: remove ${path.slice(prefix.length)}`, [{ path }]);
      }
    }
    await write(`reset refs/tags/${t.pkg}-${t.version}\nfrom refs/heads/main\n\n`);
  }
  fi.stdin.end();
  await done;
  git(repo, "checkout", "-q", "-f", "main");
  return { commits, planted };
}

function timeToDevNull(argv, cwd, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const fd = openSync("/dev/null", "w");
    const t = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { cwd, stdio: ["ignore", fd, "ignore"], env: GIT_ENV, maxBuffer: 1 << 30 });
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    closeSync(fd);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(" ")} exited ${r.status}`);
  }
  return median(samples);
}

async function historyBench() {
  const repo = join(WORK, "history-repo");
  const stamp = join(WORK, "history-repo.json");
  let meta = existsSync(stamp) && existsSync(join(repo, ".git")) ? JSON.parse(readFileSync(stamp, "utf8")) : undefined;
  if (!meta) {
    process.stderr.write("building the history repository (once)…\n");
    meta = await buildHistoryRepo(repo);
    writeFileSync(stamp, JSON.stringify(meta));
  }
  const commits = Number(git(repo, "rev-list", "--all", "--count").trim());
  const { logArgs } = await import(join(ROOT, "dist", "sources", "git", "range.js"));
  const runs = Math.max(3, Math.min(5, RUNS));
  const logAll = timeToDevNull(["git", "log", "-p", "--all"], repo, runs);
  const ourLog = timeToDevNull(["git", "-c", "core.quotePath=true", ...logArgs({ all: true, renames: false })], repo, runs);
  const history = timeToDevNull([process.execPath, BIN, "history", "--format", "json"], repo, runs);
  const patchBytes = Number(execFileSync("sh", ["-c", "git log -p --all | wc -c"], { cwd: repo, encoding: "utf8", env: GIT_ENV }).trim());
  const found = JSON.parse(spawnSync(process.execPath, [BIN, "history", "--format", "json"], { cwd: repo, encoding: "utf8", maxBuffer: 1 << 28 }).stdout);
  // Peak memory (GNU time's maximum resident set size), to show it does not follow the history's size.
  let peakRssMiB;
  if (existsSync("/usr/bin/time")) {
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, BIN, "history", "--format", "json"], { cwd: repo, encoding: "utf8", maxBuffer: 1 << 28 });
    peakRssMiB = Number(r.stderr.trim().split("\n").pop()) / 1024;
  }
  // Bounded memory, shown directly: the whole history still scans with the JS heap capped at 32 MiB.
  const capped = spawnSync(process.execPath, ["--max-old-space-size=32", BIN, "history", "--format", "json"], { cwd: repo, stdio: "ignore" });
  const heapCap32MiB = capped.status === 0 || capped.status === 1 ? "completes" : `fails (exit ${capped.status})`;
  results.history = {
    commits,
    patchMiB: patchBytes / 1048576,
    medianMs: { "git log -p --all": logAll, "git log (keyfence's flags)": ourLog, "keyfence history": history },
    ratioToGitLog: history / logAll,
    credentials: found.summary.findings,
    planted: meta.planted,
    peakRssMiB,
    heapCap32MiB,
  };
  console.log(`\nHistory (${commits} commits, ${(patchBytes / 1048576).toFixed(0)} MiB of 'git log -p --all' output, ${runs} runs, median):`);
  for (const [k, v] of Object.entries(results.history.medianMs)) console.log(`  ${k.padEnd(28)} ${v.toFixed(0).padStart(7)} ms   ×${(v / logAll).toFixed(2)}`);
  console.log(`  ${found.summary.findings} credentials reported (${meta.planted} planted), ${((patchBytes / 1048576) / (history / 1000)).toFixed(0)} MiB/s of patch text${peakRssMiB ? `, peak RSS ${peakRssMiB.toFixed(0)} MiB` : ""}; with the JS heap capped at 32 MiB it ${heapCap32MiB}`);
}

mkdirSync(WORK, { recursive: true });
if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("run `npm run build` first");
if (!opts.only || opts.only === "latency") latencyBench();
if (!opts.only || opts.only === "history") await historyBench();
if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2) + "\n");
