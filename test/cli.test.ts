import { describe, expect, it } from "vitest";
import { readFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { keyfence, tempTree } from "./helpers/cli.js";
import { positive } from "./helpers/secrets.js";
import { sarifErrors } from "./helpers/sarif-schema.js";

describe("keyfence scan (CLI)", () => {
  it("the README's sample scan prints redacted findings and exits 1", () => {
    const r = keyfence(["scan", "fixtures/sample"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/fixtures\/sample\/config\/payments\.env:2:\d+\s+CRITICAL Stripe live secret key \[stripe-secret-key-live\]/);
    expect(r.stdout).toMatch(/value: sk_live_••••••••\w{4}/);
    expect(r.stdout).toMatch(/fix: +Rotate within 30 days/);
    expect(r.stdout).toMatch(/6 findings .* in 4 files of 6 scanned; 5 block \(fail-on: medium\)\./);
    // A live key under fixtures/ is also an environment-separation finding of its own.
    expect(r.stdout).toMatch(/payments\.env:2:19 +HIGH +Live credential in a test, fixture, example or development location \[env-live-credential-in-nonproduction\]/);
    // The sample's placeholders stay quiet.
    expect(r.stdout).not.toContain("safe.js");
  });

  it("a clean folder exits 0", () => {
    const dir = tempTree({ "src/app.js": "export const answer = 42;\n", "README.md": "# hello\n" });
    const r = keyfence(["scan", "."], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No secrets found in 2 files");
  });

  it("writes schema-valid SARIF with GitHub's conventions", () => {
    const dir = tempTree({
      "config/app.env": `${positive("stripe-secret-key-live")}\n`,
      "my dir/keys #1.pem": positive("private-key-pem"),
    });
    const r = keyfence(["scan", ".", "--format", "sarif", "--output", "out.sarif"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/Report written to out\.sarif/);
    const sarif = JSON.parse(readFileSync(join(dir, "out.sarif"), "utf8"));
    expect(sarifErrors(sarif)).toEqual([]);
    const run = sarif.runs[0];
    expect(run.results).toHaveLength(2);
    const uris = run.results.map((x: any) => x.locations[0].physicalLocation.artifactLocation);
    expect(uris).toContainEqual({ uri: "config/app.env", uriBaseId: "%SRCROOT%" });
    expect(uris).toContainEqual({ uri: "my%20dir/keys%20%231.pem", uriBaseId: "%SRCROOT%" });
    for (const res of run.results) {
      expect(res.partialFingerprints["keyfence/v1"]).toMatch(/^[0-9a-f]{32}$/);
      const rule = run.tool.driver.rules[res.ruleIndex];
      expect(rule.id).toBe(res.ruleId);
      expect(rule.help.text.length).toBeGreaterThan(20);
      expect(Number(rule.properties["security-severity"])).toBeGreaterThan(0);
      expect(rule.properties.tags).toContain("security");
    }
    // No temporary files left behind by the atomic write.
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("JSON output carries the finding model and a summary", () => {
    const dir = tempTree({ "a.env": `${positive("stripe-secret-key-test")}\n` });
    const r = keyfence(["scan", ".", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(0); // a test key is low severity: reported, not blocking at the default fail-on
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toMatchObject({ findings: 1, blocking: 0, files: 1 });
    expect(doc.findings[0]).toMatchObject({ ruleId: "stripe-secret-key-test", severity: "low", environment: "sandbox", path: "a.env", line: 1, blocking: false });
    expect(keyfence(["scan", ".", "--fail-on", "low"], { cwd: dir }).code).toBe(1);
    expect(keyfence(["scan", ".", "--fail-on", "never", "--format", "json"], { cwd: dir }).code).toBe(0);
  });

  it("reads standard input with '-'", () => {
    const r = keyfence(["scan", "-", "--stdin-name", "pasted.env"], { input: `${positive("stripe-secret-key-live")}\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^pasted\.env:1:\d+ +CRITICAL/m);
  });

  it.each([
    [["scan", "--format", "xml"], /--format: unknown format "xml"/],
    [["scan", "--fail-on", "severe"], /--fail-on: unknown severity "severe"/],
    [["scan", "--bogus"], /Unknown option '--bogus'/],
    [["scan", "does-not-exist"], /^keyfence: does-not-exist: no such file or directory$/m],
    [["frobnicate"], /unknown command "frobnicate"/],
  ])("usage errors exit 2 with one line: %j", (args, message) => {
    const r = keyfence(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a malformed config exits 2 naming the file and line, and writes no output", () => {
    const dir = tempTree({ "keyfence.config.json": '{\n  "failOn": "high",\n  "allowlist": { "paths": [1] }\n}\n', "a.txt": "x" });
    const r = keyfence(["scan", ".", "--output", "out.sarif", "--format", "sarif"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`keyfence: keyfence.config.json:3: key allowlist.paths.0: "allowlist.paths.0" must be string`);
    expect(existsSync(join(dir, "out.sarif"))).toBe(false);

    const truncated = tempTree({ "cfg.yaml": "failOn: [high\n" });
    const t = keyfence(["scan", ".", "--config", "cfg.yaml"], { cwd: truncated });
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/^keyfence: .*cfg\.yaml:\d+: malformed YAML/);

    const unknown = tempTree({ "keyfence.config.yaml": "failOn: high\nfailon: low\n" });
    expect(keyfence(["scan", "."], { cwd: unknown }).stderr).toMatch(/keyfence\.config\.yaml:2: unknown key "failon"/);
  });

  it("a malformed rule pack referenced by the config exits 2 naming the pack, line and rule", () => {
    const dir = tempTree({
      "keyfence.config.json": '{ "rulePacks": ["rules"] }',
      "rules/acme.yaml": "provider: Acme\nrules:\n  - id: acme-x\n    kind: t\n    title: t\n    severity: high\n    keywords: [acme]\n    regex: '(?<=acme)(x)'\n    examples: { match: [a, b], noMatch: [c, d] }\n",
    });
    const r = keyfence(["scan", "."], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^keyfence: rules\/acme\.yaml:3: rule acme-x: invalid regex: lookaround/);
  });

  it("custom rule packs from the config are used, and --config picks a file", () => {
    const dir = tempTree({
      "sec/kf.yaml": "rulePacks: [packs]\nbuiltinRules: false\n",
      "sec/packs/acme.yaml":
        "provider: Acme\nrules:\n  - id: acme-token\n    kind: api-token\n    title: Acme token\n    severity: high\n    keywords: [acme_]\n    regex: 'acme_(?P<secret>[a-z0-9]{32})'\n    examples: { match: ['acme_{{lowernum:32}}', 'x=acme_{{lowernum:32}}'], noMatch: ['acme_', 'acme_x'] }\n",
      "app.txt": `token: acme_q8w7e6r5t4y3u2i1o9p8a7s6d5f4g3h2\n${positive("stripe-secret-key-live")}\n`,
    });
    const r = keyfence(["scan", "app.txt", "--config", "sec/kf.yaml", "--format", "json"], { cwd: dir });
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: any) => f.ruleId)).toEqual(["acme-token"]);
    expect(r.code).toBe(1);
  });

  it("rules list and rules test", () => {
    const list = keyfence(["rules", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/stripe-secret-key-live +critical +live +Stripe/);
    const t = keyfence(["rules", "test"]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/\d+ rules, \d+ examples, 0 failed/);
    const bad = tempTree({
      "acme.yaml":
        "provider: Acme\nrules:\n  - id: acme-token\n    kind: t\n    title: t\n    severity: high\n    keywords: [acme_]\n    regex: 'acme_(?P<secret>[a-z0-9]{32})'\n    examples: { match: ['acme_{{lowernum:32}}', 'acme_{{lowernum:8}}'], noMatch: ['x', 'acme_{{lowernum:32}}'] }\n",
    });
    const f = keyfence(["rules", "test", "acme.yaml"], { cwd: bad });
    expect(f.code).toBe(1);
    expect(f.stdout).toMatch(/^acme\.yaml:3: rule acme-token: examples\.match\[1\] must match exactly once, found 0/m);
    expect(f.stdout).toMatch(/examples\.noMatch\[1\] must not match, found 1/);
  });

  it("--help and --version", () => {
    expect(keyfence(["--help"]).stdout).toMatch(/Usage: keyfence <command>/);
    expect(keyfence(["scan", "--help"]).stdout).toMatch(/Usage: keyfence scan/);
    expect(keyfence(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // Every command answers --help (and -h) with its own usage and exit 0, even outside a repository.
    const outside = tempTree({});
    for (const name of ["scan", "staged", "git", "history", "ci", "report", "install", "uninstall", "baseline", "doctor", "rules"]) {
      for (const flag of ["--help", "-h"]) {
        const r = keyfence([name, flag], { cwd: outside });
        expect(r.code, `${name} ${flag}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`Usage: keyfence ${name}\\b`));
      }
    }
  });
});

describe("the project scans itself", () => {
  it("is clean with its own configuration (fixtures are allowlisted explicitly, by path)", () => {
    const r = keyfence(["scan", ".", "--config", "keyfence.self.json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // Without that allowlist the sample's fake keys are found: the allowlist is what silences them.
    expect(keyfence(["scan", "fixtures/sample"]).code).toBe(1);
  });
});
