// `keyfence install` / `uninstall` and the hook recipes, exercised through real `git commit`:
// plain hooks (chaining an existing one, core.hooksPath), husky 9, lint-staged 16 and the
// pre-commit framework. Uninstall must restore files byte for byte.
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { positive } from "./helpers/secrets.js";
import { BIN, REPO_ROOT, TempRepo, cleanupTempDirs, cli, tempDir } from "./helpers/git-repo.js";
import { removeMarkedLine, LINE_MARKER } from "../src/hooks/install.js";

afterAll(cleanupTempDirs);

const stripe = (salt: string) => positive("stripe-secret-key-live", 0, salt);

/** A folder with a `keyfence` command on it, as a global install would provide. */
function keyfenceOnPath(): string {
  const dir = tempDir("kf-bin-");
  writeFileSync(join(dir, "keyfence"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  return `${dir}:${process.env.PATH}`;
}

function commitAttempt(repo: TempRepo, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
  return repo.tryGit(["commit", "-m", "attempt", ...args], env);
}

function stageSecret(repo: TempRepo, salt: string): void {
  repo.write(`secrets-${salt}.env`, `# config\nSTRIPE=1\n${stripe(salt)}\n`);
  repo.git("add", "-A");
}

describe("keyfence install (plain git hooks)", () => {
  it("installs a hook that blocks a staged secret, passes clean commits, and judges `commit -a` too", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    const r = await cli(["install"], repo.dir, repo.env);
    expect(r.code).toBe(0);
    const hook = join(repo.dir, ".git/hooks/pre-commit");
    expect(statSync(hook).mode & 0o111).not.toBe(0);

    stageSecret(repo, "plain");
    const blocked = commitAttempt(repo);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain("keyfence blocked this commit");
    expect(blocked.stdout + blocked.stderr).toContain("secrets-plain.env:3");
    expect(repo.git("rev-list", "--count", "HEAD").trim()).toBe("1");

    repo.git("reset", "-q");
    repo.write("secrets-plain.env", "STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}\n");
    repo.git("add", "-A");
    expect(commitAttempt(repo).code).toBe(0);

    // `git commit -a` commits unstaged changes through a temporary index (GIT_INDEX_FILE).
    repo.write("secrets-plain.env", `${stripe("dash-a")}\n`);
    expect(commitAttempt(repo, {}, ["-a"]).code).toBe(1);
    // `git commit <path>` ("only" mode) also uses a temporary index.
    expect(commitAttempt(repo, {}, ["--", "secrets-plain.env"]).code).toBe(1);
    // The emergency bypass.
    expect(commitAttempt(repo, {}, ["-a", "--no-verify"]).code).toBe(0);
  });

  it("is idempotent and uninstall removes exactly what it added", async () => {
    const repo = TempRepo.init();
    const hook = join(repo.dir, ".git/hooks/pre-commit");
    await cli(["install"], repo.dir, repo.env);
    const first = readFileSync(hook, "utf8");
    const again = await cli(["install"], repo.dir, repo.env);
    expect(again.stdout).toContain("already runs keyfence");
    expect(readFileSync(hook, "utf8")).toBe(first);
    const u = await cli(["uninstall"], repo.dir, repo.env);
    expect(u.stdout).toContain("removed");
    expect(existsSync(hook)).toBe(false);
    expect((await cli(["uninstall"], repo.dir, repo.env)).stdout).toContain("no keyfence pre-commit hook");
  });

  it("chains an existing hook (which still runs, first) and restores it on uninstall", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    const hook = join(repo.dir, ".git/hooks/pre-commit");
    const original = `#!/bin/sh\necho "lint ran" >> "${repo.dir}/.git/lint.log"\n`;
    writeFileSync(hook, original, { mode: 0o750 });
    const r = await cli(["install"], repo.dir, repo.env);
    expect(r.stdout).toContain("still runs first");
    stageSecret(repo, "chain");
    expect(commitAttempt(repo).code).toBe(1);
    expect(readFileSync(join(repo.dir, ".git/lint.log"), "utf8")).toBe("lint ran\n");
    // A failing original hook still stops the commit, before keyfence runs.
    writeFileSync(`${hook}.keyfence-chained`, "#!/bin/sh\necho 'lint failed' >&2\nexit 3\n");
    const failed = commitAttempt(repo);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("lint failed");
    expect(failed.stderr).not.toContain("keyfence blocked");
    writeFileSync(`${hook}.keyfence-chained`, original);
    await cli(["uninstall"], repo.dir, repo.env);
    expect(readFileSync(hook, "utf8")).toBe(original);
    expect(statSync(hook).mode & 0o777).toBe(0o750);
    expect(existsSync(`${hook}.keyfence-chained`)).toBe(false);
  });

  it("respects core.hooksPath", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    repo.git("config", "core.hooksPath", "tools/githooks");
    await cli(["install"], repo.dir, repo.env);
    expect(existsSync(join(repo.dir, "tools/githooks/pre-commit"))).toBe(true);
    expect(existsSync(join(repo.dir, ".git/hooks/pre-commit"))).toBe(false);
    stageSecret(repo, "hookspath");
    expect(commitAttempt(repo).code).toBe(1);
  });

  it("fails closed when keyfence cannot check the commit", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    await cli(["install"], repo.dir, repo.env);
    repo.write("keyfence.config.json", "{ not json");
    repo.write("a.txt", "harmless\n");
    repo.git("add", "a.txt");
    const r = commitAttempt(repo);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("keyfence.config.json");
    expect(r.stderr).toContain("the commit is blocked");
    expect(repo.git("rev-list", "--count", "HEAD").trim()).toBe("1");
  });
});

describe("keyfence install with husky 9", () => {
  const huskyBin = join(REPO_ROOT, "node_modules/husky/bin.js");

  function huskyRepo(): TempRepo {
    const repo = TempRepo.init();
    repo.write("package.json", JSON.stringify({ name: "app", private: true, devDependencies: { husky: "9.1.7", keyfence: "0.1.0" } }, null, 2));
    // What `npm install` would leave: keyfence in node_modules/.bin, husky's hooks installed.
    mkdirSync(join(repo.dir, "node_modules/.bin"), { recursive: true });
    symlinkSync(BIN, join(repo.dir, "node_modules/.bin/keyfence"));
    repo.write(".gitignore", "node_modules/\n");
    execFileSync(process.execPath, [huskyBin], { cwd: repo.dir, env: repo.env, stdio: "ignore" });
    repo.git("add", "-A");
    repo.commit("init");
    return repo;
  }

  it("adds one line to .husky/pre-commit, which husky runs and which blocks a staged secret", async () => {
    const repo = huskyRepo();
    expect(repo.git("config", "core.hooksPath").trim()).toBe(".husky/_");
    const r = await cli(["install"], repo.dir, repo.env);
    expect(r.stdout).toContain("(husky)");
    const file = join(repo.dir, ".husky/pre-commit");
    expect(readFileSync(file, "utf8")).toBe(`keyfence staged ${LINE_MARKER}\n`);
    stageSecret(repo, "husky");
    const blocked = commitAttempt(repo);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain("keyfence blocked this commit");
    await cli(["uninstall"], repo.dir, repo.env);
    expect(existsSync(file)).toBe(false);
  });

  it("puts its line before the first command and restores the file exactly, with or without a final newline", async () => {
    const repo = huskyRepo();
    const file = join(repo.dir, ".husky/pre-commit");
    const line = `keyfence staged ${LINE_MARKER}`;
    const placed: Record<string, string> = {
      "npm test\n": `${line}\nnpm test\n`,
      "npm test": `${line}\nnpm test`,
      "echo one\n\necho two\n": `${line}\necho one\n\necho two\n`,
      "": `\n${line}`,
      "# comment only\n": `# comment only\n${line}\n`,
      // husky 8: after the shebang and the husky.sh line it needs.
      '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\nnpx lint-staged\n': `#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\n${line}\nnpx lint-staged\n`,
    };
    for (const [original, expected] of Object.entries(placed)) {
      writeFileSync(file, original);
      await cli(["install"], repo.dir, repo.env);
      expect(readFileSync(file, "utf8")).toBe(expected);
      await cli(["install"], repo.dir, repo.env);
      expect(readFileSync(file, "utf8").split(LINE_MARKER)).toHaveLength(2);
      await cli(["uninstall"], repo.dir, repo.env);
      expect(readFileSync(file, "utf8")).toBe(original);
    }
    expect(removeMarkedLine(`a\nkeyfence staged ${LINE_MARKER}\nb\n`)).toBe("a\nb\n");
  });

  it("leaves a hook that already runs keyfence alone", async () => {
    const repo = huskyRepo();
    const file = join(repo.dir, ".husky/pre-commit");
    writeFileSync(file, "node bin/keyfence.js staged --config keyfence.self.json\n");
    expect((await cli(["install"], repo.dir, repo.env)).stdout).toContain("already runs keyfence");
    expect(readFileSync(file, "utf8")).toBe("node bin/keyfence.js staged --config keyfence.self.json\n");
  });
});

describe("recipes", () => {
  it("lint-staged 16: a function task runs `keyfence staged` once and blocks a staged secret", () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    repo.write("lint-staged.config.mjs", 'export default { "*": () => "keyfence staged" };\n');
    repo.commitFile("package.json", JSON.stringify({ name: "app", private: true, type: "module" }));
    const lintStaged = join(REPO_ROOT, "node_modules/lint-staged/bin/lint-staged.js");
    const env = { ...repo.env, PATH: keyfenceOnPath() };
    stageSecret(repo, "lint");
    const blocked = spawnSync(process.execPath, [lintStaged], { cwd: repo.dir, env, encoding: "utf8" });
    expect(blocked.status).toBe(1);
    expect(blocked.stdout + blocked.stderr).toContain("keyfence blocked this commit");
    repo.write("secrets-lint.env", "STRIPE=${STRIPE_SECRET_KEY}\n");
    repo.git("add", "-A");
    const clean = spawnSync(process.execPath, [lintStaged], { cwd: repo.dir, env, encoding: "utf8" });
    expect(clean.status).toBe(0);
  });

  const preCommit = spawnSync("pre-commit", ["--version"], { encoding: "utf8" });
  it.skipIf(preCommit.status !== 0)("pre-commit framework: the manifest validates and its hook blocks a commit", () => {
    const manifest = join(REPO_ROOT, ".pre-commit-hooks.yaml");
    expect(spawnSync("pre-commit", ["validate-manifest", manifest], { encoding: "utf8" }).status).toBe(0);
    // A hooks repository holding this manifest, as a user's config would reference it.
    const hooksRepo = TempRepo.init();
    hooksRepo.commitFile(".pre-commit-hooks.yaml", readFileSync(manifest, "utf8"));
    const rev = hooksRepo.git("rev-parse", "HEAD").trim();
    const repo = TempRepo.init();
    // keyfence-system: the same command as the self-installing `keyfence` hook, without the npm install.
    repo.commitFile(".pre-commit-config.yaml", `repos:\n  - repo: ${hooksRepo.dir}\n    rev: ${rev}\n    hooks:\n      - id: keyfence-system\n`);
    const env = { ...repo.env, PATH: keyfenceOnPath(), PRE_COMMIT_HOME: tempDir("kf-pc-home-") };
    const install = spawnSync("pre-commit", ["install"], { cwd: repo.dir, env, encoding: "utf8" });
    expect(install.status).toBe(0);
    stageSecret(repo, "framework");
    const blocked = commitAttempt(repo, env);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain("keyfence blocked this commit");
    repo.write("secrets-framework.env", "clean\n");
    repo.git("add", "-A");
    expect(commitAttempt(repo, env).code).toBe(0);
    // Without keyfence on PATH, the project's own node_modules/.bin/keyfence is used.
    mkdirSync(join(repo.dir, "node_modules/.bin"), { recursive: true });
    symlinkSync(BIN, join(repo.dir, "node_modules/.bin/keyfence"));
    repo.write(".gitignore", "node_modules/\n");
    stageSecret(repo, "framework-local");
    const local = commitAttempt(repo, { ...env, PATH: process.env.PATH });
    expect(local.code).not.toBe(0);
    expect(local.stdout + local.stderr).toContain("secrets-framework-local.env:3");
  });
});
