// Keyed fingerprints: one key per repository (KEYFENCE_FINGERPRINT_KEY in CI, the clone's
// .git/keyfence/fingerprint.key elsewhere), baselines that say which key wrote them and match on any
// machine with that key, refuse any other key in one line, and convert from the unkeyed first format
// with `keyfence baseline migrate`.
import { afterAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { TempRepo, cleanupTempDirs, cli } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";
import { createScanner } from "../src/scanner.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { fingerprintOf, keyId, secretDigest, sha256Hex } from "../src/finding/fingerprint.js";

afterAll(cleanupTempDirs);

const live = (salt: string) => positive("stripe-secret-key-live", 0, salt);

function repoWithKey(salt: string): TempRepo {
  const repo = TempRepo.init();
  repo.write("config/app.env", `${live(salt)}\n`);
  return repo;
}

describe("the fingerprint key", () => {
  it("is drawn once per clone (mode 600, in the git folder), and the same key gives the same fingerprints", async () => {
    const repo = repoWithKey("clone");
    const first = await cli(["scan", ".", "--format", "json"], repo.dir, repo.env);
    const file = join(repo.dir, ".git", "keyfence", "fingerprint.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await cli(["scan", ".", "--format", "json"], repo.dir, repo.env);
    const fp = (r: { stdout: string }) => (JSON.parse(r.stdout) as { findings: { fingerprint: string; secretDigest: string }[] }).findings.map((f) => [f.fingerprint, f.secretDigest]);
    expect(fp(second)).toEqual(fp(first));
    // The key file is not a report: nothing in the output is the key.
    expect(first.stdout).not.toContain(readFileSync(file, "utf8").trim());
    const id = await cli(["key", "id"], repo.dir, repo.env);
    expect(id.stdout).toMatch(/^[0-9a-f]{8} {2}.*fingerprint\.key\n$/);
  });

  it("from the environment wins, and different keys give unlinkable digests", () => {
    const text = `${live("env")}\n`;
    const [a, b] = [randomBytes(32), randomBytes(32)].map((key) => createScanner({ fingerprintKey: key }).scanBuffer(text, { path: "a.env" })[0]!);
    expect(a.secretDigest).not.toBe(b.secretDigest);
    expect(a.fingerprint).not.toBe(b.fingerprint);
    const key = randomBytes(32);
    const f = createScanner({ fingerprintKey: key }).scanBuffer(text, { path: "a.env" })[0]!;
    expect(f.secretDigest).toBe(secretDigest(key, revealSecret(f)!));
    expect(f.secretDigest).not.toBe(sha256Hex(revealSecret(f)!));
  });

  it("makes baselines portable: export on one clone, import on another, CI through the variable", async () => {
    const a = repoWithKey("portable");
    expect((await cli(["baseline", "create", "--reviewer", "sec", "--reason", "fixture"], a.dir, a.env)).code).toBe(0);
    const baseline = readFileSync(join(a.dir, ".keyfence-baseline.json"), "utf8");
    const exported = (await cli(["key", "export"], a.dir, a.env)).stdout.trim();
    expect(exported).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(baseline).keyId).toBe(keyId(Buffer.from(exported, "hex")));

    // A second clone (same files, same baseline) with its own key refuses the baseline in one line…
    const b = repoWithKey("portable");
    writeFileSync(join(b.dir, ".keyfence-baseline.json"), baseline);
    const refused = await cli(["scan", "."], b.dir, b.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/written with fingerprint key [0-9a-f]{8}, this run has [0-9a-f]{8}: .*keyfence key import/);
    // …and, once the repository's key is imported, accepts it.
    rmSync(join(b.dir, ".git", "keyfence"), { recursive: true });
    const { main } = await import("../src/cli/main.js");
    let out = "";
    const code = await main(["key", "import"], { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, stdin: [Buffer.from(`${exported}\n`)], env: b.env, cwd: b.dir });
    expect(code).toBe(0);
    expect(out).toMatch(/^[0-9a-f]{8} /);
    expect((await cli(["scan", "."], b.dir, b.env)).code).toBe(0);
    // CI: a fresh clone with the secret in the environment.
    const c = repoWithKey("portable");
    writeFileSync(join(c.dir, ".keyfence-baseline.json"), baseline);
    expect((await cli(["scan", "."], c.dir, { ...c.env, KEYFENCE_FINGERPRINT_KEY: exported })).code).toBe(0);
    expect((await cli(["scan", "."], c.dir, { ...c.env, KEYFENCE_FINGERPRINT_KEY: "not-a-key" })).stderr).toMatch(/KEYFENCE_FINGERPRINT_KEY: a fingerprint key is 64 hex characters/);
  });

  it("keyfence key digest gives what allowlist.secretDigests accepts", async () => {
    const repo = repoWithKey("digest");
    const scanner = createScanner();
    const secret = revealSecret(scanner.scanBuffer(live("digest"), { path: "x" })[0]!)!;
    const { main } = await import("../src/cli/main.js");
    let out = "";
    await main(["key", "digest"], { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, stdin: [Buffer.from(`${secret}\n`)], env: repo.env, cwd: repo.dir });
    const digest = out.trim();
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await cli(["scan", "."], repo.dir, repo.env)).code).toBe(1);
    repo.write("keyfence.config.json", JSON.stringify({ allowlist: { secretDigests: [digest] } }));
    expect((await cli(["scan", "."], repo.dir, repo.env)).code).toBe(0);
  });
});

describe("keyfence baseline migrate", () => {
  it("converts a first-format baseline (unkeyed SHA-256) in one command, keeping review notes", async () => {
    const repo = TempRepo.init();
    const kept = live("migrate-kept");
    const moved = live("migrate-moved");
    repo.write("config/app.env", `${kept}\n`);
    repo.write("config/new-name.env", `${moved}\n`);
    const secrets = [kept, moved].map((t) => revealSecret(createScanner().scanBuffer(t, { path: "x" })[0]!)!);
    const old = (path: string, secret: string, notes: object) => ({ fingerprint: fingerprintOf("stripe-secret-key-live", path, sha256Hex(secret)), ruleId: "stripe-secret-key-live", path, secretHash: sha256Hex(secret), added: "2025-01-02", ...notes });
    const v1 = {
      version: 1,
      entries: [
        old("config/app.env", secrets[0]!, { reviewer: "alice", reason: "fixture", ticket: "SEC-1", expires: "2999-01-01" }),
        old("config/old-name.env", secrets[1]!, { reviewer: "bob", reason: "revoked" }),
        old("config/gone.env", "a secret no longer anywhere", { reviewer: "carol" }),
      ],
    };
    writeFileSync(join(repo.dir, ".keyfence-baseline.json"), JSON.stringify(v1, null, 2));
    const refused = await cli(["scan", "."], repo.dir, repo.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/baseline format 1 holds unkeyed SHA-256 hashes .* 'keyfence baseline migrate'/);
    const migrated = await cli(["baseline", "migrate"], repo.dir, repo.env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stderr).toMatch(/2 entries kept, 1 whose secret is no longer in the scanned files dropped/);
    const text = readFileSync(join(repo.dir, ".keyfence-baseline.json"), "utf8");
    for (const s of secrets) expect(text).not.toContain(sha256Hex(s));
    const doc = JSON.parse(text) as { version: number; entries: { path: string; reviewer?: string; ticket?: string; expires?: string; added: string; secretHash?: string }[] };
    expect(doc.version).toBe(2);
    expect(doc.entries.map((e) => [e.path, e.reviewer, e.ticket, e.expires, e.added])).toEqual([
      ["config/app.env", "alice", "SEC-1", "2999-01-01", "2025-01-02"],
      ["config/new-name.env", "bob", undefined, undefined, "2025-01-02"],
    ]);
    expect(doc.entries.every((e) => e.secretHash === undefined)).toBe(true);
    expect((await cli(["scan", "."], repo.dir, repo.env)).code).toBe(0);
    expect((await cli(["baseline", "migrate"], repo.dir, repo.env)).stderr).toMatch(/already in the keyed format/);
  });
});
