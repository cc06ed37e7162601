// The gate judges a change by the trusted configuration: in `git --range` and `ci`, the settings come
// from the base of the range, and a change that weakens them is itself a blocking finding until
// approved. Table: every way a pull request could switch the gate off, each together with a live key.
import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { keyId } from "../src/finding/fingerprint.js";
import { positive } from "./helpers/secrets.js";
import { TempRepo, cleanupTempDirs, cli, tempDir } from "./helpers/git-repo.js";
import { ciCommand } from "../src/cli/commands/ci.js";

afterAll(cleanupTempDirs);

const stripe = (salt: string) => positive("stripe-secret-key-live", 0, salt);

const BASE_CONFIG = { failOn: "medium", allowlist: { paths: ["docs/**"] } };

/** A repository whose main branch has BASE_CONFIG, and a branch that changes `files` and adds a live key. */
function pullRequest(files: Record<string, string>, salt: string): { repo: TempRepo; base: string; head: string } {
  const repo = TempRepo.init();
  repo.write("keyfence.config.json", JSON.stringify(BASE_CONFIG));
  repo.write("README.md", "# app\n");
  repo.write("rules/internal.yaml", INTERNAL_PACK);
  repo.git("add", "-A");
  const base = repo.commit("base");
  repo.git("checkout", "-q", "-b", "feature");
  for (const [path, content] of Object.entries(files)) {
    if (content === "") repo.git("rm", "-q", path);
    else repo.write(path, content);
  }
  repo.write("src/pay.env", `STRIPE_KEY=${stripe(salt)}\n`);
  repo.git("add", "-A");
  const head = repo.commit("feature");
  return { repo, base, head };
}

const INTERNAL_PACK = `provider: Acme
family: internal
rules:
  - id: acme-internal-token
    kind: token
    title: Acme internal token
    severity: high
    keywords: [acmetok_]
    regex: '(acmetok_[a-z0-9]{24})'
    examples:
      match: ['acmetok_{{lower:24}}', 'token: acmetok_{{lower:24}}']
      noMatch: ['acmetok_short', 'acmetok_']
`;

const withPack = (extra: object) => JSON.stringify({ ...BASE_CONFIG, rulePacks: ["rules"], ...extra });

const WEAKENINGS: [string, Record<string, string>, RegExp][] = [
  ["failOn never", { "keyfence.config.json": JSON.stringify({ ...BASE_CONFIG, failOn: "never" }) }, /failOn medium → never/],
  ["failOn critical", { "keyfence.config.json": JSON.stringify({ ...BASE_CONFIG, failOn: "critical" }) }, /failOn medium → critical/],
  ["allowlist every path", { "keyfence.config.json": JSON.stringify({ ...BASE_CONFIG, allowlist: { paths: ["**"] } }) }, /allowlist\.paths broadened: "\*\*"/],
  ["built-in rules off", { "keyfence.config.json": JSON.stringify({ ...BASE_CONFIG, builtinRules: false }) }, /built-in rules turned off/],
  ["a rule downgraded", { "keyfence.config.json": JSON.stringify({ ...BASE_CONFIG, severity: { "stripe-secret-key-live": "info" } }) }, /stripe-secret-key-live downgraded critical → info/],
  ["a rule disabled", { "keyfence.config.json": JSON.stringify({ ...BASE_CONFIG, disableRules: ["stripe-secret-key-live"] }) }, /rules disabled: "stripe-secret-key-live"/],
  ["the source excluded", { "keyfence.config.json": JSON.stringify({ ...BASE_CONFIG, exclude: ["src/**"] }) }, /paths excluded: "src\/\*\*"/],
  ["a stopword for everything", { "keyfence.config.json": JSON.stringify({ ...BASE_CONFIG, allowlist: { ...BASE_CONFIG.allowlist, stopwords: ["sk"] } }) }, /allowlist\.stopwords broadened/],
  ["config moved into package.json, weaker", { "keyfence.config.json": "", "package.json": JSON.stringify({ name: "x", keyfence: { failOn: "never" } }) }, /failOn medium → never/],
  ["extends a weaker file", { "keyfence.config.json": JSON.stringify({ extends: "./weak.json" }), "weak.json": JSON.stringify({ failOn: "never", allowlist: { paths: ["**"] } }) }, /failOn medium → never/],
];

describe("a change that weakens the configuration is judged by the base's, and the weakening blocks", () => {
  it.each(WEAKENINGS)("%s", async (_name, files, weakening) => {
    const { repo, base, head } = pullRequest(files, _name);
    const r = await cli(["git", "--range", `${base}..${head}`, "--format", "json"], repo.dir, repo.env);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: { ruleId: string; redacted: string; blocking: boolean }[] };
    const weak = doc.findings.filter((f) => f.ruleId === "keyfence-config-weakened");
    expect(weak.length).toBeGreaterThan(0);
    expect(weak.every((f) => f.blocking)).toBe(true);
    expect(weak.map((f) => f.redacted).join("\n")).toMatch(weakening);
    // The base's settings still apply: the live key is found and blocks.
    expect(doc.findings.some((f) => f.ruleId === "stripe-secret-key-live" && f.blocking)).toBe(true);
  });

  it("custom rules edited away count too", async () => {
    const { repo, base, head } = pullRequest({ "keyfence.config.json": withPack({}) }, "pack-a");
    // Base now has the pack in use; a second change empties the pack.
    repo.write("rules/internal.yaml", INTERNAL_PACK.replace("'(acmetok_[a-z0-9]{24})'", "'(acmetok_[a-z0-9]{240})'"));
    repo.git("add", "-A");
    const later = repo.commit("narrow the rule");
    const r = await cli(["git", "--range", `${head}..${later}`, "--format", "json"], repo.dir, repo.env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/custom rule acme-internal-token changed/);
    expect(base).toBeTruthy();
  });

  it("baseline entries added by the change block, and the base's (empty) baseline applies", async () => {
    const repo = TempRepo.init();
    // The repository's fingerprint key, as CI would have it; the base's (empty) baseline is keyed with it.
    const key = randomBytes(32);
    repo.env.KEYFENCE_FINGERPRINT_KEY = key.toString("hex");
    repo.write("keyfence.config.json", JSON.stringify({ baseline: ".keyfence-baseline.json" }));
    repo.write(".keyfence-baseline.json", JSON.stringify({ version: 2, keyId: keyId(key), entries: [] }));
    repo.git("add", "-A");
    const base = repo.commit("base");
    repo.write("src/pay.env", `STRIPE_KEY=${stripe("baseline")}\n`);
    const made = await cli(["baseline", "update", "--reviewer", "me", "--reason", "trust me"], repo.dir, repo.env);
    expect(made.code, made.stderr).toBe(0);
    repo.git("add", "-A");
    const head = repo.commit("key and its acceptance");
    const r = await cli(["git", "--range", `${base}..${head}`], repo.dir, repo.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/baseline entry added for stripe-secret-key-live in "src\/pay\.env" \(reason: "trust me"\)/);
    expect(r.stdout).toMatch(/src\/pay\.env:1:\d+\s+CRITICAL/);
  });

  it("an approval (flag or environment) lets the change's own settings apply, and still lists the weakening", async () => {
    const { repo, base, head } = pullRequest({ "keyfence.config.json": JSON.stringify({ ...BASE_CONFIG, allowlist: { paths: ["src/**"] } }) }, "approved");
    const refused = await cli(["git", "--range", `${base}..${head}`, "--approve-config-change", "yes"], repo.dir, repo.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/needs a reason/);
    for (const [args, env] of [
      [["--approve-config-change", "SEC-9 fixtures folder, approved by security"], {}],
      [[], { KEYFENCE_APPROVE_CONFIG_CHANGE: "SEC-9 fixtures folder, approved by security" }],
    ] as const) {
      const r = await cli(["git", "--range", `${base}..${head}`, ...args], repo.dir, { ...repo.env, ...env });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/allowlist\.paths broadened: "src\/\*\*"/);
      expect(r.stdout).toMatch(/Approved: SEC-9 fixtures folder/);
    }
  });

  it("a change that only tightens is no finding", async () => {
    const { repo, base, head } = pullRequest({ "keyfence.config.json": JSON.stringify({ failOn: "low" }) }, "tighten");
    const r = await cli(["git", "--range", `${base}..${head}`, "--format", "json"], repo.dir, repo.env);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("keyfence-config-weakened");
    expect(r.stderr).toMatch(/configuration, baseline and rule packs from the base commit [0-9a-f]{12}/);
  });

  it("a first push (no base) is judged by the defaults", async () => {
    const repo = TempRepo.init();
    repo.write("keyfence.config.json", JSON.stringify({ failOn: "never" }));
    repo.write("src/pay.env", `STRIPE_KEY=${stripe("first")}\n`);
    repo.git("add", "-A");
    const head = repo.commit("first");
    const r = await cli(["git", "--range", head], repo.dir, repo.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failOn medium → never/);
  });
});

describe("keyfence ci: the same on a pull request, and inline allows listed in the step summary", () => {
  it("blocks the weakening PR and lists each keyfence:allow the change adds with its reason", async () => {
    const { repo, base, head } = pullRequest(
      {
        "keyfence.config.json": JSON.stringify({ ...BASE_CONFIG, failOn: "never" }),
        "src/fixture.env": `FIXTURE=${stripe("fixture")} # keyfence:allow stripe-secret-key-live -- revoked test key, SEC-12\n// keyfence:allow\nOTHER=${stripe("other")}\n`,
      },
      "ci",
    );
    const dir = tempDir("kf-ci-trust-");
    const event = join(dir, "event.json");
    writeFileSync(event, JSON.stringify({ number: 5, pull_request: { number: 5, base: { sha: base }, head: { sha: head } } }));
    const summary = join(dir, "summary.md");
    writeFileSync(summary, "");
    let stdout = "";
    let stderr = "";
    const code = await ciCommand.run([], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      stdin: [],
      env: { ...repo.env, GITHUB_ACTIONS: "true", GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: event, GITHUB_STEP_SUMMARY: summary },
      cwd: repo.dir,
    });
    expect(code, stderr).toBe(1);
    expect(stdout).toMatch(/::error file=keyfence\.config\.json/);
    const md = readFileSync(summary, "utf8");
    expect(md).toMatch(/### Inline allows added by this change \(2\)/);
    expect(md).toMatch(/`src\/fixture\.env:1` \| `stripe-secret-key-live` \| revoked test key, SEC-12 \|/);
    expect(md).toMatch(/`src\/fixture\.env:2` \| every rule \| _no reason given_ \|/);
    expect(md).toMatch(/failOn medium → never/);
  });
});
