// Banking controls beyond detection: environment separation and the audit trail (with the
// deliberate, reasoned bypass of the pre-commit hook), end to end on real temporary repositories.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createScanner } from "../src/scanner.js";
import { withoutUserinfo } from "../src/audit/audit-log.js";
import { ENVIRONMENT_RULES } from "../src/policy/environment.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { TempRepo, cleanupTempDirs, cli } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";
import { sarifErrors } from "./helpers/sarif-schema.js";

afterAll(cleanupTempDirs);

const live = positive("stripe-secret-key-live", 0, "#controls");
const sandbox = positive("stripe-secret-key-test", 0, "#controls");

describe("environment separation", () => {
  const scanner = createScanner();
  const ids = (path: string, text: string) => scanner.scanBuffer(text, { path }).map((f) => f.ruleId);

  it("a live credential in test, fixture, example or development locations is a finding of its own", () => {
    for (const path of ["test/payments.test.ts", "src/__tests__/a.js", "fixtures/keys.env", "examples/checkout.js", ".env.development", "config/app.sandbox.yaml"]) {
      expect(ids(path, live), path).toEqual(["stripe-secret-key-live", ENVIRONMENT_RULES.liveInNonProduction.id]);
    }
    expect(ids("src/payments.ts", live)).toEqual(["stripe-secret-key-live"]);
  });

  it("a sandbox credential in production configuration is a finding of its own", () => {
    for (const path of [".env.production", "deploy/prod/values.yaml", "config/app.production.json"]) {
      expect(ids(path, sandbox), path).toEqual(["stripe-secret-key-test", ENVIRONMENT_RULES.sandboxInProduction.id]);
    }
    expect(ids("test/a.env", sandbox)).toEqual(["stripe-secret-key-test"]);
  });

  it("locations are configurable, control findings can be re-graded, and they carry no secret", () => {
    const custom = createScanner({ config: { environments: { nonProduction: ["qa/**"] }, severity: { [ENVIRONMENT_RULES.liveInNonProduction.id]: "critical" } } });
    const found = custom.scanBuffer(live, { path: "qa/seed.env" });
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([
      ["stripe-secret-key-live", "critical"],
      [ENVIRONMENT_RULES.liveInNonProduction.id, "critical"],
    ]);
    expect(custom.scanBuffer(live, { path: "test/x.env" })).toHaveLength(1);
    const secret = revealSecret(found[0]!)!;
    expect(JSON.stringify(found)).not.toContain(secret);
    expect(found[1]!.fingerprint).not.toBe(found[0]!.fingerprint);
  });

  it("appears in every output format", async () => {
    const repo = TempRepo.init();
    repo.write("test/fixtures/pay.env", `${live}\n`);
    for (const format of ["text", "json", "sarif", "gitlab", "github-annotations", "github-summary"]) {
      const r = await cli(["scan", ".", "--format", format], repo.dir, repo.env);
      expect(r.stdout, format).toContain(ENVIRONMENT_RULES.liveInNonProduction.id);
      if (format === "sarif") expect(sarifErrors(JSON.parse(r.stdout))).toEqual([]);
    }
  });
});

describe("audit trail", () => {
  it("--audit-log appends one line per run and per decision: who, what, when, where, why — no values", async () => {
    const repo = TempRepo.init();
    // keyfence:allow basic-auth-url -- fake userinfo, to prove the audit log strips it
    repo.git("remote", "add", "origin", "https://ci-bot:tok3n-in-url@git.example.test/bank/payments.git");
    repo.git("config", "user.name", "Ada Dev");
    repo.git("config", "user.email", "ada@example.test");
    repo.commitFile("README.md", "hi\n");
    repo.write("app.env", `${live}\n`);
    const log = join(repo.dir, "audit/keyfence.jsonl");
    const first = await cli(["scan", ".", "--audit-log", log], repo.dir, { ...repo.env, GITHUB_ACTOR: "octo", GITHUB_RUN_ID: "42", GITHUB_REPOSITORY: "bank/payments" });
    expect(first.code).toBe(1);
    await cli(["scan", "README.md", "--audit-log", log], repo.dir, repo.env);
    const lines = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const runs = lines.filter((l) => l.type === "run");
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({
      who: { name: "Ada Dev", email: "ada@example.test", ciActor: "octo" },
      what: { command: "scan", findings: 1, blocking: 1, exitCode: 1, bySeverity: { critical: 1 } },
      where: { repository: "https://git.example.test/bank/payments.git", ciRunUrl: "https://github.com/bank/payments/actions/runs/42" },
    });
    expect(runs[0].when).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(runs[1].what).toMatchObject({ findings: 0, exitCode: 0 });
    const decisions = lines.filter((l) => l.type === "decision");
    expect(decisions).toEqual([expect.objectContaining({ decision: "blocked", ruleId: "stripe-secret-key-live", path: "app.env", line: 1 })]);
    const text = readFileSync(log, "utf8");
    expect(text).not.toContain(live.split("=")[1]);
    expect(text).not.toContain("tok3n-in-url");
    expect(withoutUserinfo("ssh://git@host/x.git")).toBe("ssh://host/x.git");
  });

  it("a config key turns it on for every run", async () => {
    const repo = TempRepo.init();
    repo.write("keyfence.config.json", JSON.stringify({ auditLog: "logs/audit.jsonl" }));
    repo.write("x.txt", "nothing\n");
    expect((await cli(["scan", "x.txt"], repo.dir, repo.env)).code).toBe(0);
    expect(existsSync(join(repo.dir, "logs/audit.jsonl"))).toBe(true);
  });
});

describe("hook bypass", () => {
  function stagedRepo() {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "hi\n");
    repo.write("config/pay.env", `${live}\n`);
    repo.git("add", ".");
    return repo;
  }

  it("KEYFENCE_BYPASS with a reason lets the commit through and records who, what and why", async () => {
    const repo = stagedRepo();
    const r = await cli(["staged"], repo.dir, { ...repo.env, KEYFENCE_BYPASS: "incident 4312: hotfix, key revoked already" });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/BYPASSED \(incident 4312: hotfix, key revoked already\): 1 blocking finding\(s\) let through/);
    const gitDir = repo.git("rev-parse", "--absolute-git-dir").trim();
    const lines = readFileSync(join(gitDir, "keyfence-audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: "run", what: { command: "staged", exitCode: 0 }, why: { bypass: "incident 4312: hotfix, key revoked already" } });
    expect(lines[1]).toMatchObject({ type: "decision", decision: "bypassed", ruleId: "stripe-secret-key-live", why: "incident 4312: hotfix, key revoked already" });
  });

  it("a bypass without a reason is refused (exit 2), and the commit stays blocked", async () => {
    const repo = stagedRepo();
    for (const value of ["", "1", "yes", "  "]) {
      const r = await cli(["staged"], repo.dir, { ...repo.env, KEYFENCE_BYPASS: value });
      expect(r.code, JSON.stringify(value)).toBe(2);
      expect(r.stderr).toMatch(/KEYFENCE_BYPASS needs a reason/);
    }
  });

  it("only the hook honours it: a scan in CI is not bypassed", async () => {
    const repo = stagedRepo();
    const r = await cli(["scan", "."], repo.dir, { ...repo.env, KEYFENCE_BYPASS: "please" });
    expect(r.code).toBe(1);
  });
});
