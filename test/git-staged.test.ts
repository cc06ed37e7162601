// `keyfence staged` against real git: the index (not the working tree), only added lines, first
// commits, renames, copies, deletions, binaries, odd file names; and never a raw secret in output.
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync } from "node:fs";
import { createScanner } from "../src/scanner.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { scanStaged } from "../src/index.js";
import { positive } from "./helpers/secrets.js";
import { TempRepo, cleanupTempDirs, cli, cliProcess, tempDir, gitTestEnv } from "./helpers/git-repo.js";
import type { Finding } from "../src/types.js";

afterAll(cleanupTempDirs);

const scanner = createScanner();

/** The raw secret inside a generated example line (to assert that it never appears in output). */
function secretOf(text: string): string {
  const f = scanner.scanBuffer(text, { path: "x" })[0];
  if (!f) throw new Error("example produced no finding");
  return revealSecret(f)!;
}

const stripe = (salt: string) => positive("stripe-secret-key-live", 0, salt);

async function staged(repo: TempRepo, args: string[] = []) {
  const r = await cli(["staged", "--format", "json", ...args], repo.dir, repo.env);
  const doc = r.stdout ? (JSON.parse(r.stdout) as { findings: Finding[]; notices: { path: string; reason: string }[] }) : { findings: [], notices: [] };
  return { ...r, findings: doc.findings, notices: doc.notices };
}

describe("keyfence staged", () => {
  it("works before the first commit and reports the staged line", async () => {
    const repo = TempRepo.init();
    repo.write("config/pay.env", `# payments\nMODE=live\n${stripe("first")}\n`);
    const before = await staged(repo);
    expect(before.code).toBe(0);
    expect(before.findings).toEqual([]);
    repo.git("add", "-A");
    const r = await staged(repo);
    expect(r.code).toBe(1);
    expect(r.findings.map((f) => [f.path, f.line, f.ruleId])).toEqual([["config/pay.env", 3, "stripe-secret-key-live"]]);
  });

  it("judges the index, not the working tree", async () => {
    const repo = TempRepo.init();
    repo.commitFile("app.env", "MODE=test\n");
    // Secret only in the working tree: nothing staged, nothing to block.
    repo.write("app.env", `MODE=test\n${stripe("wt")}\n`);
    expect((await staged(repo)).code).toBe(0);
    // Secret staged, then removed from the working tree: the commit would still record it.
    repo.git("add", "app.env");
    repo.write("app.env", "MODE=test\nKEY=${STRIPE_SECRET_KEY}\n");
    const r = await staged(repo);
    expect(r.code).toBe(1);
    expect(r.findings[0]).toMatchObject({ path: "app.env", line: 2 });
  });

  it("judges a partially staged file by its staged content", async () => {
    const repo = TempRepo.init();
    repo.commitFile("a.txt", "one\ntwo\nthree\n");
    // Stage a version with the secret on line 2; leave a different working copy (as `git add -p` does).
    const stagedText = `one\n${stripe("partial")}\ntwo\nthree\n`;
    repo.write("a.txt", stagedText);
    repo.git("add", "a.txt");
    repo.write("a.txt", "one\ntwo\nthree\nfour\n");
    const r = await staged(repo);
    expect(r.findings.map((f) => f.line)).toEqual([2]);
  });

  it("does not block on a secret already in HEAD on an untouched line, but does when that line changes", async () => {
    const repo = TempRepo.init();
    repo.commitFile("legacy.env", `A=1\n${stripe("old")}\nB=2\n`);
    repo.write("legacy.env", `A=1\n${stripe("old")}\nB=3\nC=4\n`);
    repo.git("add", "legacy.env");
    expect((await staged(repo)).code).toBe(0);
    repo.write("legacy.env", `A=1\n${stripe("new")}\nB=3\nC=4\n`);
    repo.git("add", "legacy.env");
    const r = await staged(repo);
    expect(r.code).toBe(1);
    expect(r.findings.map((f) => f.line)).toEqual([2]);
  });

  it("reports a multi-line PEM key once when the commit adds it, with its first line", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README", "hello\n");
    const pem = positive("private-key-pem", 0, "pem");
    repo.write("deploy/id_rsa", `# deploy key\n${pem}\n`);
    repo.git("add", "-A");
    const r = await staged(repo);
    expect(r.findings.map((f) => [f.ruleId, f.line])).toEqual([["private-key-pem", 2]]);
  });

  it("follows renames (only changed lines count) and treats copies as new content", async () => {
    const repo = TempRepo.init();
    const body = `x=1\n${stripe("moved")}\n${"filler line\n".repeat(20)}`;
    repo.commitFile("old/name.env", body);
    mkdirSync(`${repo.dir}/new`);
    repo.git("mv", "old/name.env", "new/name.env");
    expect((await staged(repo)).findings).toEqual([]);
    // Renamed and edited: the new line is reported at its new path and line.
    repo.write("new/name.env", body + stripe("added-after-move") + "\n");
    repo.git("add", "-A");
    const r = await staged(repo);
    expect(r.findings.map((f) => [f.path, f.line])).toEqual([["new/name.env", 23]]);
    repo.commit("move");
    repo.write("copy.env", body);
    repo.git("add", "copy.env");
    expect((await staged(repo)).findings.map((f) => [f.path, f.line])).toEqual([["copy.env", 2]]);
  });

  it("skips deleted files and scans binary ones for their printable runs (a NUL cannot hide a key)", async () => {
    const repo = TempRepo.init();
    repo.commitFile("gone.env", `${stripe("gone")}\n`);
    repo.git("rm", "-q", "gone.env");
    repo.write("blob.bin", Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(`\n${stripe("bin")}\n`)]));
    repo.git("add", "-A");
    const r = await staged(repo);
    expect(r.code).toBe(1);
    expect(r.findings.map((f) => [f.path, f.line])).toEqual([["blob.bin", 2]]);
    expect(r.notices).toEqual([]);
  });

  it("still sees files that .gitattributes hides from diffs (-diff, binary)", async () => {
    const repo = TempRepo.init();
    repo.commitFile(".gitattributes", "*.lock -diff\n");
    repo.write("deps.lock", `registry=x\n${stripe("lock")}\n`);
    repo.git("add", "-A");
    expect((await staged(repo)).findings.map((f) => [f.path, f.line])).toEqual([["deps.lock", 2]]);
  });

  it("decodes staged UTF-16 files (with a byte-order mark) and keeps their line numbers", async () => {
    const repo = TempRepo.init();
    const text = `first\r\nsecond\r\n${stripe("utf16")}\r\n`;
    repo.write("win.ini", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    repo.git("add", "-A");
    expect((await staged(repo)).findings.map((f) => [f.path, f.line])).toEqual([["win.ini", 3]]);
  });

  it("handles any file name: spaces, quotes, newlines, tabs, backslashes, leading dashes, non-ASCII", async () => {
    const repo = TempRepo.init();
    const names = ["with space.env", 'quote"d.env', "new\nline.env", "tab\there.env", "back\\slash.env", "-rf.env", "naïve-ключ-鍵.env", "dir with space/é.env"];
    names.forEach((n, i) => repo.write(n, `line\n${stripe(`name${i}`)}\n`));
    repo.git("add", "--", ...names);
    const r = await staged(repo);
    expect(r.findings.map((f) => f.path).sort()).toEqual([...names].sort());
    expect(r.findings.every((f) => f.line === 2)).toBe(true);
  });

  it("applies config: path allowlist, exclude and fail-on", async () => {
    const repo = TempRepo.init();
    repo.write("keyfence.config.json", JSON.stringify({ allowlist: { paths: ["fixtures/**"] }, exclude: ["vendor/**"] }));
    repo.write("fixtures/a.env", `${stripe("fx")}\n`);
    repo.write("vendor/b.env", `${stripe("vd")}\n`);
    repo.write("test.env", `${positive("stripe-secret-key-test", 0, "t")}\n`);
    repo.git("add", "-A");
    const r = await staged(repo);
    expect(r.findings.map((f) => f.path)).toEqual(["test.env"]);
    expect(r.code).toBe(0); // a low (test key) finding does not block at the default fail-on
    expect((await staged(repo, ["--fail-on", "low"])).code).toBe(1);
  });

  it("never prints the secret, except in text or JSON with --show-secrets; SARIF and --output work", async () => {
    const repo = TempRepo.init();
    const line = stripe("leak");
    const secret = secretOf(line);
    repo.write("s.env", `${line}\n`);
    repo.git("add", "-A");
    for (const format of ["text", "json", "sarif"]) {
      const r = await cli(["staged", "--format", format], repo.dir, repo.env);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
    const shown = await cli(["staged", "--show-secrets"], repo.dir, repo.env);
    expect(shown.stdout).toContain(secret);
    const sarif = await cli(["staged", "--format", "sarif", "--show-secrets", "--output", "out/r.sarif"], repo.dir, repo.env);
    expect(sarif.code).toBe(1);
    const doc = readFileSync(`${repo.dir}/out/r.sarif`, "utf8");
    expect(doc).not.toContain(secret);
    expect(JSON.parse(doc).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("s.env");
  });

  it("prints the block message: file, line, rule, provider, redacted value, fix, false positive, bypass", async () => {
    const repo = TempRepo.init();
    const line = stripe("block");
    repo.write("pay.env", `A=1\n${line}\n`);
    repo.git("add", "-A");
    const r = await cli(["staged"], repo.dir, repo.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("keyfence blocked this commit: 1 credential");
    expect(r.stderr).toMatch(/pay\.env:2 {2}critical {2}Stripe live secret key \[stripe-secret-key-live\] \(provider: Stripe\) {2}sk_live_•+\w{4}/);
    expect(r.stderr).toContain("environment variable or a secret");
    expect(r.stderr).toContain("critical within 30 days");
    expect(r.stderr).toContain("keyfence:allow <rule-id> -- <reason>"); // the syntax the engine reads: words before "--" are rule ids
    expect(r.stderr).toContain("KEYFENCE_BYPASS=");
    expect(r.stderr).toContain("git commit --no-verify");
    expect(r.stderr).not.toContain(secretOf(line));
  });

  it("reports paths from the repository root when run in a subfolder", async () => {
    const repo = TempRepo.init();
    repo.write("a/b/c.env", `${stripe("sub")}\n`);
    repo.git("add", "-A");
    const r = await cli(["staged", "--format", "sarif"], `${repo.dir}/a/b`, repo.env);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("a/b/c.env");
    expect(sarif.runs[0].originalUriBaseIds["%SRCROOT%"].uri).toMatch(new RegExp(`${repo.dir.split("/").pop()}/$`));
  });

  it("fails closed with one line outside a repository, naming the folder", async () => {
    const dir = tempDir("kf-nogit-");
    const env = gitTestEnv(tempDir("kf-home-"), { GIT_CEILING_DIRECTORIES: dir.replace(/\/[^/]+$/, "") });
    const r = cliProcess(["staged"], dir, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`${dir}: not a git repository`);
    expect(r.stderr).toContain("git commit --no-verify");
  });

  it("fails closed on a bad configuration file", async () => {
    const repo = TempRepo.init();
    repo.write("keyfence.config.json", '{ "failOn": "sometimes" }');
    const r = await cli(["staged"], repo.dir, repo.env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("keyfence.config.json");
    expect(r.stderr).toContain("commit is blocked");
  });

  it("exposes scanStaged as an API with a summary", async () => {
    const repo = TempRepo.init();
    repo.write("k.env", `${stripe("api")}\n`);
    repo.write("clean.txt", "nothing\n");
    repo.git("add", "-A");
    const summary = { files: 0, bytes: 0 } as { files: number; bytes: number; root?: string };
    const out: Finding[] = [];
    for await (const f of scanStaged(scanner, { cwd: repo.dir, env: repo.env }, undefined, summary)) out.push(f);
    expect(out.map((f) => f.path)).toEqual(["k.env"]);
    expect(summary.files).toBe(2);
    expect(summary.root).toBe(repo.git("rev-parse", "--show-toplevel").trim());
  });
});
