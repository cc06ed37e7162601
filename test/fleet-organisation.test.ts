// The organisation report counts credentials, not places: the same value under one key is one
// credential whether it sits at two paths of one repository or in several repositories, a pair is
// one credential by its pair digest, and every place is listed under it. Findings come from the real
// scanner (real keyed digests and fingerprints) under one shared key, as every shard of a fleet run has.
import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createScanner } from "../src/scanner.js";
import { buildOrgReport } from "../src/fleet/organisation.js";
import { renderOrgMarkdown } from "../src/fleet/org-markdown.js";
import { renderOrgHtml } from "../src/fleet/org-html.js";
import { mergedJson } from "../src/fleet/merge.js";
import { expandExample } from "../src/rules/example-template.js";
import { RESULT_SCHEMA, type RepoResult } from "../src/fleet/repo-result.js";
import type { HistoryFinding } from "../src/finding/exposure.js";
import { positive } from "./helpers/secrets.js";

const scanner = createScanner({ fingerprintKey: randomBytes(32) });
const commitOf = (n: number) => n.toString(16).padStart(40, "0");

function found(text: string, path: string, commit: number): HistoryFinding[] {
  return scanner.scanBuffer(text, { path, commit: commitOf(commit), date: "2024-02-01T10:00:00Z" }).map((f) => ({
    ...f,
    exposure: { days: 0, overdueDays: 0, presentAtHead: true, occurrences: 1 },
  }));
}

function result(id: string, findings: HistoryFinding[]): RepoResult {
  return {
    schema: RESULT_SCHEMA,
    repository: { id, location: `https://${id}.git`, kind: "url" },
    status: "ok",
    refs: { "refs/heads/main": commitOf(1) },
    scannedAt: "2024-06-01T00:00:00Z",
    durationMs: 1,
    tool: { name: "keyfence", version: "test" },
    shard: 0,
    stats: { commits: 3, files: 3, bytes: 100 },
    notices: [],
    findings,
  };
}

describe("fleet merge: organisation counts by credential, not by place", () => {
  const stripe = positive("stripe-secret-key-live", 0, "org-shared");
  const awsId = expandExample("{{aws-key-id:AKIA}}", "org-pair/id");
  const awsSecret = expandExample("{{base64:40}}", "org-pair/secret");
  const pair = `AWS_ACCESS_KEY_ID=${awsId}\nAWS_SECRET_ACCESS_KEY=${awsSecret}\n`;
  const results = [
    // One repository, the same value at two paths: two findings (two fingerprints), one credential.
    result("github.com/acme/payments", [...found(`STRIPE_SECRET=${stripe}\n`, "config/prod.env", 10), ...found(`STRIPE_SECRET=${stripe}\n`, "deploy/stripe.env", 11), ...found(pair, ".env", 12)]),
    // Another repository, the same value at yet another path, and the same pair elsewhere.
    result("github.com/acme/ledger", [...found(`key: ${stripe}\n`, "ops/secrets.yaml", 20), ...found(pair, "infra/aws.env", 21)]),
  ];
  const org = buildOrgReport(results, { asOf: new Date("2024-06-01T00:00:00Z"), tool: { name: "keyfence", version: "test" } });

  it("groups by rule and keyed digest, with every place (repository, path, commit)", () => {
    const findings = results.flatMap((r) => r.findings);
    expect(findings).toHaveLength(5);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(5);
    expect(org.credentials).toHaveLength(2);

    const s = org.credentials.find((c) => c.ruleId === "stripe-secret-key-live")!;
    expect(s.repositories).toEqual(["github.com/acme/ledger", "github.com/acme/payments"]);
    expect(s.places.map((p) => [p.repository, p.path, p.commit])).toEqual([
      ["github.com/acme/ledger", "ops/secrets.yaml", commitOf(20)],
      ["github.com/acme/payments", "config/prod.env", commitOf(10)],
      ["github.com/acme/payments", "deploy/stripe.env", commitOf(11)],
    ]);
    // Each place keeps its finding's fingerprint, so it can be found in the per-finding JSON and SARIF.
    expect(s.places.map((p) => p.fingerprint).sort()).toEqual(findings.filter((f) => f.ruleId === s.ruleId).map((f) => f.fingerprint).sort());

    const p = org.credentials.find((c) => c.ruleId === "aws-access-key-id")!;
    expect(p.places.map((x) => x.path).sort()).toEqual([".env", "infra/aws.env"]);
    expect(p.secretDigest).toBe(findings.find((f) => f.parts)!.secretDigest);
  });

  it("says so in every rendering, lists every place, and keeps the per-finding JSON as it is", () => {
    const md = renderOrgMarkdown(org);
    expect(md).toContain("2 distinct credentials in 2 of 2 repositories scanned in full");
    expect(md).toContain("2 found in more than one repository");
    for (const path of ["config/prod.env", "deploy/stripe.env", "ops/secrets.yaml", "infra/aws.env"]) {
      expect(md).toContain(path);
      expect(renderOrgHtml(org)).toContain(path);
    }
    const doc = JSON.parse(mergedJson(results, org));
    expect(doc.summary).toMatchObject({ findings: 5, credentials: 2 });
    expect(doc.findings).toHaveLength(5);
    for (const out of [md, renderOrgHtml(org), JSON.stringify(doc)]) {
      expect(out).not.toContain(stripe);
      expect(out).not.toContain(awsSecret);
    }
  });

  it("keeps two rules' findings apart even under one digest, and two values of one rule apart", () => {
    const other = positive("stripe-secret-key-live", 0, "org-other");
    const one = found(`S=${stripe}\n`, "a.env", 1);
    // The digest is of the value alone; a different rule naming the same bytes is a different credential.
    const renamed = one.map((f) => ({ ...f, ruleId: "custom-stripe-copy" }));
    const two = buildOrgReport([result("h/a", [...one, ...found(`S=${other}\n`, "a.env", 2), ...renamed])], { asOf: new Date("2024-06-01T00:00:00Z"), tool: { name: "keyfence", version: "t" } });
    expect(two.credentials).toHaveLength(3);
  });
});

describe("fleet merge: a malformed result file", () => {
  it("is named with where it broke, never with what it holds", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { loadResults } = await import("../src/fleet/results-load.js");
    const dir = mkdtempSync(join(tmpdir(), "kf-results-"));
    mkdirSync(join(dir, "repos"));
    const token = expandExample("ghp_{{crc32-base62:30}}", "malformed-result");
    writeFileSync(join(dir, "repos", "r.json"), `{"secret": "${token}" oops}`);
    let message = "";
    try {
      loadResults([dir], dir);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/malformed JSON/);
    expect(message).not.toContain(token);
    expect(message).not.toContain(token.slice(4, 20));
  });
});
