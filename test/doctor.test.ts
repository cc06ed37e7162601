// `keyfence doctor` on real temporary repositories: a healthy one passes; each kind of problem fails
// (or warns) with what was found and a fix that, when run, makes the check pass.
import { execFileSync, execSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDoctor, type DoctorReport } from "../src/doctor/doctor.js";
import { installHook } from "../src/hooks/install.js";
import { fingerprintOf } from "../src/finding/fingerprint.js";
import { createScanner } from "../src/scanner.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { positive } from "./helpers/secrets.js";
import { BIN, REPO_ROOT, TempRepo, cleanupTempDirs, cli, cliProcess, tempDir } from "./helpers/git-repo.js";

afterAll(cleanupTempDirs);

const NOW = new Date("2026-06-01T12:00:00Z");
const GITIGNORE = ".env\n.env.*\n!.env.example\n*.pem\n*.key\n*.p12\n*.pfx\n*.jks\n*.keystore\n*.ppk\nid_rsa\nid_dsa\nid_ecdsa\nid_ed25519\n*.kdbx\n.pgpass\n.netrc\nnode_modules/\n";
const WORKFLOW = `name: keyfence
on:
  pull_request:
  push:
    branches: [main]
jobs:
  secrets:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: keyfence/keyfence@v1
`;

/** A folder holding an executable named keyfence, to put keyfence on a hook's PATH. */
function keyfencePath(): string {
  const dir = tempDir("kf-bin-");
  symlinkSync(BIN, join(dir, "keyfence"));
  return `${dir}:${process.env.PATH ?? ""}`;
}

function entry(ruleId: string, path: string, secretDigest: string, review: Record<string, string>) {
  return { fingerprint: fingerprintOf(ruleId, path, secretDigest), ruleId, path, secretDigest, redacted: "sk_test_••••••••abcd", severity: "low", added: "2026-01-01", ...review };
}

function baselineFile(entries: object[]): string {
  return JSON.stringify({ version: 2, keyId: "00000000", entries }, null, 2) + "\n";
}

function healthyRepo(): TempRepo {
  const repo = TempRepo.init();
  repo.write(".gitignore", GITIGNORE);
  repo.write(".github/workflows/keyfence.yml", WORKFLOW);
  repo.write("keyfence.config.yaml", "failOn: high\n");
  repo.write(".env.example", "STRIPE_SECRET_KEY=\n");
  repo.write(".keyfence-baseline.json", baselineFile([entry("stripe-secret-key-test", "test/pay.env", "a".repeat(64), { reviewer: "alice@bank.example", reason: "test fixture", ticket: "SEC-1", expires: "2026-12-31" })]));
  repo.git("add", "-A");
  repo.commit("init");
  return repo;
}

const byId = (r: DoctorReport) => Object.fromEntries(r.checks.map((c) => [c.id, c]));

describe("keyfence doctor", () => {
  it("passes a healthy repository (hook installed by keyfence install) and exits 0", async () => {
    const repo = healthyRepo();
    await installHook({ cwd: repo.dir, env: repo.env, launcher: BIN });
    const report = await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW });
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["secret-files-tracked", "pass"],
      ["secret-files-ignored", "pass"],
      ["pre-commit-hook", "pass"],
      ["ci-scanning", "pass"],
      ["baseline", "pass"],
      ["config", "pass"],
    ]);
    const run = cliProcess(["doctor"], repo.dir, repo.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("PASS  Pre-commit hook installed and active");
    expect(run.stdout).toContain(".github/workflows/keyfence.yml job secrets runs keyfence");
    expect(run.stdout).toMatch(/6 checks passed, 0 warnings, 0 failing\.\n$/);
  });

  it("fails a neglected repository, names each problem, and never prints the secret", async () => {
    const repo = TempRepo.init();
    const secret = positive("stripe-secret-key-live", 0, "doctor");
    repo.write("config/.env", `${secret}\n`);
    repo.write(".env.example", "STRIPE_SECRET_KEY=\n");
    // A certificate is public; a .pem holding a private key is not.
    repo.write("certs/ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    repo.write("keyfence.config.yaml", "failOn: loud\n");
    repo.write(".keyfence-baseline.json", baselineFile([
      entry("stripe-secret-key-test", "a.env", "b".repeat(64), { reviewer: "bob", reason: "fixture", expires: "2026-05-01" }),
      entry("stripe-secret-key-test", "b.env", "c".repeat(64), {}),
    ]));
    repo.git("add", "-A");
    repo.commit("init");
    repo.write("deploy/id_rsa", "not tracked, not ignored\n");
    repo.write(".git/hooks/pre-commit", "#!/bin/sh\nnpm test\n");
    chmodSync(join(repo.dir, ".git/hooks/pre-commit"), 0o755);

    const r = byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }));
    expect(r["secret-files-tracked"]).toMatchObject({ status: "fail", found: ["config/.env is tracked"] });
    expect(r["secret-files-tracked"]!.fix).toMatch(/^git rm --cached -- config\/\.env && printf/);
    expect(r["secret-files-ignored"]!.status).toBe("fail");
    expect(r["secret-files-ignored"]!.found[0]).toBe("deploy/id_rsa is not ignored (one 'git add .' from a commit)");
    expect(r["pre-commit-hook"]).toMatchObject({ status: "fail", found: [".git/hooks/pre-commit exists but does not run keyfence"] });
    expect(r["ci-scanning"]).toMatchObject({ status: "fail", found: ["no GitHub workflow or GitLab CI job runs keyfence"] });
    expect(r["baseline"]!.status).toBe("fail");
    expect(r["baseline"]!.found.join("\n")).toContain("a.env stripe-secret-key-test sk_test_••••••••abcd expired 2026-05-01");
    expect(r["baseline"]!.found.join("\n")).toContain("1 without reviewer or reason");
    expect(r["config"]!.status).toBe("fail");
    expect(r["config"]!.found[0]).toMatch(/^keyfence\.config\.yaml:1: key failOn: /);

    const text = cliProcess(["doctor"], repo.dir, repo.env);
    expect(text.code).toBe(1);
    const json = cliProcess(["doctor", "--format", "json"], repo.dir, repo.env);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ status: "fail", summary: { pass: 0, fail: 6 } });
    const raw = revealSecret(createScanner().scanBuffer(secret, { path: "x.env" })[0]!)!;
    for (const out of [text.stdout, text.stderr, json.stdout]) expect(out).not.toContain(raw);
  });

  it("the fixes it prints for secret files work when run", async () => {
    const repo = TempRepo.init();
    repo.commitFile("app/.env.production", "DB_PASSWORD=${DB_PASSWORD}\n");
    repo.write("keys/release.keystore", "binary\n");
    for (const id of ["secret-files-tracked", "secret-files-ignored"]) {
      const check = byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))[id]!;
      expect(check.status).toBe("fail");
      execSync(check.fix!, { cwd: repo.dir, env: repo.env, shell: "/bin/sh" });
    }
    const after = byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }));
    expect(after["secret-files-tracked"]!.status).toBe("pass");
    expect(after["secret-files-ignored"]!.status).toBe("pass");
    expect(repo.git("check-ignore", "app/.env.production").trim()).toBe("app/.env.production");
    // Templates stay committable.
    expect(repo.tryGit(["check-ignore", "-q", ".env.example"]).code).toBe(1);
  });

  it("husky: the line alone is not enough; husky must be set up in the clone, and keyfence findable", async () => {
    const repo = TempRepo.init();
    repo.write("package.json", JSON.stringify({ name: "app", private: true, devDependencies: { husky: "9.1.7" } }));
    repo.write(".husky/pre-commit", "keyfence staged\n");
    repo.commitFile(".gitignore", GITIGNORE);
    let hook = byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))["pre-commit-hook"]!;
    expect(hook).toMatchObject({ status: "fail", fix: expect.stringMatching(/^npx husky/) });
    expect(hook.found[1]).toMatch(/core\.hooksPath is not set/);
    execFileSync(process.execPath, [join(REPO_ROOT, "node_modules/husky/bin.js")], { cwd: repo.dir, env: repo.env, stdio: "ignore" });
    hook = byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))["pre-commit-hook"]!;
    expect(hook).toMatchObject({ status: "warn", fix: "npm install --save-dev --save-exact keyfence" });
    const env = { ...repo.env, PATH: keyfencePath() };
    hook = byId(await runDoctor({ cwd: repo.dir, env, now: NOW }))["pre-commit-hook"]!;
    expect(hook).toMatchObject({ status: "pass", found: [".husky/pre-commit runs keyfence staged", "core.hooksPath is .husky/_"] });
    // A commented-out line does not count.
    repo.write(".husky/pre-commit", "# keyfence staged\nnpm test\n");
    expect(byId(await runDoctor({ cwd: repo.dir, env, now: NOW }))["pre-commit-hook"]!.status).toBe("fail");
  });

  it("a hook git would skip (not executable) fails with the chmod that fixes it", async () => {
    const repo = healthyRepo();
    await installHook({ cwd: repo.dir, env: repo.env, launcher: BIN });
    chmodSync(join(repo.dir, ".git/hooks/pre-commit"), 0o644);
    const hook = byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))["pre-commit-hook"]!;
    expect(hook).toMatchObject({ status: "fail", fix: "chmod +x .git/hooks/pre-commit" });
    execSync(hook.fix!, { cwd: repo.dir });
    expect(byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))["pre-commit-hook"]!.status).toBe("pass");
  });

  it("CI: a commented-out step does not count; GitLab without full history warns; warnings exit 0", async () => {
    const repo = healthyRepo();
    await installHook({ cwd: repo.dir, env: repo.env, launcher: BIN });
    repo.write(".github/workflows/keyfence.yml", WORKFLOW.replace("      - uses: keyfence/keyfence@v1", "      # - uses: keyfence/keyfence@v1\n      - run: npm test"));
    expect(byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))["ci-scanning"]!.status).toBe("fail");
    rmSync(join(repo.dir, ".github"), { recursive: true });
    repo.write(".gitlab-ci.yml", "keyfence:\n  image: node:20\n  script:\n    - npx --yes keyfence ci --fail-on high\n");
    const ci = byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))["ci-scanning"]!;
    expect(ci).toMatchObject({ status: "warn", fix: `add 'variables: { GIT_DEPTH: "0" }' to that job` });
    expect(ci.found[0]).toBe(".gitlab-ci.yml job keyfence runs keyfence");
    const run = await cli(["doctor"], repo.dir, repo.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("WARN  CI scans for credentials");
    repo.write(".gitlab-ci.yml", "variables:\n  GIT_DEPTH: \"0\"\nkeyfence:\n  script: [\"npx --yes keyfence ci\"]\n");
    expect(byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))["ci-scanning"]!.status).toBe("pass");
  });

  it("baseline entries without an expiry, or expiring soon, warn", async () => {
    const repo = healthyRepo();
    repo.write(".keyfence-baseline.json", baselineFile([entry("stripe-secret-key-test", "x.env", "d".repeat(64), { reviewer: "a", reason: "b" })]));
    expect(byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))["baseline"]).toMatchObject({ status: "warn", found: ["1 without an expiry date (never come up for review)"] });
    repo.write(".keyfence-baseline.json", baselineFile([entry("stripe-secret-key-test", "x.env", "d".repeat(64), { reviewer: "a", reason: "b", expires: "2026-06-10" })]));
    expect(byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))["baseline"]!.status).toBe("warn");
    repo.write(".keyfence-baseline.json", "{ \"version\": 2, \"keyId\": \"00000000\", \"entries\": [ { \"ruleId\": 3 } ] }\n");
    const broken = byId(await runDoctor({ cwd: repo.dir, env: repo.env, now: NOW }))["baseline"]!;
    expect(broken.status).toBe("fail");
    expect(broken.found[0]).toMatch(/\.keyfence-baseline\.json:1: /);
  });

  it("outside a git work tree: one line, exit 2; bad flags: exit 2; --output writes the report atomically", async () => {
    const dir = tempDir();
    const r = cliProcess(["doctor"], dir, process.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`keyfence: ${dir}: not a git repository (use 'keyfence scan' for plain folders)\n`);
    const repo = healthyRepo();
    expect((await cli(["doctor", "--format", "sarif"], repo.dir, repo.env)).stderr).toBe('keyfence: --format: unknown format "sarif" (use text or json)\n');
    mkdirSync(join(repo.dir, "out"));
    const w = await cli(["doctor", "--format", "json", "--output", "out/doctor.json"], repo.dir, repo.env);
    expect(w.stdout).toBe("");
    expect(w.stderr).toMatch(/Report written to out\/doctor\.json\.\n$/);
    expect(JSON.parse(execSync("cat out/doctor.json", { cwd: repo.dir, encoding: "utf8" })).checks).toHaveLength(6);
  });
});
