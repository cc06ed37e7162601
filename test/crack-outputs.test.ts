// No output lets anyone recover a secret faster than by guessing a random value. An attacker holding
// every file keyfence writes (text, JSON, SARIF, GitLab, GitHub annotations and step summary, a report
// file, the baseline, the audit log, the rotation report in Markdown and HTML) tries to recover a
// card number whose BIN and last four digits show in the redacted form, and a dictionary password
// in a connection URI, by testing every candidate against every digest in those files — with every
// unkeyed construction (the SHA-256 keyfence used to write, the fingerprint built on it, the usual
// hashes, HMACs under guessable keys). It must fail; the same cracker run against the old format
// succeeds, so the test can fail.
import { afterAll, describe, expect, it } from "vitest";
import { createHash, createHmac } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TempRepo, cleanupTempDirs, cli } from "./helpers/git-repo.js";
import { fingerprintOf, sha256Hex } from "../src/finding/fingerprint.js";

afterAll(cleanupTempDirs);

const LONG = Number(process.env.FUZZ_RUNS ?? 0) > 0;

function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** A card number from `bin`, random middle digits and a last four that makes it pass Luhn. */
function makePan(bin: string, length: number): string {
  for (;;) {
    const middle = Array.from({ length: length - bin.length - 4 }, () => Math.floor(Math.random() * 10)).join("");
    const tail3 = String(Math.floor(Math.random() * 1000)).padStart(3, "0");
    for (let c = 0; c < 10; c++) {
      const pan = `${bin}${middle}${tail3}${c}`;
      if (luhnOk(pan)) return pan;
    }
  }
}

/** Every PAN an attacker must try: BIN and last four known, the middle unknown, Luhn-valid. */
function panCandidates(bin: string, last4: string, length: number): string[] {
  const unknown = length - bin.length - 4;
  const out: string[] = [];
  for (let m = 0; m < 10 ** unknown; m++) {
    const pan = `${bin}${String(m).padStart(unknown, "0")}${last4}`;
    if (luhnOk(pan)) out.push(pan);
  }
  return out;
}

/** The dictionary: seasons and months × years × the usual suffixes (the password is in it). */
function dictionary(): string[] {
  const words = ["Summer", "Winter", "Spring", "Autumn", "Fall", "Password", "Welcome", "Company", "January", "December", "Changeme", "Admin"];
  const suffixes = ["", "!", "x", "1", "#", "?", "@", "01", "123"];
  const out: string[] = [];
  for (const w of words) for (let y = 2015; y <= 2030; y++) for (const s of suffixes) out.push(`${w}${y}${s}`, `${w.toLowerCase()}${y}${s}`);
  return out;
}

/** What an attacker without the key can compute from a candidate, knowing the rule id and path. */
function unkeyedDigests(candidate: string, context: { ruleIds: string[]; paths: string[] }): string[] {
  const sha = sha256Hex(candidate);
  const out = [sha, createHash("sha1").update(candidate).digest("hex"), createHash("md5").update(candidate).digest("hex"), createHash("sha512").update(candidate).digest("hex")];
  for (const guess of ["", "keyfence", ...context.ruleIds, ...context.paths]) out.push(createHmac("sha256", guess).update(candidate).digest("hex"), createHmac("sha256", guess).update(`keyfence/secret/v2\0${candidate}`).digest("hex"));
  for (const r of context.ruleIds) for (const p of context.paths) out.push(fingerprintOf(r, p, sha));
  return out;
}

/** Every hex run long enough to be a digest, and its prefixes of the lengths outputs use. */
function digestsIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[0-9a-f]{12,}/g)) {
    out.add(m[0]);
    for (const n of [12, 16, 32, 40, 64]) if (m[0].length > n) out.add(m[0].slice(0, n));
  }
  return out;
}

function crack(candidates: string[], outputs: string, context: { ruleIds: string[]; paths: string[] }): string | undefined {
  const seen = digestsIn(outputs);
  for (const c of candidates) for (const d of unkeyedDigests(c, context)) for (const n of [d, d.slice(0, 12), d.slice(0, 16), d.slice(0, 32)]) if (seen.has(n)) return c;
  return undefined;
}

describe("no output gives a secret back to a guessing attacker", () => {
  const [bin, length] = LONG ? ["453275", 16] : ["371449", 15];
  const pan = makePan(bin, length);
  const password = "Summer2024x";
  const repo = TempRepo.init();
  const file = "config/payments.env";
  repo.write(file, `# payments\ncard_number = "${pan}"\nDATABASE_URL=postgres://ledger:${password}@db.prod.bank.internal:5432/ledger\n`);
  repo.git("add", "-A");
  repo.commit("payments config");

  it("from every output format, the baseline, the audit log and the rotation report", async () => {
    const outputs: string[] = [];
    const audit = join(repo.dir, "audit.jsonl");
    for (const format of ["text", "json", "sarif", "gitlab", "github-annotations", "github-summary"]) {
      const r = await cli(["scan", ".", "--format", format, "--audit-log", audit], repo.dir, repo.env);
      expect(r.code, r.stderr).toBe(1);
      outputs.push(r.stdout, r.stderr);
    }
    const out = join(repo.dir, "report.sarif");
    expect((await cli(["scan", ".", "--format", "sarif", "--output", out], repo.dir, repo.env)).code).toBe(1);
    outputs.push(readFileSync(out, "utf8"));
    expect((await cli(["baseline", "create", "--reviewer", "sec", "--reason", "test"], repo.dir, repo.env)).code).toBe(0);
    outputs.push(readFileSync(join(repo.dir, ".keyfence-baseline.json"), "utf8"), readFileSync(audit, "utf8"));
    const history = await cli(["history", "--format", "json", "--no-baseline"], repo.dir, repo.env);
    expect(history.code).toBe(1);
    outputs.push(history.stdout);
    const saved = join(repo.dir, "history.json");
    writeFileSync(saved, history.stdout);
    for (const format of ["markdown", "html"]) {
      const r = await cli(["report", "--from", saved, "--format", format], repo.dir, repo.env);
      expect(r.code, r.stderr).toBe(0);
      outputs.push(r.stdout);
    }
    const all = outputs.join("\n");
    // The findings are there (the attacker is granted the BIN and last four, which redacted forms of
    // 16-digit PANs show)…
    expect(all).toContain("pci-card-pan");
    expect(all).toContain("database-uri-password");
    expect(all).not.toContain(pan);
    expect(all).not.toContain(password);
    const context = { ruleIds: ["pci-card-pan", "database-uri-password"], paths: [file] };
    // …and the cracker is real: against the format keyfence used to write, it recovers both.
    const oldFormat = [sha256Hex(pan), fingerprintOf("pci-card-pan", file, sha256Hex(pan)), sha256Hex(password)].join("\n");
    expect(crack(panCandidates(bin, pan.slice(-4), length), oldFormat, context)).toBe(pan);
    expect(crack(dictionary(), oldFormat, context)).toBe(password);
    // Against everything keyfence writes now, it recovers neither.
    const candidates = panCandidates(bin, pan.slice(-4), length);
    expect(candidates).toContain(pan);
    expect(crack(candidates, all, context)).toBeUndefined();
    expect(dictionary()).toContain(password);
    expect(crack(dictionary(), all, context)).toBeUndefined();
  }, 120_000);
});

