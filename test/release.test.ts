// Release trees: HEAD plus a prebuilt dist/, so the Action and the pre-commit framework install
// runtime dependencies only. The release script is run for real in a clone; the Action's install
// step is run with a recording `npm` so that what it would install is asserted, not assumed.
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT, cleanupTempDirs, tempDir } from "./helpers/git-repo.js";

afterAll(cleanupTempDirs);

const installStep = () => {
  const action = parse(readFileSync(join(REPO_ROOT, "action.yml"), "utf8")) as { runs: { steps: { name?: string; run?: string; env?: Record<string, string> }[] } };
  return action.runs.steps.find((s) => s.name === "Install keyfence")!;
};

/** Runs the Action's install script in `dir` with an `npm` that only records its arguments. */
function runInstallStep(dir: string): { npm: string; stdout: string } {
  const bin = tempDir("kf-fake-npm-");
  const log = join(bin, "npm.log");
  writeFileSync(join(bin, "npm"), `#!/bin/sh\necho "$@" >> "${log}"\n`, { mode: 0o755 });
  const step = installStep();
  const r = spawnSync("bash", ["-e", "-c", step.run!], { cwd: dir, env: { ...process.env, ...step.env, PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8" });
  expect(r.status).toBe(0);
  return { npm: existsSync(log) ? readFileSync(log, "utf8").trim() : "", stdout: r.stdout };
}

describe("release trees", () => {
  it("release-commit tags HEAD plus dist/ without moving a branch; that tree needs no compiler", () => {
    const clone = join(tempDir("kf-release-"), "repo");
    execFileSync("git", ["clone", "-q", REPO_ROOT, clone]);
    symlinkSync(join(REPO_ROOT, "node_modules"), join(clone, "node_modules"));
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: clone, encoding: "utf8" }).trim();
    execFileSync(process.execPath, [join(clone, "scripts/release-commit.mjs"), "v9.9.9", "--move", "v9"], { cwd: clone, stdio: "ignore" });
    const git = (...a: string[]) => execFileSync("git", a, { cwd: clone, encoding: "utf8" }).trim();
    expect(git("rev-parse", "HEAD")).toBe(head);
    expect(git("status", "--porcelain", "--untracked-files=no")).toBe("");
    expect(git("rev-parse", "v9.9.9^{commit}")).toBe(git("rev-parse", "v9^{commit}"));
    expect(git("rev-parse", "v9.9.9^{commit}^")).toBe(head);
    const files = git("ls-tree", "-r", "--name-only", "v9.9.9").split("\n");
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/builtin-rules.json");
    expect(files).toContain("dist/keyword-tables.bin");
    expect(files).toContain("dist/cli/main.js");
    expect(files).toContain("dist/bundle/keyfence.js");

    // The tree as the Action or pre-commit checks it out: prepare needs nothing from devDependencies.
    const tree = tempDir("kf-release-tree-");
    execFileSync("sh", ["-c", `git -C "${clone}" archive v9.9.9 | tar -x -C "${tree}"`]);
    const prepare = spawnSync(process.execPath, ["scripts/prepare.mjs"], { cwd: tree, encoding: "utf8" });
    expect(prepare.status).toBe(0);
    expect(prepare.stdout + prepare.stderr).toBe("");
    // The Action installs runtime dependencies only there.
    expect(runInstallStep(tree).npm).toBe("ci --omit=dev --no-audit --no-fund --loglevel=error");
    // And the CLI runs from it (runtime modules linked in, as npm ci --omit=dev would provide them).
    symlinkSync(join(REPO_ROOT, "node_modules"), join(tree, "node_modules"));
    const v = spawnSync(process.execPath, ["bin/keyfence.js", "--version"], { cwd: tree, encoding: "utf8" });
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).version);
  }, 120_000);

  it("a ref without dist/ makes the Action warn and build from source", () => {
    const tree = tempDir("kf-no-dist-");
    mkdirSync(join(tree, "scripts"));
    const r = runInstallStep(tree);
    expect(r.npm).toBe("ci --no-audit --no-fund");
    expect(r.stdout).toMatch(/^::warning title=keyfence::this ref of keyfence has no prebuilt dist\//m);
    rmSync(tree, { recursive: true, force: true });
  });

  it("prepare refuses a tree with neither dist/ nor TypeScript (one line, exit 1)", () => {
    const tree = tempDir("kf-bare-");
    mkdirSync(join(tree, "scripts"));
    writeFileSync(join(tree, "package.json"), "{}");
    writeFileSync(join(tree, "scripts/prepare.mjs"), readFileSync(join(REPO_ROOT, "scripts/prepare.mjs")));
    const r = spawnSync(process.execPath, ["scripts/prepare.mjs"], { cwd: tree, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("use a release tag");
  });
});
