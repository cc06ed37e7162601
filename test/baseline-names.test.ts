// A baseline file is input like any other: its paths, review notes and redacted forms are names that
// someone wrote, maybe by hand, maybe in a hostile pull request. Whatever keyfence prints from one
// (baseline prune and check, doctor's baseline check, errors naming an entry) passes through the
// same scrubber as every other name: a token in a path is shown redacted, a control character as an
// escape. The file itself keeps the exact path, which is what an entry matches.
import { afterAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fingerprintOf, keyId } from "../src/finding/fingerprint.js";
import { expandExample } from "../src/rules/example-template.js";
import { runDoctor } from "../src/doctor/doctor.js";
import { renderDoctorJson, renderDoctorText } from "../src/doctor/render.js";
import { runCli } from "./helpers/cli.js";
import { TempRepo, cleanupTempDirs } from "./helpers/git-repo.js";

afterAll(cleanupTempDirs);

// A generated, clearly fake GitHub token (src/rules/example-template.ts): 30 random characters and the
// CRC32 check the github-pat rule verifies, so the scrubber recognises it as a credential.
const token = expandExample("ghp_{{crc32-base62:30}}", "baseline-names");
const ESC = "\x1b[2K";
const hostilePath = `deploy/${token}/${ESC}prod.env`;
const key = randomBytes(32);
const env = { KEYFENCE_FINGERPRINT_KEY: key.toString("hex") };

function entry(path: string, review: Record<string, string>) {
  const ruleId = "stripe-secret-key-live";
  const secretDigest = "b".repeat(64);
  return { fingerprint: fingerprintOf(ruleId, path, secretDigest), ruleId, path, secretDigest, redacted: `sk_live_••••${ESC}abcd`, severity: "critical", added: "2024-01-01", ...review };
}

function baselineOf(entries: object[], id = keyId(key)): string {
  return JSON.stringify({ version: 2, keyId: id, entries }, null, 2) + "\n";
}

function expectSafe(...outputs: string[]): void {
  for (const o of outputs) {
    expect(o).not.toContain(token);
    expect(o).not.toContain("\x1b");
  }
}

function repoWith(baseline: string): TempRepo {
  const repo = TempRepo.init();
  repo.write("README.md", "nothing to see\n");
  repo.write(".keyfence-baseline.json", baseline);
  return repo;
}

describe("baseline entries are names", () => {
  const hostile = entry(hostilePath, { reviewer: `mallory${ESC}`, reason: "fixture", ticket: `SEC-1 ${token}`, expires: "2020-01-01" });

  it("baseline prune and check print an entry's path, notes and redacted form scrubbed and escaped", async () => {
    const repo = repoWith(baselineOf([hostile]));
    const prune = await runCli(["baseline", "prune", "--dry-run"], { cwd: repo.dir, env });
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toMatch(/^stale: deploy\/ghp_[^\n]*\/\\x1b\[2Kprod\.env {2}stripe-secret-key-live/m);
    const check = await runCli(["baseline", "check"], { cwd: repo.dir, env });
    expect(check.stderr).toMatch(/expired: deploy\/ghp_[^\n]*\\x1b\[2Kprod\.env/);
    expect(check.stderr).toMatch(/stale \(run 'keyfence baseline prune'\): /);
    expectSafe(prune.stdout, prune.stderr, check.stdout, check.stderr);
  });

  it("a baseline file whose own name holds a token is named redacted", async () => {
    const repo = repoWith("");
    const file = `baseline-${token}.json`;
    writeFileSync(join(repo.dir, file), baselineOf([entry("README.md", { reason: "r" })]));
    const prune = await runCli(["baseline", "prune", "--dry-run", "--file", file], { cwd: repo.dir, env });
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stderr).toMatch(/^keyfence: baseline .*baseline-ghp_/m);
    expectSafe(prune.stdout, prune.stderr);
  });

  it("doctor's baseline check lists expired and unowned entries scrubbed, in text and JSON", async () => {
    const repo = repoWith(baselineOf([hostile, entry(`${token}.env`, {})]));
    const report = await runDoctor({ cwd: repo.dir, env: { ...process.env, ...env }, now: new Date("2024-06-01T00:00:00Z") });
    const check = report.checks.find((c) => c.id === "baseline")!;
    expect(check.status).toBe("fail");
    expect(check.found.join("\n")).toContain("deploy/ghp_");
    const text = renderDoctorText(report);
    expect(text).toContain("\\x1b[2Kprod.env");
    expectSafe(text);
    // JSON for dashboards keeps control characters to JSON's escaping, but never the token.
    expect(renderDoctorJson(report)).not.toContain(token);
  });

  it("an error naming a bad entry, in doctor and in the CLI, never quotes the token", async () => {
    const bad = { ...entry(`../${token}`, {}), fingerprint: "c".repeat(32) };
    const repo = repoWith(baselineOf([bad]));
    const report = await runDoctor({ cwd: repo.dir, env: { ...process.env, ...env }, now: new Date("2024-06-01T00:00:00Z") });
    expect(report.checks.find((c) => c.id === "baseline")!.status).toBe("fail");
    expectSafe(renderDoctorText(report));
    expect(renderDoctorJson(report)).not.toContain(token);
    const check = await runCli(["baseline", "check"], { cwd: repo.dir, env });
    expect(check.code).toBe(2);
    expectSafe(check.stdout, check.stderr);
  });
});
