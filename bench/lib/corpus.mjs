// Benchmark inputs, built reproducibly from pinned npm packages and kept in the work folder, so a
// second run reuses them. Each corpus folder holds a stamp (the spec it was built from); a changed
// spec rebuilds it.
//   tree     real npm packages at exact versions (npm install --ignore-scripts), laid out as a plain
//            folder: nested node_modules renamed _modules (secretlint skips node_modules), no links
//   history  a git repository whose commits are successive published versions of real packages
//            (npm pack of every stable version up to a pinned maximum), committed round-robin with
//            fixed authors and dates, so the same spec gives the same commit ids
//   scaled   hard links to the tree's files, repeated until a target size (no extra disk, same bytes)
//   big file real text files of the tree concatenated, repeated until a target size
//   staged   a repository with N real source files staged, for pre-commit latency
import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync, copyFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

function stamped(dir, spec, build) {
  const stampFile = join(dir, ".stamp.json");
  const want = JSON.stringify(spec);
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === want) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  build();
  writeFileSync(stampFile, want);
}

function walkFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name === ".stamp.json" || e.name === ".git") continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) walkFiles(full, out);
    else if (e.isFile()) out.push(full);
  }
  return out;
}

export function treeStats(dir) {
  let bytes = 0;
  const files = walkFiles(dir);
  for (const f of files) bytes += statSync(f).size;
  return { files: files.length, bytes };
}

/** Renames nested node_modules and removes links and .bin folders: a plain tree every tool walks alike. */
function flatten(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isSymbolicLink() || e.name === ".bin") {
      rmSync(full, { recursive: true, force: true });
      continue;
    }
    if (!e.isDirectory()) continue;
    let target = full;
    if (e.name === "node_modules") {
      target = join(dir, "_modules");
      renameSync(full, target);
    }
    flatten(target);
  }
}

/** `packages` are exact specs (name@version); returns the tree's folder. */
export function npmTree(work, name, packages) {
  const dir = join(work, "corpus", name);
  stamped(dir, { kind: "tree", packages }, () => {
    const install = join(dir, ".install");
    mkdirSync(install, { recursive: true });
    writeFileSync(join(install, "package.json"), JSON.stringify({ name: "keyfence-bench-corpus", private: true }));
    log(`installing ${packages.length} pinned packages into ${install}`);
    execFileSync("npm", ["install", "--prefix", install, "--ignore-scripts", "--no-audit", "--no-fund", "--save-exact", "--loglevel=error", ...packages], { stdio: ["ignore", "ignore", "inherit"] });
    renameSync(join(install, "node_modules"), join(dir, "tree"));
    rmSync(install, { recursive: true, force: true });
    flatten(join(dir, "tree"));
  });
  return join(dir, "tree");
}

function versionKey(v) {
  return v.split(".").map((n) => n.padStart(8, "0")).join(".");
}

/** Stable versions of `name` up to `max`, oldest first: published versions never change, so this list is fixed. */
function stableVersions(name, max) {
  const all = JSON.parse(execFileSync("npm", ["view", name, "versions", "--json"], { encoding: "utf8" }));
  return all.filter((v) => /^\d+\.\d+\.\d+$/.test(v) && versionKey(v) <= versionKey(max)).sort((a, b) => (versionKey(a) < versionKey(b) ? -1 : 1));
}

async function packAll(specs, into, parallel = 6) {
  mkdirSync(into, { recursive: true });
  const todo = specs.filter((s) => !existsSync(join(into, tarballName(s))));
  const groups = Array.from({ length: parallel }, (_, i) => todo.filter((_, j) => j % parallel === i)).filter((g) => g.length);
  await Promise.all(
    groups.map(
      (g) =>
        new Promise((resolve, reject) => {
          const p = spawn("npm", ["pack", "--silent", "--pack-destination", into, ...g], { stdio: ["ignore", "ignore", "inherit"] });
          p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`npm pack failed (${code})`))));
        }),
    ),
  );
}

function tarballName(spec) {
  const at = spec.lastIndexOf("@");
  return `${spec.slice(0, at).replace(/^@/, "").replace("/", "-")}-${spec.slice(at + 1)}.tgz`;
}

/** `packages`: { name: maxVersion }. Returns the repository folder and its commit count. */
export async function historyRepo(work, name, packages) {
  const dir = join(work, "corpus", name);
  const stampFile = join(dir, ".stamp.json");
  const spec = { kind: "history", packages };
  if (!(existsSync(stampFile) && readFileSync(stampFile, "utf8") === JSON.stringify(spec))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const versions = Object.entries(packages).map(([pkg, max]) => ({ pkg, list: stableVersions(pkg, max) }));
    const specs = versions.flatMap((v) => v.list.map((x) => `${v.pkg}@${x}`));
    const tarballs = join(work, "tarballs");
    log(`fetching ${specs.length} package versions (npm pack, cached in ${tarballs})`);
    await packAll(specs, tarballs);
    const repo = join(dir, "repo");
    mkdirSync(repo);
    const git = (...args) => execFileSync("git", args, { cwd: repo, stdio: ["ignore", "ignore", "inherit"] });
    git("init", "-q", "-b", "main");
    git("config", "commit.gpgsign", "false");
    // Round-robin over packages, each commit one package's next version, replacing its folder.
    const queues = versions.map((v) => ({ pkg: v.pkg, list: [...v.list] }));
    let n = 0;
    log(`committing ${specs.length} versions`);
    while (queues.some((q) => q.list.length)) {
      for (const q of queues) {
        const v = q.list.shift();
        if (!v) continue;
        const folder = join(repo, "packages", q.pkg);
        rmSync(folder, { recursive: true, force: true });
        mkdirSync(folder, { recursive: true });
        // npm's own tar headers carry keywords GNU tar does not know; it warns for each file.
        execFileSync("tar", ["--warning=no-unknown-keyword", "-xzf", join(tarballs, tarballName(`${q.pkg}@${v}`)), "-C", folder, "--strip-components=1", "--no-same-owner", "--no-same-permissions"], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * 1024 * 1024 });
        const date = new Date(Date.UTC(2015, 0, 1) + n * 3600_000).toISOString();
        const env = { ...process.env, GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@keyfence.invalid", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@keyfence.invalid", GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
        execFileSync("git", ["add", "-A", "packages"], { cwd: repo, env });
        execFileSync("git", ["commit", "-q", "--allow-empty", "-m", `${q.pkg} ${v}`], { cwd: repo, env });
        n++;
      }
    }
    writeFileSync(join(dir, "commits.txt"), String(n));
    writeFileSync(stampFile, JSON.stringify(spec));
  }
  return { repo: join(dir, "repo"), commits: Number(readFileSync(join(dir, "commits.txt"), "utf8")) };
}

/** Hard links to `source`'s files under copy-N/ folders until `targetBytes` is reached. */
export function scaledTree(work, name, source, targetBytes) {
  const dir = join(work, "corpus", name);
  stamped(dir, { kind: "scaled", source: relative(work, source), targetBytes }, () => {
    const files = walkFiles(source).map((f) => ({ f, size: statSync(f).size }));
    let bytes = 0;
    for (let copy = 0; bytes < targetBytes; copy++) {
      for (const { f, size } of files) {
        if (bytes >= targetBytes) break;
        const to = join(dir, "tree", `copy-${copy}`, relative(source, f));
        mkdirSync(dirname(to), { recursive: true });
        try {
          linkSync(f, to);
        } catch {
          copyFileSync(f, to);
        }
        bytes += size;
      }
    }
  });
  return join(dir, "tree");
}

const TEXT = /\.(js|mjs|cjs|ts|mts|cts|json|md|map|txt|yml|yaml|d\.ts|html|css|flow|jsx|tsx)$/i;

/** One file of `targetBytes`: the tree's text files, concatenated in order, repeated. */
export function bigFile(work, name, source, targetBytes) {
  const dir = join(work, "corpus", name);
  stamped(dir, { kind: "big-file", source: relative(work, source), targetBytes }, () => {
    const texts = walkFiles(source).filter((f) => TEXT.test(f));
    const fd = openSync(join(dir, "big.txt"), "w");
    let bytes = 0;
    try {
      while (bytes < targetBytes) {
        for (const f of texts) {
          let data = readFileSync(f);
          if (data.subarray(0, 8192).includes(0)) continue;
          if (bytes + data.length > targetBytes) data = data.subarray(0, targetBytes - bytes);
          writeSync(fd, data);
          bytes += data.length;
          if (bytes >= targetBytes) break;
        }
      }
    } finally {
      closeSync(fd);
    }
  });
  return join(dir, "big.txt");
}

/** A repository with `count` real source files from `source` staged (as a pre-commit would see). */
export function stagedRepo(work, source, count, config) {
  const dir = join(work, "corpus", `staged-${count}${config ? "-config" : ""}`);
  stamped(dir, { kind: "staged", source: relative(work, source), count, config }, () => {
    const picks = walkFiles(source).filter((f) => /\.(js|ts|json|md)$/.test(f) && statSync(f).size < 64 * 1024 && statSync(f).size > 512).slice(0, count);
    const repo = join(dir, "repo");
    mkdirSync(repo);
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: repo });
    for (const [i, f] of picks.entries()) copyFileSync(f, join(repo, `f${String(i).padStart(3, "0")}-${basename(f)}`));
    // A repository's own configuration, as most have: discovered, read and validated on every run.
    if (config) writeFileSync(join(repo, "keyfence.config.json"), `${JSON.stringify(config, null, 2)}\n`);
    execFileSync("git", ["add", "-A"], { cwd: repo });
  });
  const repo = join(dir, "repo");
  return { repo, files: readdirSync(repo).filter((f) => f !== ".git").sort() };
}

export function isDir(p) {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}
