// Hooks scan what they are given: `keyfence staged FILES` as lint-staged and the pre-commit framework
// call it, `install` ahead of husky's default `npm test`, and doctor over every documented setup.
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { positive } from "./helpers/secrets.js";
import { BIN, REPO_ROOT, TempRepo, cleanupTempDirs, cli, tempDir } from "./helpers/git-repo.js";
import { runDoctor } from "../src/doctor/doctor.js";
import { LINE_MARKER } from "../src/hooks/install.js";
import type { Finding } from "../src/types.js";

afterAll(cleanupTempDirs);

const stripe = (salt: string) => positive("stripe-secret-key-live", 0, salt);

function keyfenceOnPath(): string {
  const dir = tempDir("kf-bin-");
  writeFileSync(join(dir, "keyfence"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  return `${dir}:${process.env.PATH}`;
}

async function staged(repo: TempRepo, files: string[], cwd = repo.dir) {
  const r = await cli(["staged", "--format", "json", ...files], cwd, repo.env);
  const doc = JSON.parse(r.stdout) as { findings: Finding[]; notices: { path: string; reason: string }[] };
  return { code: r.code, at: doc.findings.map((f) => `${f.path}:${f.line}`), notices: doc.notices };
}

describe("keyfence staged FILES", () => {
  it("limits itself to the named files; a named file the commit changes is judged by its added lines", async () => {
    const repo = TempRepo.init();
    repo.commitFile("old.env", `${stripe("committed")}\nMODE=1\n`);
    repo.write("old.env", `${stripe("committed")}\nMODE=1\n${stripe("added")}\n`);
    repo.write("other.env", `${stripe("other")}\n`);
    repo.git("add", "-A");
    expect((await staged(repo, [])).at).toEqual(["old.env:3", "other.env:1"]);
    expect((await staged(repo, ["old.env"])).at).toEqual(["old.env:3"]);
    // lint-staged passes absolute paths; a subfolder's relative paths work too.
    expect((await staged(repo, [join(repo.dir, "other.env")])).at).toEqual(["other.env:1"]);
  });

  it("a named file the commit does not change is judged whole from the index (pre-commit --all-files)", async () => {
    const repo = TempRepo.init();
    repo.commitFile("config/live.env", `# keys\n${stripe("in-history")}\n`);
    repo.commitFile("clean.txt", "nothing\n");
    // Nothing staged: `keyfence staged` alone has nothing to judge, but named files are audited.
    expect((await staged(repo, [])).code).toBe(0);
    const all = await staged(repo, ["config/live.env", "clean.txt"]);
    expect(all.code).toBe(1);
    expect(all.at).toEqual(["config/live.env:2"]);
    // The index, not the working tree: an unstaged edit that removes the key does not hide it.
    repo.write("config/live.env", "# keys\nKEY=${STRIPE_SECRET_KEY}\n");
    expect((await staged(repo, ["config/live.env"])).at).toEqual(["config/live.env:2"]);
    // From a subfolder, paths are relative to it.
    mkdirSync(join(repo.dir, "config"), { recursive: true });
    expect((await staged(repo, ["live.env"], join(repo.dir, "config"))).at).toEqual(["config/live.env:2"]);
    // An untracked file is not in what a commit records: said, not scanned.
    repo.write("untracked.env", `${stripe("untracked")}\n`);
    const u = await staged(repo, ["untracked.env"]);
    expect(u.code).toBe(0);
    expect(u.notices[0]).toMatchObject({ path: "untracked.env", reason: expect.stringMatching(/not in the index/) });
  });

  it("lint-staged 16 with the plain string task passes file names and keyfence limits itself to them", () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    repo.commitFile("package.json", JSON.stringify({ name: "app", private: true, "lint-staged": { "*.env": "keyfence staged" } }));
    const lintStaged = join(REPO_ROOT, "node_modules/lint-staged/bin/lint-staged.js");
    const env = { ...repo.env, PATH: keyfenceOnPath() };
    repo.write("a.env", `${stripe("lint-a")}\n`);
    repo.write("notes.txt", `${stripe("lint-txt")}\n`); // not matched by "*.env": lint-staged does not pass it
    repo.git("add", "-A");
    const r = spawnSync(process.execPath, [lintStaged], { cwd: repo.dir, env, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain("a.env:1");
    expect(r.stdout + r.stderr).not.toContain("notes.txt");
  });

  const preCommit = spawnSync("pre-commit", ["--version"], { encoding: "utf8" });
  it.skipIf(preCommit.status !== 0)("pre-commit framework: run --all-files and --files scan the files it passes", () => {
    const manifest = readFileSync(join(REPO_ROOT, ".pre-commit-hooks.yaml"), "utf8");
    expect(manifest).toMatch(/- id: keyfence\n(?:  .*\n)*?  language: node\n/);
    expect(manifest).not.toMatch(/pass_filenames: false/);
    const hooksRepo = TempRepo.init();
    hooksRepo.commitFile(".pre-commit-hooks.yaml", manifest);
    const rev = hooksRepo.git("rev-parse", "HEAD").trim();
    const repo = TempRepo.init();
    // keyfence-system runs the same `keyfence staged` as the self-installing hook, without its npm install.
    repo.commitFile(".pre-commit-config.yaml", `repos:\n  - repo: ${hooksRepo.dir}\n    rev: ${rev}\n    hooks:\n      - id: keyfence-system\n`);
    repo.commitFile("config/live.env", `${stripe("framework-committed")}\n`);
    repo.commitFile("clean.txt", "nothing\n");
    const env = { ...repo.env, PATH: keyfenceOnPath(), PRE_COMMIT_HOME: tempDir("kf-pc-home-") };
    const run = (args: string[]) => spawnSync("pre-commit", ["run", ...args], { cwd: repo.dir, env, encoding: "utf8" });
    const all = run(["--all-files"]);
    expect(all.status).toBe(1);
    expect(all.stdout).toContain("config/live.env:1");
    expect(run(["--files", "clean.txt"]).status).toBe(0);
    expect(run(["--files", "config/live.env"]).status).toBe(1);
  });
});

describe("keyfence install with husky's default hook", () => {
  it("puts its line before `npm test`, so a fresh `npm init` project's first commit is checked by keyfence", async () => {
    const repo = TempRepo.init();
    // `npm init -y` + `npx husky init`: the test script fails and the hook runs `npm test`.
    repo.write("package.json", JSON.stringify({ name: "app", version: "1.0.0", scripts: { test: 'echo "Error: no test specified" && exit 1' }, devDependencies: { husky: "9.1.7" } }, null, 2));
    mkdirSync(join(repo.dir, "node_modules/.bin"), { recursive: true });
    symlinkSync(BIN, join(repo.dir, "node_modules/.bin/keyfence"));
    repo.write(".gitignore", "node_modules/\n");
    execFileSync(process.execPath, [join(REPO_ROOT, "node_modules/husky/bin.js"), "init"], { cwd: repo.dir, env: repo.env, stdio: "ignore" });
    expect(readFileSync(join(repo.dir, ".husky/pre-commit"), "utf8")).toBe("npm test\n");
    await cli(["install"], repo.dir, repo.env);
    expect(readFileSync(join(repo.dir, ".husky/pre-commit"), "utf8")).toBe(`keyfence staged ${LINE_MARKER}\nnpm test\n`);
    repo.write("pay.env", `${stripe("husky-first")}\n`);
    repo.git("add", "-A");
    const blocked = repo.tryGit(["commit", "-m", "first"]);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain("keyfence blocked this commit");
    expect(blocked.stdout + blocked.stderr).not.toContain("no test specified");
  });

  it("leaves a husky hook that reaches keyfence through lint-staged alone (no second scan)", async () => {
    const repo = TempRepo.init();
    repo.write("package.json", JSON.stringify({ name: "app", devDependencies: { husky: "9.1.7" }, "lint-staged": { "*": "keyfence staged" } }));
    repo.write(".husky/pre-commit", "npx lint-staged\n");
    repo.git("config", "core.hooksPath", ".husky/_");
    const r = await cli(["install"], repo.dir, repo.env);
    expect(r.stdout).toContain("already runs keyfence: package.json runs keyfence staged (lint-staged)");
    expect(readFileSync(join(repo.dir, ".husky/pre-commit"), "utf8")).toBe("npx lint-staged\n");
  });
});

describe("doctor accepts every documented setup and flags a double scan", () => {
  const NOW = new Date("2026-06-01T00:00:00Z");
  async function hookStatus(repo: TempRepo, env: NodeJS.ProcessEnv = repo.env) {
    const report = await runDoctor({ cwd: repo.dir, env, now: NOW });
    return report.checks.find((c) => c.id === "pre-commit-hook")!;
  }
  function withKeyfence(repo: TempRepo): NodeJS.ProcessEnv {
    return { ...repo.env, PATH: keyfenceOnPath() };
  }
  function hook(repo: TempRepo, rel: string, script: string) {
    repo.write(rel, script);
    chmodSync(join(repo.dir, rel), 0o755);
  }

  it("husky + lint-staged (the README recipe) passes; adding a direct line as well warns of two scans", async () => {
    const repo = TempRepo.init();
    repo.write("package.json", JSON.stringify({ name: "app", devDependencies: { husky: "9.1.7" } }));
    repo.write("lint-staged.config.mjs", 'export default { "*": () => "keyfence staged" };\n');
    execFileSync(process.execPath, [join(REPO_ROOT, "node_modules/husky/bin.js")], { cwd: repo.dir, env: repo.env, stdio: "ignore" });
    repo.write(".husky/pre-commit", "npx lint-staged\n");
    const ok = await hookStatus(repo, withKeyfence(repo));
    expect(ok).toMatchObject({ status: "pass" });
    expect(ok.found[0]).toBe("lint-staged.config.mjs runs keyfence staged (lint-staged)");
    repo.write(".husky/pre-commit", "keyfence staged\nnpx lint-staged\n");
    const twice = await hookStatus(repo, withKeyfence(repo));
    expect(twice.status).toBe("warn");
    expect(twice.found.at(-1)).toMatch(/keyfence runs 2 times per commit/);
    expect(twice.fix).toMatch(/remove the keyfence staged line from \.husky\/pre-commit: lint-staged\.config\.mjs already runs it/);
  });

  it("the pre-commit framework's generated hook with the keyfence hook passes (it installs keyfence itself)", async () => {
    const repo = TempRepo.init();
    repo.write(".pre-commit-config.yaml", "repos:\n  - repo: https://github.com/keyfence/keyfence\n    rev: v0.1.0\n    hooks:\n      - id: keyfence\n");
    hook(repo, ".git/hooks/pre-commit", "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\nexec pre-commit hook-impl --config=.pre-commit-config.yaml --hook-type=pre-commit\n");
    const r = await hookStatus(repo, { ...repo.env, PATH: "/usr/bin:/bin" });
    expect(r).toMatchObject({ status: "pass", found: [".git/hooks/pre-commit is executable", ".pre-commit-config.yaml runs keyfence staged (pre-commit framework)"] });
  });

  it("lefthook with keyfence in its pre-commit commands passes; without it fails", async () => {
    const repo = TempRepo.init();
    repo.write("lefthook.yml", "pre-commit:\n  commands:\n    secrets:\n      run: npx keyfence staged {staged_files}\n");
    hook(repo, ".git/hooks/pre-commit", '#!/bin/sh\n# lefthook\ncall_lefthook() { lefthook "$@"; }\ncall_lefthook run "pre-commit" "$@"\n');
    expect(await hookStatus(repo, withKeyfence(repo))).toMatchObject({ status: "pass", found: [".git/hooks/pre-commit is executable", "lefthook.yml runs keyfence staged (lefthook)"] });
    repo.write("lefthook.yml", "pre-commit:\n  commands:\n    lint:\n      run: npx eslint {staged_files}\npre-push:\n  commands:\n    secrets:\n      run: npx keyfence staged\n");
    expect((await hookStatus(repo, withKeyfence(repo))).status).toBe("fail");
  });

  it("a plain hook under core.hooksPath passes; keyfence install over a hook that already runs keyfence does not chain a second", async () => {
    const repo = TempRepo.init();
    repo.git("config", "core.hooksPath", "githooks");
    hook(repo, "githooks/pre-commit", "#!/bin/sh\nexec npx --no -- keyfence staged\n");
    expect(await hookStatus(repo, withKeyfence(repo))).toMatchObject({ status: "pass", found: ["githooks/pre-commit runs keyfence and is executable"] });
    const r = await cli(["install"], repo.dir, repo.env);
    expect(r.stdout).toContain("already runs keyfence");
    expect(readFileSync(join(repo.dir, "githooks/pre-commit"), "utf8")).toBe("#!/bin/sh\nexec npx --no -- keyfence staged\n");
  });
});
