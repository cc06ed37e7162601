#!/usr/bin/env node
// `npm run bench [-- --quick] [--work DIR] [--out FILE] [--only SECTIONS] [--timeout SECONDS]`
// Builds the corpora (bench/lib/corpus.mjs), times keyfence against ripgrep and secretlint in the same
// run (bench/lib/measure.mjs), and writes the tables to docs/benchmarks.md (a quick run writes to the
// work folder unless --out is given). Sections: startup, tree, sdk, stress, precommit, history, scaling, profile, verify.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bigFile, historyRepo, npmTree, scaledTree, stagedRepo, treeStats } from "./lib/corpus.mjs";
import { compare, hasGnuTime, runOnce } from "./lib/measure.mjs";
import { ripgrepKeywordPattern, ripgrepPatterns } from "./lib/rg-patterns.mjs";
import { writeStressPack } from "./lib/stress-pack.mjs";
import { renderReport } from "./lib/report.mjs";
import { summariseProfile } from "./lib/profile.mjs";
import { verifyBench } from "./lib/verify.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const KEYFENCE = join(ROOT, "bin", "keyfence.js");

// Everything pinned: package versions for the tree, maximum versions for the history.
const SPECS = {
  full: {
    tree: ["typescript@5.6.3", "eslint@9.14.0", "webpack@5.96.1", "@babel/core@7.26.0", "rxjs@7.8.1", "lodash@4.17.21", "moment@2.30.1", "aws-sdk@2.1692.0", "date-fns@4.1.0", "react-dom@18.3.1", "prettier@3.3.3", "three@0.170.0"],
    history: { express: "4.21.1", commander: "12.1.0", semver: "7.6.3", yargs: "17.7.2", debug: "4.3.7", uuid: "11.0.3", chalk: "5.3.0", async: "3.2.6", axios: "1.7.7", ws: "8.18.0", glob: "11.0.0", lodash: "4.17.21", moment: "2.30.1", mocha: "10.8.2", underscore: "1.13.7", minimist: "1.2.8", "body-parser": "1.20.3", "electron-to-chromium": "1.3.594" },
    // Cloud and payment SDKs: full of "token", "secret", "key" and "credentials" (issue 18).
    sdk: ["aws-sdk@2.1692.0", "googleapis@188.0.0", "@aws-sdk/client-s3@3.1175.0", "stripe@23.1.0", "plaid@47.0.0", "square@46.0.0"],
    runs: 5,
    secretlintRuns: 3,
    timeoutMs: 180_000,
    latencyRuns: 15,
    scaling: [
      { label: "50 MB tree", kind: "tree", bytes: 50e6 },
      { label: "500 MB tree", kind: "tree", bytes: 500e6 },
      { label: "1 GB single file", kind: "file", bytes: 1024 ** 3 },
    ],
  },
  quick: {
    tree: ["typescript@5.6.3", "lodash@4.17.21", "moment@2.30.1", "rxjs@7.8.1", "date-fns@4.1.0"],
    history: { semver: "7.6.3", debug: "4.3.7", chalk: "5.3.0", uuid: "11.0.3", minimist: "1.2.8" },
    sdk: ["@aws-sdk/client-s3@3.1175.0", "stripe@23.1.0", "plaid@47.0.0", "square@46.0.0"],
    runs: 3,
    secretlintRuns: 1,
    timeoutMs: 60_000,
    latencyRuns: 7,
    scaling: [
      { label: "50 MB tree", kind: "tree", bytes: 50e6 },
      { label: "256 MB single file", kind: "file", bytes: 256 * 1024 ** 2 },
    ],
  },
};
const SECRETLINT = ["secretlint@13.0.6", "@secretlint/secretlint-rule-preset-recommend@13.1.0"];
const STRESS_RULES = 150;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    work: { type: "string", default: join(tmpdir(), "keyfence-bench") },
    out: { type: "string" },
    only: { type: "string" },
    timeout: { type: "string" },
  },
});
const mode = values.quick ? "quick" : "full";
const spec = { ...SPECS[mode], ...(values.timeout && { timeoutMs: Number(values.timeout) * 1000 }) };
const work = resolve(values.work);
const only = values.only ? new Set(values.only.split(",")) : undefined;
const want = (section) => !only || only.has(section);
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
mkdirSync(work, { recursive: true });

if (!hasGnuTime) log("note: /usr/bin/time not found (apt-get install time); peak memory is not measured");
const rg = spawnSync("rg", ["--version"], { encoding: "utf8" });
if (rg.status !== 0) {
  log("ripgrep not found: apt-get install -y ripgrep");
  process.exit(2);
}

function secretlintBin() {
  const dir = join(work, "tools", "secretlint");
  const stamp = join(dir, ".stamp");
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== SECRETLINT.join(" ")) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true }));
    log(`installing ${SECRETLINT.join(", ")} into ${dir}`);
    execFileSync("npm", ["install", "--prefix", dir, "--ignore-scripts", "--no-audit", "--no-fund", "--save-exact", "--loglevel=error", ...SECRETLINT], { stdio: ["ignore", "ignore", "inherit"] });
    writeFileSync(join(dir, ".secretlintrc.json"), JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }));
    writeFileSync(stamp, SECRETLINT.join(" "));
  }
  return { bin: join(dir, "node_modules", ".bin", "secretlint"), rc: join(dir, ".secretlintrc.json") };
}

const kf = (args, extra = {}) => ({ cmd: process.execPath, args: [KEYFENCE, ...args], ...extra });
const kfPool = (args, extra = {}) => ({ cmd: process.execPath, args: ["--v8-pool-size=0", KEYFENCE, ...args], ...extra });
const scanArgs = (target, more = []) => ["scan", target, "--no-gitignore", "--format", "json", "--fail-on", "never", ...more];
const hasCommand = (name) => spawnSync(process.execPath, [KEYFENCE, name, "--help"], { stdio: "ignore" }).status === 0;

/** keyfence's own count of files, bytes and findings for `args` (its JSON summary; no finding is kept). */
function keyfenceSummary(args, cwd) {
  const r = spawnSync(process.execPath, [KEYFENCE, ...args], { cwd, encoding: "utf8", maxBuffer: 1024 ** 3 });
  if (r.status === 2) throw new Error(`keyfence ${args.join(" ")}: ${r.stderr.trim()}`);
  const { summary } = JSON.parse(r.stdout);
  return { files: summary.files, bytes: summary.bytes, findings: summary.findings };
}

function rgPatternsFile(name, configFile) {
  const rules = JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", `import { rulesForConfig, loadConfigFile } from ${JSON.stringify(join(ROOT, "dist", "index.js"))}; const c = process.argv[1] ? loadConfigFile(process.argv[1]).config : {}; console.log(JSON.stringify(rulesForConfig(c).map((r) => ({ id: r.id, regex: r.regex, assignment: r.assignment, keywords: r.keywords, keywordsCaseInsensitive: r.keywordsCaseInsensitive }))));`, configFile ?? ""], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }),
  );
  const { patterns, skipped } = ripgrepPatterns(rules);
  const file = join(work, `${name}.rg-patterns`);
  writeFileSync(file, patterns.join("\n") + "\n");
  const keywordsFile = join(work, `${name}.rg-keywords`);
  writeFileSync(keywordsFile, ripgrepKeywordPattern(rules) + "\n");
  return { file, keywordsFile, rules: rules.length, exported: patterns.length, skipped };
}

const rgTool = (name, patterns, target, extra = []) => ({ name, cmd: "rg", args: ["--no-config", "--no-ignore", "--hidden", "--no-messages", "-c", "-f", patterns, ...extra, target], timeoutMs: spec.timeoutMs });
// The rules' regexes mean in ripgrep what they mean in RE2 only without Unicode mode: RE2's \w, \s,
// \d and \b are ASCII. (With Unicode classes ripgrep 13 also slows below 1 MB/s on these patterns.)
const rgRules = (patterns, target) => rgTool("ripgrep, rule regexes", patterns.file, target, ["--no-unicode"]);
const rgKeywords = (patterns, target) => rgTool("ripgrep, keywords only", patterns.keywordsFile, target);
// What users compare a scanner with: ripgrep and a short list of well-known secret formats, as the
// independent benchmark of issue 18 does (bench/lib/rg-44.txt, written here from the formats).
const RG_44 = join(ROOT, "bench", "lib", "rg-44.txt");
const rg44 = (target) => rgTool("ripgrep, 44 common secret regexes", RG_44, target, ["--no-unicode"]);

// The load before and after the run goes in the report: ratios from a busy machine are not comparable.
const results = { mode, date: new Date().toISOString(), machine: machine(), load: { before: loadavg() }, sections: {} };

function machine() {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return {
    cpu,
    cores: availableParallelism(),
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    kernel: release(),
    node: process.version,
    ripgrep: rg.stdout.split("\n")[0],
    git: execFileSync("git", ["--version"], { encoding: "utf8" }).trim(),
    keyfence: JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version,
    commit: spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim(),
  };
}

log(`mode ${mode}, work folder ${work}`);
const treeDir = npmTree(work, `tree-${mode}`, spec.tree);
const treeSize = treeStats(treeDir);
const builtinPatterns = rgPatternsFile("builtin");
const stressDir = writeStressPack(join(work, "stress-pack"), STRESS_RULES);
const stressConfig = join(work, "stress.keyfence.json");
writeFileSync(stressConfig, JSON.stringify({ rulePacks: [stressDir] }));
const stressPatterns = rgPatternsFile("stress", stressConfig);
// No rules at all: what walking, reading and classifying the files costs keyfence before any matching.
const noRulesConfig = join(work, "no-rules.keyfence.json");
writeFileSync(noRulesConfig, JSON.stringify({ builtinRules: false }));
results.rules = { builtin: builtinPatterns, stress: stressPatterns };

if (want("startup")) {
  log("start-up");
  const one = join(work, "one-file.js");
  writeFileSync(one, "export const answer = 42;\n");
  results.sections.startup = compare(
    [
      { name: "node -e ''", cmd: process.execPath, args: ["-e", ""] },
      { name: "keyfence --version", ...kf(["--version"]) },
      { name: "keyfence scan one-file.js", ...kf(["scan", one]) },
    ],
    spec.latencyRuns,
  );
}

function treeComparison(label, patterns, configArgs, withPeers, dir = treeDir) {
  const treeDir = dir;
  const counts = keyfenceSummary(scanArgs(treeDir, configArgs));
  const tools = [
    { name: "keyfence", ...kf(scanArgs(treeDir, configArgs)) },
    { name: "keyfence --jobs 1", ...kf(scanArgs(treeDir, [...configArgs, "--jobs", "1"])) },
    // As the GitHub Action runs it: V8's helper threads sized to the cores (README, Performance).
    { name: "keyfence, node --v8-pool-size=0", ...kfPool(scanArgs(treeDir, configArgs)) },
    ...(withPeers ? [{ name: "keyfence, no rules (walk and read only)", ...kf(scanArgs(treeDir, ["--config", noRulesConfig])) }] : []),
    rgRules(patterns, treeDir),
    rgKeywords(patterns, treeDir),
    rg44(treeDir),
  ];
  if (withPeers) {
    const sl = secretlintBin();
    tools.push({ name: "secretlint", cmd: sl.bin, args: ["--secretlintrc", sl.rc, "--no-gitignore", "--format", "compact", "**/*"], cwd: treeDir, runs: spec.secretlintRuns, warmup: false, timeoutMs: spec.timeoutMs });
  }
  log(`${label}: ${counts.files} files, ${(counts.bytes / 1e6).toFixed(1)} MB`);
  return { label, counts, corpus: treeStats(treeDir), timings: compare(tools, spec.runs) };
}

if (want("tree")) results.sections.tree = treeComparison(`tree scan, built-in rules`, builtinPatterns, [], true);
if (want("sdk")) results.sections.sdk = treeComparison(`SDK tree scan (${spec.sdk.join(", ")}), built-in rules`, builtinPatterns, [], true, npmTree(work, `sdk-${mode}`, spec.sdk));
if (want("stress")) results.sections.stress = treeComparison(`tree scan, built-in + ${STRESS_RULES} stress rules`, stressPatterns, ["--config", stressConfig], false);

if (want("precommit")) {
  log("pre-commit latency");
  const staged = hasCommand("staged");
  const rows = [];
  for (const n of [1, 10, 100]) {
    const { repo, files } = stagedRepo(work, treeDir, n);
    const tools = [{ name: "node -e ''", cmd: process.execPath, args: ["-e", ""], cwd: repo }, { name: `keyfence scan (${n} named files)`, ...kf(["scan", ...files], { cwd: repo }) }];
    if (staged) tools.push({ name: `keyfence staged (${n} files)`, ...kf(["staged"], { cwd: repo }) });
    if (staged && n === 10) {
      // The same commit in a repository with a keyfence.config.json (staged with the files).
      const withConfig = stagedRepo(work, treeDir, n, { exclude: ["vendor/**"], failOn: "high" });
      tools.push({ name: `keyfence staged (${n} files, with a configuration)`, ...kf(["staged"], { cwd: withConfig.repo }) });
    }
    rows.push({ files: n, timings: compare(tools, spec.latencyRuns) });
  }
  results.sections.precommit = { staged, rows };
}

if (want("history")) {
  log("history");
  const { repo, commits } = await historyRepo(work, `history-${mode}`, spec.history);
  const history = hasCommand("history");
  const logBytes = execFileSync("sh", ["-c", "git log -p --all | wc -c"], { cwd: repo, encoding: "utf8" }).trim();
  const tools = [{ name: "git log -p --all", cmd: "sh", args: ["-c", "git log -p --all > /dev/null"], cwd: repo }];
  if (history) tools.push({ name: "keyfence history", ...kf(["history", "--format", "json", "--fail-on", "never"], { cwd: repo }) });
  if (history) tools.push({ name: "keyfence history, node --v8-pool-size=0", ...kfPool(["history", "--format", "json", "--fail-on", "never"], { cwd: repo }) });
  results.sections.history = { commits, logBytes: Number(logBytes), history, timings: compare(tools, Math.min(spec.runs, 3)) };
}

if (want("scaling")) {
  const rows = [];
  for (const s of spec.scaling) {
    const target = s.kind === "tree" ? scaledTree(work, `scaled-${s.bytes}`, treeDir, s.bytes) : bigFile(work, `big-${s.bytes}`, treeDir, s.bytes);
    log(`scaling: ${s.label}`);
    const extra = s.kind === "file" ? ["--max-file-size", "4g"] : [];
    const counts = keyfenceSummary(scanArgs(target, extra));
    const timings = compare([{ name: "keyfence", ...kf(scanArgs(target, extra)) }, rgKeywords(builtinPatterns, target)], Math.min(spec.runs, 3));
    rows.push({ label: s.label, counts, timings });
  }
  results.sections.scaling = rows;
}

if (want("verify")) results.sections.verify = await verifyBench();

if (want("profile")) {
  log("CPU profile of the tree scan");
  const dir = join(work, "profile");
  rmSync(dir, { recursive: true, force: true });
  runOnce(process.execPath, ["--cpu-prof", "--cpu-prof-dir", dir, KEYFENCE, ...scanArgs(treeDir)]);
  results.sections.profile = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort()
    .map((f) => summariseProfile(JSON.parse(readFileSync(join(dir, f), "utf8")), 12));
}

results.load.after = loadavg();
const report = renderReport(results);
const out = values.out ? resolve(values.out) : mode === "full" ? join(ROOT, "docs", "benchmarks.md") : join(work, "benchmarks-quick.md");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, report);
writeFileSync(join(work, `results-${mode}.json`), JSON.stringify(results, null, 2));
process.stdout.write(report);
log(`written to ${out}`);
