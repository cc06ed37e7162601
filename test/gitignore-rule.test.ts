// ripgrep's .gitignore rule for `keyfence scan` (issue 19 item 2): outside a git work tree .gitignore
// does not apply; inside one, untracked files git ignores are skipped and counted; tracked files are
// always scanned, so the answer does not depend on the folder the scan starts from.
import { afterAll, describe, expect, it } from "vitest";
import { positive } from "./helpers/secrets.js";
import { TempRepo, cleanupTempDirs, cli, tempDir } from "./helpers/git-repo.js";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

afterAll(cleanupTempDirs);

const key = (salt: string) => positive("stripe-secret-key-live", 0, salt);

async function scanJson(dir: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = await cli(["scan", ...args, "--format", "json"], dir, env);
  const doc = JSON.parse(r.stdout) as { findings: { path: string }[]; summary: { ignored?: number; files: number } };
  return { code: r.code, paths: doc.findings.map((f) => f.path), summary: doc.summary };
}

describe(".gitignore follows ripgrep's rule", () => {
  it("outside a git work tree, .gitignore does not apply: ignored-looking files are scanned", async () => {
    const dir = tempDir("kf-plain-");
    writeFileSync(join(dir, ".gitignore"), "*.env\nlogs/\n");
    writeFileSync(join(dir, "prod.env"), `${key("plain1")}\n`);
    mkdirSync(join(dir, "logs"));
    writeFileSync(join(dir, "logs", "app.log"), `${key("plain2")}\n`);
    const env = new TempRepo().env;
    const r = await scanJson(dir, ["."], env);
    expect(r.paths).toEqual(["logs/app.log", "prod.env"]);
    expect(r.summary.ignored).toBe(0);
  });

  it("inside a work tree, untracked ignored files are skipped and the summary says how many", async () => {
    const repo = TempRepo.init();
    repo.commitFile(".gitignore", "*.env\nbuild/\n");
    repo.write("local.env", `${key("un1")}\n`);
    repo.write("build/out.js", `${key("un2")}\n`);
    repo.write("build/more.js", `${key("un3")}\n`);
    repo.write("src/app.js", "const x = 1;\n");
    const r = await scanJson(repo.dir, ["."], repo.env);
    expect(r.paths).toEqual([]);
    // local.env and the build/ folder (listed once): two paths.
    expect(r.summary.ignored).toBe(2);
    const text = await cli(["scan", "."], repo.dir, repo.env);
    expect(text.stdout).toContain("(2 untracked paths skipped: ignored by git; --no-gitignore scans them)");
    // --no-gitignore scans them after all.
    const all = await scanJson(repo.dir, [".", "--no-gitignore"], repo.env);
    expect(all.paths).toEqual(["build/more.js", "build/out.js", "local.env"]);
  });

  it("tracked files are always scanned: a force-added deploy/prod.env gives the same answer from `scan .` and `scan deploy`", async () => {
    const repo = TempRepo.init();
    repo.commitFile(".gitignore", "*.env\n");
    repo.write("deploy/prod.env", `${key("tracked")}\n`);
    repo.git("add", "-f", "deploy/prod.env");
    repo.commit("force-add the deploy env");
    repo.write("deploy/local.env", `${key("untracked")}\n`);
    const fromTop = await scanJson(repo.dir, ["."], repo.env);
    const fromDeploy = await scanJson(repo.dir, ["deploy"], repo.env);
    expect(fromTop.paths).toEqual(["deploy/prod.env"]);
    expect(fromDeploy.paths).toEqual(["deploy/prod.env"]);
    expect(fromTop.code).toBe(1);
    expect(fromDeploy.code).toBe(1);
  });

  it("a tracked file inside an ignored folder is scanned; the folder's untracked files are not", async () => {
    const repo = TempRepo.init();
    repo.commitFile(".gitignore", "secrets/\n");
    repo.write("secrets/kept.env", `${key("in-ignored-dir")}\n`);
    repo.git("add", "-f", "secrets/kept.env");
    repo.commit("force-add");
    repo.write("secrets/scratch.env", `${key("scratch")}\n`);
    const r = await scanJson(repo.dir, ["."], repo.env);
    expect(r.paths).toEqual(["secrets/kept.env"]);
    expect(r.summary.ignored).toBe(1);
  });
});
