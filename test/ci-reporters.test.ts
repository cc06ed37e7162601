import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { createScanner } from "../src/scanner.js";
import { revealSecret, deriveFinding } from "../src/finding/secret-store.js";
import { REPORTERS, type ScanReport } from "../src/report/index.js";
import { GITLAB_SCHEMA_VERSION, gitlabReport } from "../src/report/gitlab.js";
import { annotation, escapeData, escapeProperty } from "../src/report/github-annotations.js";
import { renderStepSummary, STEP_SUMMARY_LIMIT } from "../src/report/step-summary.js";
import { writeCiOutputs } from "../src/cli/ci/outputs.js";
import { TOOL } from "../src/version.js";
import { allPositives } from "./helpers/secrets.js";
import { runCli } from "./helpers/cli.js";
import type { Finding } from "../src/types.js";

const GITLAB_SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/gitlab/secret-detection-report-format-15.2.1.json"), "utf8")) as object;
const plain = { showSecrets: false, color: false };

const scanner = createScanner();
const positives = allPositives("#reporters");
/** One finding per built-in positive example, each in its own file, some with commit data. */
const FINDINGS: Finding[] = positives.flatMap(({ text }, i) =>
  scanner.scanBuffer(`line one\n${text}\n`, { path: `src/file-${i}.env`, ...(i % 2 === 0 && { commit: "a".repeat(40), author: "Dev <dev@example.com>", date: "2026-11-20T10:00:00Z" }) }),
);
const SECRETS = FINDINGS.map((f) => revealSecret(f)!);

function reportOf(findings: Finding[], extra: Partial<ScanReport> = {}): ScanReport {
  return {
    tool: TOOL,
    root: "/work/repo",
    findings,
    rules: scanner.rules,
    notices: [{ path: "locked.env", reason: "cannot read (EACCES)", incomplete: true }],
    failOn: "medium",
    blocking: new Set(findings.filter((f) => scanner.policy.blocks(f)).map((f) => f.fingerprint)),
    incomplete: true,
    stats: { files: findings.length, bytes: 1000, durationMs: 1500 },
    ...extra,
  };
}

function expectNoSecret(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s);
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("GitLab secret-detection report", () => {
  it("validates against GitLab's official 15.2.1 schema and holds no secret, even with --show-secrets", () => {
    expect(FINDINGS.length).toBeGreaterThan(5);
    const text = REPORTERS.gitlab!(reportOf(FINDINGS), { showSecrets: true, color: false });
    const doc = JSON.parse(text) as ReturnType<typeof gitlabReport>;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(GITLAB_SCHEMA);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expectNoSecret(text);
    expect(doc.version).toBe(GITLAB_SCHEMA_VERSION);
    expect(doc.scan.messages).toEqual([{ level: "warn", value: "locked.env: cannot read (EACCES)" }]);
    expect(new Set(doc.vulnerabilities.map((v) => v.id)).size).toBe(FINDINGS.length);
    const first = doc.vulnerabilities[0]!;
    expect(first.location).toMatchObject({ file: FINDINGS[0]!.path, start_line: 2, commit: { sha: "a".repeat(40) } });
    expect(first.identifiers[0]).toEqual({ type: "keyfence_rule_id", name: `keyfence rule ${FINDINGS[0]!.ruleId}`, value: FINDINGS[0]!.ruleId });
    expect(doc.vulnerabilities.find((v) => v.location.commit.sha === "0000000")).toBeDefined();
  });

  it("the schema check is not a formality: a report missing its commit fails it", () => {
    const doc = gitlabReport(reportOf(FINDINGS.slice(0, 1)));
    const broken = { ...doc, vulnerabilities: [{ ...doc.vulnerabilities[0]!, location: { file: "x" } }] };
    expect(new Ajv({ strict: false }).validate(GITLAB_SCHEMA, broken)).toBe(false);
    expect(new Ajv({ strict: false }).validate(GITLAB_SCHEMA, { ...doc, scan: { ...doc.scan, start_time: "2026-01-01T00:00:00.000Z" } })).toBe(false);
  });
});

describe("GitHub annotations", () => {
  it("escape data and properties as GitHub's runner requires", () => {
    expect(escapeData("50% done\r\nnext")).toBe("50%25 done%0D%0Anext");
    expect(escapeProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");
  });

  it("one workflow command per finding, at the right line and column, error when blocking", () => {
    const report = reportOf(FINDINGS);
    const out = REPORTERS["github-annotations"]!(report, { showSecrets: true, color: false });
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(FINDINGS.length);
    FINDINGS.forEach((f, i) => {
      const level = report.blocking.has(f.fingerprint) ? "error" : f.severity === "low" || f.severity === "info" ? "notice" : "warning";
      expect(lines[i]).toMatch(new RegExp(`^::${level} file=${f.path.replace(".", "\\.")},line=${f.line},endLine=${f.endLine},`));
      if (f.line === f.endLine) expect(lines[i]).toContain(`,col=${f.column},endColumn=${f.endColumn},`);
      expect(lines[i]).toContain(`title=keyfence%3A ${escapeProperty(f.title)} [${f.ruleId}]::`);
      expect(lines[i]).toContain(escapeData(f.redacted));
    });
    expectNoSecret(out);
  });

  it("a hostile file name cannot break out of its command", () => {
    const f = deriveFinding(FINDINGS[0]!, { path: "a,b:c\n::error file=evil::pwned%.env" });
    const line = annotation(f, reportOf([f]));
    expect(line.split("\n")).toHaveLength(1);
    expect(line).toContain("file=a%2Cb%3Ac%0A%3A%3Aerror file=evil%3A%3Apwned%25.env,");
  });
});

describe("step summary", () => {
  it("is a Markdown table with blocking findings first and no secret", () => {
    const report = reportOf(FINDINGS);
    const md = REPORTERS["github-summary"]!(report, { showSecrets: true, color: false });
    expect(md).toContain("| | Severity | Finding | Location | Value | Fix |");
    const rows = md.split("\n").filter((l) => /^\| (⛔ blocks|report) \|/.test(l));
    expect(rows).toHaveLength(FINDINGS.length);
    const firstReport = rows.findIndex((r) => r.startsWith("| report"));
    if (firstReport >= 0) expect(rows.slice(firstReport).every((r) => r.startsWith("| report"))).toBe(true);
    expectNoSecret(md);
  });

  it("escapes cells: a path with a pipe, backticks or HTML stays in its cell", () => {
    const f = deriveFinding(FINDINGS[0]!, { path: "a|b`<script>.env", title: "T|<b>" });
    const md = renderStepSummary(reportOf([f]));
    const row = md.split("\n").find((l) => l.includes("a\\|b"))!;
    expect(row).toContain("`` a\\|b`<script>.env:2 @ aaaaaaaaaaaa ``");
    expect(row).toContain("T\\|&lt;b&gt;");
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
  });

  it("stays within GitHub's 1 MiB limit and says how many rows it left out", () => {
    const many = Array.from({ length: 6000 }, (_, i) => deriveFinding(FINDINGS[i % FINDINGS.length]!, { path: `deep/${"x".repeat(100)}/${i}.env`, fingerprint: `fp${i}` }));
    const md = renderStepSummary(reportOf(many));
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT);
    const shown = md.split("\n").filter((l) => /^\| (⛔ blocks|report) \|/.test(l)).length;
    expect(shown).toBeGreaterThan(100);
    expect(shown).toBeLessThan(6000);
    expect(md).toContain(`_${6000 - shown} more findings not shown: GitHub limits a step summary to 1 MiB.`);
    const small = renderStepSummary(reportOf(FINDINGS), 2000);
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(2000);
    expect(small).toMatch(/_\d+ more findings? not shown/);
  });
});

describe("SARIF category and CI outputs", () => {
  it("SARIF carries the category as runAutomationDetails.id", () => {
    const sarif = JSON.parse(REPORTERS.sarif!(reportOf(FINDINGS, { category: "keyfence/pr" }), plain)) as { runs: { automationDetails?: { id: string } }[] };
    expect(sarif.runs[0]!.automationDetails).toEqual({ id: "keyfence/pr/" });
    const none = JSON.parse(REPORTERS.sarif!(reportOf(FINDINGS), plain)) as { runs: { automationDetails?: unknown }[] };
    expect(none.runs[0]!.automationDetails).toBeUndefined();
  });

  it("on GitHub: annotations on stdout, the summary appended, SARIF written with a category", () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-ci-out-"));
    dirs.push(dir);
    const summary = join(dir, "step_summary.md");
    writeFileSync(summary, "earlier step output\n");
    let stdout = "";
    writeCiOutputs(reportOf(FINDINGS), { provider: "github", env: { GITHUB_STEP_SUMMARY: summary }, cwd: dir, stdout: { write: (s: string) => (stdout += s) }, sarif: "out/keyfence.sarif" });
    expect(stdout.split("\n").filter((l) => l.startsWith("::"))).toHaveLength(FINDINGS.length);
    const md = readFileSync(summary, "utf8");
    expect(md.startsWith("earlier step output\n## keyfence")).toBe(true);
    const sarif = readFileSync(join(dir, "out/keyfence.sarif"), "utf8");
    expect((JSON.parse(sarif) as { runs: { automationDetails: { id: string } }[] }).runs[0]!.automationDetails.id).toBe("keyfence/");
    for (const text of [stdout, md, sarif]) expectNoSecret(text);
  });

  it("on GitLab: gl-secret-detection-report.json by default, no annotations", () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-ci-out-"));
    dirs.push(dir);
    let stdout = "";
    writeCiOutputs(reportOf(FINDINGS), { provider: "gitlab", env: {}, cwd: dir, stdout: { write: (s: string) => (stdout += s) } });
    expect(stdout).toBe("");
    const doc: unknown = JSON.parse(readFileSync(join(dir, "gl-secret-detection-report.json"), "utf8"));
    expect(new Ajv({ strict: false }).validate(GITLAB_SCHEMA, doc)).toBe(true);
  });

  it("every CI format works from the command line and never prints the secret", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-ci-cli-"));
    dirs.push(dir);
    writeFileSync(join(dir, "app.env"), positives.map((p) => p.text).join("\n") + "\n");
    for (const format of ["gitlab", "github-annotations", "github-summary"]) {
      const res = await runCli(["scan", ".", "--format", format, "--show-secrets"], { cwd: dir });
      expect(res.code).toBe(1);
      expect(res.stdout.length).toBeGreaterThan(0);
      expectNoSecret(res.stdout + res.stderr);
    }
    const gl = await runCli(["scan", ".", "--format", "gitlab", "--output", "gl-secret-detection-report.json"], { cwd: dir });
    expect(gl.code).toBe(1);
    expect(new Ajv({ strict: false }).validate(GITLAB_SCHEMA, JSON.parse(readFileSync(join(dir, "gl-secret-detection-report.json"), "utf8")))).toBe(true);
    const sarif = await runCli(["scan", ".", "--format", "sarif", "--sarif-category", "keyfence/files"], { cwd: dir });
    expect(sarif.stdout).toContain(`"id": "keyfence/files/"`);
  });
});
