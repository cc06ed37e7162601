import { afterEach, describe, expect, it } from "vitest";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createScanner } from "../src/scanner.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { BaselineMatcher, dayOf, loadBaseline, serializeBaseline, type Baseline } from "../src/policy/baseline.js";
import { fingerprintOf } from "../src/finding/fingerprint.js";
import { runCli } from "./helpers/cli.js";
import { positive } from "./helpers/secrets.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "kf-baseline-"));
  dirs.push(root);
  mkdirSync(join(root, ".git"));
  for (const [rel, content] of Object.entries(files)) write(root, rel, content);
  return root;
}

function write(root: string, rel: string, content: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

/** The raw secrets in a text, found by the scanner itself, so tests can assert they never leak. */
function secretsIn(...texts: string[]): string[] {
  const scanner = createScanner();
  return texts.flatMap((t) => scanner.scanBuffer(t, { path: "x" }).map((f) => revealSecret(f)!));
}

function expectNoLeak(secrets: string[], ...outputs: string[]): void {
  expect(secrets.length).toBeGreaterThan(0);
  for (const s of secrets) for (const o of outputs) expect(o).not.toContain(s);
}

const live = (salt: string) => positive("stripe-secret-key-live", 0, salt);
const BASELINE = ".keyfence-baseline.json";
const readBaseline = (root: string): Baseline => JSON.parse(readFileSync(join(root, BASELINE), "utf8")) as Baseline;

describe("keyfence baseline", () => {
  it("create records every finding with its review notes and no secret; a scan with it then passes", async () => {
    const a = live("#a");
    const b = positive("aws-access-key-id", 0, "#b");
    const root = repo({ "config/app.env": `${a}\n`, "src/aws.ts": `const k = 1;\n${b}\n` });
    const created = await runCli(["baseline", "create", "--reviewer", "alice", "--reason", "test fixture", "--ticket", "SEC-1", "--expires", "2999-12-31"], { cwd: root });
    expect(created.code).toBe(0);
    const text = readFileSync(join(root, BASELINE), "utf8");
    expectNoLeak(secretsIn(a, b), text, created.stdout, created.stderr);
    const doc = loadBaseline(join(root, BASELINE)); // schema-valid and self-consistent
    expect(doc.entries.map((e) => [e.path, e.ruleId, e.reviewer, e.reason, e.ticket, e.expires, e.added])).toEqual([
      ["config/app.env", "stripe-secret-key-live", "alice", "test fixture", "SEC-1", "2999-12-31", dayOf(new Date())],
      ["src/aws.ts", "aws-access-key-id", "alice", "test fixture", "SEC-1", "2999-12-31", dayOf(new Date())],
    ]);
    // The default file is picked up by the next scan without being named; --no-baseline ignores it.
    expect((await runCli(["scan", "--no-baseline"], { cwd: root })).code).toBe(1);
    expect((await runCli(["scan"], { cwd: root })).code).toBe(0);
    const withBaseline = await runCli(["scan", "--baseline", BASELINE], { cwd: root });
    expect(withBaseline.code).toBe(0);
    expect(withBaseline.stderr).toContain("2 accepted, 0 expired");
    // create refuses to overwrite.
    const again = await runCli(["baseline", "create"], { cwd: root });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("baseline exists");
  });

  it("survives line moves and reformatting; reports only new secrets", async () => {
    const a = live("#move");
    const root = repo({ "app.env": `${a}\n` });
    expect((await runCli(["baseline", "create"], { cwd: root })).code).toBe(0);
    write(root, "app.env", `# header\n\n\n   ${a}   \nOTHER=1\n`);
    expect((await runCli(["scan", "--baseline", BASELINE], { cwd: root })).code).toBe(0);
    const fresh = live("#new");
    write(root, "app.env", `${a}\n${fresh}\n`);
    const res = await runCli(["scan", "--baseline", BASELINE, "--format", "json"], { cwd: root });
    expect(res.code).toBe(1);
    const findings = (JSON.parse(res.stdout) as { findings: { line: number }[] }).findings;
    expect(findings.map((f) => f.line)).toEqual([2]);
  });

  it("follows a renamed file, but reports a copy beside the original", async () => {
    const a = live("#rename");
    const root = repo({ "old/keys.env": `${a}\n` });
    await runCli(["baseline", "create"], { cwd: root });
    copyFileSync(join(root, "old/keys.env"), join(root, "copy.env"));
    const copied = await runCli(["scan", "--baseline", BASELINE, "--format", "json"], { cwd: root });
    expect(copied.code).toBe(1);
    expect((JSON.parse(copied.stdout) as { findings: { path: string }[] }).findings.map((f) => f.path)).toEqual(["copy.env"]);
    rmSync(join(root, "copy.env"));
    mkdirSync(join(root, "new"));
    renameSync(join(root, "old/keys.env"), join(root, "new/keys.env"));
    expect((await runCli(["scan", "--baseline", BASELINE], { cwd: root })).code).toBe(0);
    // update rewrites the entry to the new path and keeps its review notes.
    const before = readBaseline(root).entries[0]!;
    expect((await runCli(["baseline", "update"], { cwd: root })).code).toBe(0);
    const after = readBaseline(root).entries;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ path: "new/keys.env", added: before.added, secretDigest: before.secretDigest });
    expect(after[0]!.fingerprint).toBe(fingerprintOf("stripe-secret-key-live", "new/keys.env", before.secretDigest));
  });

  it("an expired entry blocks again and says why", async () => {
    const a = live("#exp");
    const root = repo({ "app.env": `${a}\n` });
    await runCli(["baseline", "create", "--expires", "2001-01-31", "--ticket", "SEC-9", "--reviewer", "bob"], { cwd: root });
    const res = await runCli(["scan", "--baseline", BASELINE], { cwd: root });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain("Baseline acceptance expired on 2001-01-31 (by bob, ticket SEC-9)");
    expect(res.stderr).toContain("0 accepted, 1 expired");
    // update does not renew it.
    await runCli(["baseline", "update", "--expires", "2999-01-01"], { cwd: root });
    expect(readBaseline(root).entries.map((e) => e.expires)).toEqual(["2001-01-31"]);
    const check = await runCli(["baseline", "check"], { cwd: root });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("expired: app.env  stripe-secret-key-live");
    expectNoLeak(secretsIn(a), res.stdout, res.stderr, check.stdout, check.stderr);
  });

  it("update adds new findings with this run's notes and keeps earlier notes", async () => {
    const root = repo({ "a.env": `${live("#u1")}\n` });
    await runCli(["baseline", "create", "--reviewer", "alice", "--reason", "fixture"], { cwd: root });
    write(root, "b.env", `${live("#u2")}\n`);
    const res = await runCli(["baseline", "update", "--reviewer", "carol", "--reason", "revoked", "--ticket", "SEC-2"], { cwd: root });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("1 added, 0 followed a rename, 1 kept");
    expect(readBaseline(root).entries.map((e) => [e.path, e.reviewer, e.reason, e.ticket])).toEqual([
      ["a.env", "alice", "fixture", undefined],
      ["b.env", "carol", "revoked", "SEC-2"],
    ]);
  });

  it("prune lists and removes entries whose secret is gone (--dry-run leaves the file)", async () => {
    const root = repo({ "a.env": `${live("#p1")}\n`, "b.env": `${live("#p2")}\n` });
    await runCli(["baseline", "create"], { cwd: root });
    write(root, "a.env", "STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}\n");
    const dry = await runCli(["baseline", "prune", "--dry-run"], { cwd: root });
    expect(dry.stdout).toMatch(/^stale: a\.env {2}stripe-secret-key-live {2}sk_live_/);
    expect(readBaseline(root).entries).toHaveLength(2);
    const check = await runCli(["baseline", "check"], { cwd: root });
    expect(check.code).toBe(0);
    expect(check.stderr).toContain("stale (run 'keyfence baseline prune'): a.env");
    const pruned = await runCli(["baseline", "prune"], { cwd: root });
    expect(pruned.code).toBe(0);
    expect(pruned.stderr).toContain("1 stale entry removed");
    expect(readBaseline(root).entries.map((e) => e.path)).toEqual(["b.env"]);
  });

  it("the config's baseline key applies to scans, relative to the config file", async () => {
    const root = repo({ "app.env": `${live("#cfg")}\n`, "security/keyfence.config.json": `{"baseline": "./accepted.json"}`, "package.json": "{}" });
    await runCli(["baseline", "create", "--file", "security/accepted.json"], { cwd: root });
    expect((await runCli(["scan", "--config", "security/keyfence.config.json"], { cwd: root })).code).toBe(0);
    // And the baseline commands use it by default.
    write(root, "keyfence.config.json", `{"baseline": "./security/accepted.json"}`);
    const check = await runCli(["baseline", "check"], { cwd: root });
    expect(check.code).toBe(0);
    expect(check.stderr).toContain(join(root, "security/accepted.json"));
  });

  it("rejects bad baselines with one line naming the file, line and entry; nothing is written", async () => {
    const root = repo({ "app.env": `${live("#bad")}\n` });
    await runCli(["baseline", "create"], { cwd: root });
    const good = readBaseline(root);
    const entry = good.entries[0]!;
    const escape = { ...entry, path: "../outside/app.env", fingerprint: fingerprintOf(entry.ruleId, "../outside/app.env", entry.secretDigest) };
    writeFileSync(join(root, "escape.json"), serializeBaseline({ ...good, entries: [escape] }));
    const res = await runCli(["scan", "--baseline", "escape.json"], { cwd: root });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(new RegExp(`escape\\.json:8: entry ${escape.fingerprint}: "entries\\.0\\.path" must match pattern`));
    for (const bad of ["/etc/passwd", "a/../../b", "C:/x", "..\\x"]) {
      const e = { ...entry, path: bad, fingerprint: fingerprintOf(entry.ruleId, bad, entry.secretDigest) };
      writeFileSync(join(root, "b.json"), serializeBaseline({ ...good, entries: [e] }));
      expect((await runCli(["scan", "--baseline", "b.json"], { cwd: root })).code).toBe(2);
    }
    writeFileSync(join(root, "tampered.json"), serializeBaseline({ ...good, entries: [{ ...entry, path: "other.env" }] }));
    const tampered = await runCli(["scan", "--baseline", "tampered.json"], { cwd: root });
    expect(tampered.stderr).toContain("tampered.json:5: entry");
    expect(tampered.stderr).toContain("fingerprint does not match ruleId, path and secretDigest");
    const missing = await runCli(["baseline", "update", "--file", "nope.json"], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.json: file not found");
    expect(existsSync(join(root, "nope.json"))).toBe(false);
    const badDate = await runCli(["baseline", "create", "--force", "--expires", "2024-02-30"], { cwd: root });
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain("--expires: invalid date");
  });
});

describe("BaselineMatcher", () => {
  it("matches on rule + path + hash; on rule + hash only when the entry's path is gone", () => {
    const hash = "a".repeat(64);
    const entry = { fingerprint: fingerprintOf("r", "x/a.env", hash), ruleId: "r", path: "x/a.env", secretDigest: hash, added: "2024-01-01" };
    const finding = (path: string, ruleId = "r") => ({ ruleId, path, secretDigest: hash, fingerprint: fingerprintOf(ruleId, path, hash) }) as never;
    const present = new BaselineMatcher({ version: 2, keyId: "00000000", entries: [entry] }, { exists: () => true });
    expect(present.judge(finding("x/a.env")).kind).toBe("accepted");
    expect(present.judge(finding("y/a.env")).kind).toBe("new");
    expect(present.judge(finding("x/a.env", "other-rule")).kind).toBe("new");
    const gone = new BaselineMatcher({ version: 2, keyId: "00000000", entries: [entry] }, { exists: () => false });
    expect(gone.judge(finding("y/a.env"))).toMatchObject({ kind: "accepted", renamedFrom: "x/a.env" });
    const expiring = new BaselineMatcher({ version: 2, keyId: "00000000", entries: [{ ...entry, expires: "2024-06-30" }] }, { today: "2024-06-30" });
    expect(expiring.judge(finding("x/a.env")).kind).toBe("accepted"); // the last day still holds
    const expired = new BaselineMatcher({ version: 2, keyId: "00000000", entries: [{ ...entry, expires: "2024-06-30" }] }, { today: "2024-07-01" });
    expect(expired.judge(finding("x/a.env")).kind).toBe("expired");
    expect(expired.stale()).toEqual([]);
    expect(new BaselineMatcher({ version: 2, keyId: "00000000", entries: [entry] }).stale()).toEqual([entry]);
  });
});
