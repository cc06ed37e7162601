// Multi-part credentials (a rule's `pair`, src/pairing/): an AWS key id and its secret in any syntax
// of the assignment grammar, either order, are one critical finding naming both parts; counted once
// in every summary; no part's raw value in any output; linear pairing; streamed units pair too; and
// baselines written part by part before pairs existed still accept the pair.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createScanner } from "../src/scanner.js";
import { revealPart, revealSecret } from "../src/finding/secret-store.js";
import { expandExample } from "../src/rules/example-template.js";
import { pairFindings, pairingStats } from "../src/pairing/pair.js";
import { pairingPlan } from "../src/pairing/plan.js";
import { WHOLE_READ_LIMIT } from "../src/sources/files.js";
import { fingerprintOf } from "../src/finding/fingerprint.js";
import type { Finding } from "../src/types.js";
import { runCli, tempTree } from "./helpers/cli.js";
import { TempRepo, cleanupTempDirs, cli } from "./helpers/git-repo.js";
import { BUILTIN } from "./helpers/secrets.js";
import { Ajv } from "ajv";
import { REPORTERS, type ScanReport } from "../src/report/index.js";
import { TOOL } from "../src/version.js";

afterAll(cleanupTempDirs);

const scanner = createScanner();
let seed = 0;
let testName = "";
// Seeds count from 0 in each test, under its name: a test's values then do not depend on how many a
// property test before it happened to draw (one random value in ~200 is rightly not reported).
beforeEach((ctx) => {
  seed = 0;
  testName = ctx.task.name;
});
/** Generated, clearly fake values (the rules' own example templates, seeded per test). */
const gen = (template: string) => expandExample(template, `pairs-test/${testName}/${seed++}`);
const awsId = () => gen("{{aws-key-id:AKIA}}");
const awsSecret = () => gen("{{base64:40}}");
const sessionToken = () => gen("IQoJb3JpZ2luX2Vj{{base64:400}}");

const scan = (text: string, path = "config/app.txt") => scanner.scanBuffer(text, { path });

function onePair(found: Finding[], parts: number): Finding {
  expect(found.map((f) => [f.ruleId, f.parts?.length])).toEqual([[found[0]!.ruleId, parts]]);
  return found[0]!;
}

describe("AWS access key id + secret access key across the assignment grammar's syntaxes", () => {
  const cases: [string, string, (id: string, secret: string) => string][] = [
    ["YAML", "config/aws.yaml", (id, s) => `aws:\n  access_key_id: ${id}\n  secret_access_key: "${s}"\n`],
    ["YAML, secret first", "config/aws.yaml", (id, s) => `aws:\n  secret_access_key: ${s}\n  access_key_id: ${id}\n`],
    [".env", ".env", (id, s) => `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${s}\n`],
    [".env, secret first", ".env", (id, s) => `AWS_SECRET_ACCESS_KEY=${s}\nAWS_ACCESS_KEY_ID=${id}\n`],
    ["JSON", "creds.json", (id, s) => `{\n  "AccessKeyId": "${id}",\n  "SecretAccessKey": "${s}"\n}\n`],
    ["JSON, secret first", "creds.json", (id, s) => `{\n  "SecretAccessKey": "${s}",\n  "AccessKeyId": "${id}"\n}\n`],
    ["Terraform", "main.tf", (id, s) => `provider "aws" {\n  region     = "eu-west-2"\n  access_key = "${id}"\n  secret_key = "${s}"\n}\n`],
    ["Terraform, secret first", "main.tf", (id, s) => `provider "aws" {\n  secret_key = "${s}"\n  access_key = "${id}"\n}\n`],
  ];
  it.each(cases)("%s: one critical finding with 2 parts, each redacted and located", (_name, path, make) => {
    const id = awsId();
    const secret = awsSecret();
    const text = make(id, secret);
    const f = onePair(scan(text, path), 2);
    expect(f.ruleId).toBe("aws-access-key-id");
    expect(f.severity).toBe("critical");
    expect(f.kind).toBe("access-key-pair");
    expect(f.parts!.map((p) => p.role)).toEqual(["key id", "secret"]);
    const lines = text.split("\n");
    expect(lines[f.parts![0]!.line - 1]).toContain(id);
    expect(lines[f.parts![1]!.line - 1]).toContain(secret);
    // The raw values are in the secret store only: never in the finding's enumerable fields.
    const json = JSON.stringify(f);
    expect(json).not.toContain(id.slice(4));
    expect(json).not.toContain(secret);
    expect(revealPart(f, "key id")).toBe(id);
    expect(revealPart(f, "secret")).toBe(secret);
    expect(revealSecret(f)).toBe(id);
  });

  it("with a session token: 3 parts", () => {
    const token = sessionToken();
    const f = onePair(scan(`AWS_ACCESS_KEY_ID=${awsId()}\nAWS_SECRET_ACCESS_KEY=${awsSecret()}\nAWS_SESSION_TOKEN=${token}\n`), 3);
    expect(f.parts!.map((p) => p.role)).toEqual(["key id", "secret", "session token"]);
    expect(revealPart(f, "session token")).toBe(token);
  });

  it("a lone key id is not critical; a lone secret is what its rule says", () => {
    const [id] = scan(`AWS_ACCESS_KEY_ID=${awsId()}\n`);
    expect([id!.ruleId, id!.severity, id!.parts]).toEqual(["aws-access-key-id", "medium", undefined]);
    const [secret] = scan(`AWS_SECRET_ACCESS_KEY=${awsSecret()}\n`);
    expect([secret!.ruleId, secret!.severity, secret!.parts]).toEqual(["aws-secret-access-key", "high", undefined]);
    // Terraform's secret_key alone stays the generic finding it was.
    expect(scan(`secret_key = "${awsSecret()}"\n`, "main.tf").map((f) => f.ruleId)).toEqual(["generic-secret-assignment"]);
  });

  it("another provider's secret named `…_SECRET_KEY` near an AWS key id stays that provider's, unpaired", () => {
    const found = scan(`AWS_ACCESS_KEY_ID=${awsId()}\nAPCA_API_BASE_URL=https://paper-api.alpaca.markets\nAPCA_API_SECRET_KEY=${gen("{{alnum:40}}")}\n`);
    expect(found.map((f) => [f.ruleId, f.parts?.length])).toEqual([["aws-access-key-id", undefined], ["alpaca-secret-key", undefined]]);
    // Terraform's secret_key beside a key id is still the AWS pair's secret.
    const pair = scan(`access_key = "${awsId()}"\nsecret_key = "${awsSecret()}"\n`, "main.tf");
    expect(pair.map((f) => [f.ruleId, f.parts?.length])).toEqual([["aws-access-key-id", 2]]);
  });

  it("two pairs in one file are two findings, each id with its nearest secret", () => {
    const [id1, s1, id2, s2] = [awsId(), awsSecret(), awsId(), awsSecret()];
    for (const text of [
      `[prod]\naws_access_key_id = ${id1}\naws_secret_access_key = ${s1}\n\n[ci]\naws_access_key_id = ${id2}\naws_secret_access_key = ${s2}\n`,
      `[prod]\naws_secret_access_key = ${s1}\naws_access_key_id = ${id1}\naws_secret_access_key = ${s2}\naws_access_key_id = ${id2}\n`,
    ]) {
      const found = scan(text, ".aws/credentials");
      expect(found).toHaveLength(2);
      expect(found.map((f) => [revealPart(f, "key id"), revealPart(f, "secret")])).toEqual([
        [id1, s1],
        [id2, s2],
      ]);
      expect(new Set(found.map((f) => f.fingerprint)).size).toBe(2);
    }
  });

  it("`within` is respected: a secret 6 lines away is no companion (within: 5)", () => {
    const pad = (n: number) => "region = eu-west-2\n".repeat(n);
    expect(scan(`aws_access_key_id = ${awsId()}\n${pad(4)}aws_secret_access_key = ${awsSecret()}\n`).map((f) => f.parts?.length)).toEqual([2]);
    expect(scan(`aws_access_key_id = ${awsId()}\n${pad(5)}aws_secret_access_key = ${awsSecret()}\n`).map((f) => [f.ruleId, f.parts])).toEqual([
      ["aws-access-key-id", undefined],
      ["aws-secret-access-key", undefined],
    ]);
  });

  it("the pair's fingerprint is stable across line moves and unrelated edits, and changes with either part", () => {
    const [id, s] = [awsId(), awsSecret()];
    const a = scan(`AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${s}\n`)[0]!;
    const b = scan(`# moved\n\nX=1\nAWS_SECRET_ACCESS_KEY=${s}\nAWS_ACCESS_KEY_ID=${id}\n`)[0]!;
    const c = scan(`AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${awsSecret()}\n`)[0]!;
    // An optional part (a session token, which rotates hourly) does not change which credential it is.
    const d = scan(`AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${s}\nAWS_SESSION_TOKEN=${sessionToken()}\n`)[0]!;
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(d.fingerprint).toBe(a.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
    expect(a.fingerprint).toBe(fingerprintOf(a.ruleId, a.path, a.secretDigest));
  });
});

describe("a pair counts once in every output, and no part's raw value is printed", () => {
  const id = awsId();
  const secret = awsSecret();
  const token = sessionToken();
  const files = { "deploy/.env": `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\nAWS_SESSION_TOKEN=${token}\n` };
  const raw = [id, id.slice(4), secret, token.slice(16, 60)];

  it("text, JSON and SARIF", async () => {
    const root = tempTree(files);
    const text = await runCli(["scan", ".", "--no-baseline"], { cwd: root });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("1 finding (1 critical) in 1 file");
    expect(text.stdout).toMatch(/key id: +AKIA•+\S{4} +\(line 1:19\)/);
    expect(text.stdout).toMatch(/secret: +•+\S{4} +\(line 2:23\)/);
    const json = await runCli(["scan", ".", "--no-baseline", "--format", "json"], { cwd: root });
    const doc = JSON.parse(json.stdout) as { summary: { findings: number; bySeverity: Record<string, number> }; findings: Finding[] };
    expect(doc.summary.findings).toBe(1);
    expect(doc.summary.bySeverity.critical).toBe(1);
    expect(doc.findings[0]!.parts!.map((p) => [p.role, p.ruleId, p.line])).toEqual([
      ["key id", "aws-access-key-id", 1],
      ["secret", "aws-secret-access-key", 2],
      ["session token", "aws-session-token", 3],
    ]);
    const sarif = await runCli(["scan", ".", "--no-baseline", "--format", "sarif"], { cwd: root });
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; level: string; relatedLocations?: { message: { text: string }; physicalLocation: { region: { startLine: number } } }[] }[] }[] }).runs[0]!.results;
    expect(results).toHaveLength(1);
    expect(results[0]!.level).toBe("error");
    expect(results[0]!.relatedLocations!.map((r) => [r.message.text.split(":")[0], r.physicalLocation.region.startLine])).toEqual([
      ["key id", 1],
      ["secret", 2],
      ["session token", 3],
    ]);
    for (const out of [text, json, sarif]) for (const r of raw) expect(out.stdout + out.stderr).not.toContain(r);
  });

  it("the rotation report lists the pair as one credential", async () => {
    const repo = TempRepo.init();
    repo.commitFile("deploy/.env", files["deploy/.env"], "add aws", "2025-01-10T12:00:00Z");
    const r = await cli(["report", "--as-of", "2025-03-31"], repo.dir, repo.env);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("1 credential exposed in the repository's history");
    expect(r.stdout).toContain("| critical | 30 days | 1 |");
    for (const x of raw) expect(r.stdout).not.toContain(x);
  });
});

describe("pairing cost and streaming", () => {
  it("2,000 ids and 2,000 secrets in one unit pair correctly, with comparisons near n log n (no cross product)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.boolean(), (n, secretFirst) => {
        const ids: string[] = [];
        const secrets: string[] = [];
        const lines: string[] = [];
        for (let i = 0; i < n; i++) {
          ids.push(awsId());
          secrets.push(awsSecret());
          const pair = [`aws_access_key_id = ${ids[i]}`, `aws_secret_access_key = ${secrets[i]}`];
          lines.push(...(secretFirst ? pair.reverse() : pair), "");
        }
        pairingStats.comparisons = 0;
        const found = scan(lines.join("\n"), "many.ini");
        expect(found).toHaveLength(n);
        for (let i = 0; i < n; i++) expect([revealPart(found[i]!, "key id"), revealPart(found[i]!, "secret")]).toEqual([ids[i], secrets[i]]);
        // Three roles per anchor, a binary search each: O(n log n), far below n² at n = 2,000.
        expect(pairingStats.comparisons).toBeLessThanOrEqual(3 * n * (Math.log2(n + 1) + 4));
      }),
      { numRuns: 3, examples: [[2000, false]] },
    );
  });

  it("pairing within a unit (`within: unit`) and a unit of ids only stay linear-ish", () => {
    const plan = pairingPlan(BUILTIN);
    const lone = scan(Array.from({ length: 3000 }, () => `aws_access_key_id = ${awsId()}`).join("\n"));
    pairingStats.comparisons = 0;
    expect(pairFindings(plan, lone)).toHaveLength(3000);
    expect(pairingStats.comparisons).toBeLessThan(3000 * 40);
  });

  it("a file larger than the whole-read limit (streamed) still pairs", async () => {
    const root = tempTree({});
    const id = awsId();
    const secret = awsSecret();
    const filler = "# padding line with nothing secret in it\n".repeat(Math.ceil((WHOLE_READ_LIMIT + 1024 * 1024) / 41));
    writeFileSync(join(root, "big.ini"), `${filler}[default]\naws_secret_access_key = ${secret}\naws_access_key_id = ${id}\n${filler}`);
    const found: Finding[] = [];
    for await (const f of scanner.scanFiles([root], { cwd: root })) found.push(f);
    const f = onePair(found, 2);
    expect([revealPart(f, "key id"), revealPart(f, "secret"), f.severity]).toEqual([id, secret, "critical"]);
  });

  it("the streaming API (scanStream) pairs across chunks", async () => {
    const id = awsId();
    const secret = awsSecret();
    const text = `aws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`;
    const chunks = [text.slice(0, 30), text.slice(30, 50), text.slice(50)];
    const found: Finding[] = [];
    for await (const f of scanner.scanStream(chunks, { path: "s.ini" })) found.push(f);
    onePair(found, 2);
  });
});

describe("baselines and pairs", () => {
  const BASELINE = ".keyfence-baseline.json";

  it("a baselined pair stays suppressed, and so does a pair whose part a baseline from before pairs lists", async () => {
    const id = awsId();
    const secret = awsSecret();
    const root = tempTree({ "ops/.env": `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n` });
    expect((await runCli(["baseline", "create"], { cwd: root })).code).toBe(0);
    expect((await runCli(["scan", "."], { cwd: root })).code).toBe(0);
    const made = JSON.parse(readFileSync(join(root, BASELINE), "utf8")) as { entries: { ruleId: string; fingerprint: string; secretDigest: string }[] };
    expect(made.entries.map((e) => e.ruleId)).toEqual(["aws-access-key-id"]);

    // What a baseline made before pairs held: the parts, each its own entry (the key id; the secret).
    // Digests depend on the repository's fingerprint key: the parts' digests come from a scan under it.
    const { keyId } = JSON.parse(readFileSync(join(root, BASELINE), "utf8")) as { keyId: string };
    const keyed = JSON.parse((await runCli(["scan", "ops", "--no-baseline", "--format", "json"], { cwd: root })).stdout) as { findings: Finding[] };
    const pair = keyed.findings.find((x) => x.path === "ops/.env")!;
    for (const p of pair.parts!) {
      const entry = { fingerprint: fingerprintOf(p.ruleId, "ops/.env", p.secretDigest), ruleId: p.ruleId, path: "ops/.env", secretDigest: p.secretDigest, added: "2024-01-01" };
      writeFileSync(join(root, BASELINE), JSON.stringify({ version: 2, keyId, entries: [entry] }));
      const r = await runCli(["scan", "."], { cwd: root });
      expect([p.role, r.code]).toEqual([p.role, 0]);
      expect(r.stderr).toContain("1 accepted");
    }
    // A baseline that lists none of its parts does not accept it.
    writeFileSync(join(root, BASELINE), JSON.stringify({ version: 2, keyId, entries: [] }));
    expect((await runCli(["scan", "."], { cwd: root })).code).toBe(1);
  });
});

describe("pairs beyond AWS", () => {
  it("Twilio: the account SID far from the auth token in the same file still pairs; a lone SID is not reported", () => {
    const sid = gen("AC{{hex:32}}");
    const token = gen("{{hex:32}}");
    const far = "LOG_LEVEL=info\n".repeat(200);
    const f = onePair(scan(`TWILIO_AUTH_TOKEN=${token}\n${far}TWILIO_ACCOUNT_SID=${sid}\n`, "app.env"), 2);
    expect([f.ruleId, revealPart(f, "auth token"), revealPart(f, "account sid")]).toEqual(["twilio-auth-token", token, sid]);
    expect(scan(`TWILIO_ACCOUNT_SID=${sid}\n`, "app.env")).toEqual([]);
  });

  it("Plaid: client id + secret + environment, critical in production; a lone client id is not reported", () => {
    const f = onePair(scan(gen("PLAID_CLIENT_ID={{hex:24}}\nPLAID_SECRET={{hex:30}}\nPLAID_ENV=production\n"), "plaid.env"), 3);
    expect([f.severity, f.parts!.map((p) => p.role)]).toEqual(["critical", ["secret", "client id", "environment"]]);
    // A sandbox pair keeps its parts' own (sandbox) grade rather than the pair's critical.
    const sandbox = onePair(scan(gen("PLAID_CLIENT_ID={{hex:24}}\nPLAID_SECRET={{hex:30}}\nPLAID_ENV=sandbox\n"), "plaid.env"), 3);
    expect([sandbox.environment, sandbox.severity]).toEqual(["sandbox", "low"]);
    expect(scan(gen("PLAID_CLIENT_ID={{hex:24}}\n"), "plaid.env")).toEqual([]);
  });

  it("Braintree-style generic client credentials, Google OAuth, Azure service principal and a database login", () => {
    const google = onePair(scan(gen('{"web": {"client_id": "{{digits:12}}-{{lowernum:32}}.apps.googleusercontent.com", "client_secret": "GOCSPX-{{base64url:28}}"}}'), "client_secret.json"), 2);
    expect(google.ruleId).toBe("google-oauth-client-secret");
    const azure = onePair(scan(gen("AZURE_TENANT_ID={{uuid}}\nAZURE_CLIENT_ID={{uuid}}\nAZURE_CLIENT_SECRET={{alnum:3}}8Q~{{base64url:34}}\n"), "sp.env"), 3);
    expect([azure.severity, azure.parts!.map((p) => p.role)]).toEqual(["critical", ["client secret", "client id", "tenant id"]]);
    const oauth = onePair(scan(gen("OAUTH_CLIENT_ID={{alnum:24}}\nOAUTH_CLIENT_SECRET={{alnum:40}}\n"), "oauth.env"), 2);
    expect([oauth.ruleId, oauth.severity]).toEqual(["generic-client-credentials", "high"]);
    // A lone client secret is the generic finding it always was.
    expect(scan(gen("OAUTH_CLIENT_SECRET={{alnum:40}}\n"), "oauth.env").map((f) => f.ruleId)).toEqual(["generic-secret-assignment"]);
    const db = onePair(scan(gen("DB_HOST=ledger-db.prod.internal\nDB_USER=ledger_app\nDB_PASSWORD={{alnum:24}}\n"), "db.env"), 3);
    expect([db.ruleId, db.parts!.map((p) => p.role)]).toEqual(["database-login", ["password", "user", "host"]]);
    expect(scan(gen("DB_PASSWORD={{alnum:24}}\n"), "db.env").map((f) => f.ruleId)).toEqual(["generic-secret-assignment"]);
  });
});

describe("the fintech pairs: each found as one finding with its parts; lone parts as declared", () => {
  /** The pair in `text` (and, for a two-line text, its lines swapped): one finding of `rule` with `roles`. */
  function pairOf(text: string, path: string, rule: string, roles: string[]): Finding {
    const f = onePair(scan(text, path), roles.length);
    expect([f.ruleId, f.parts!.map((p) => p.role)]).toEqual([rule, roles]);
    const lines = text.split("\n");
    for (const p of f.parts!) {
      const raw = revealPart(f, p.role)!;
      expect(lines[p.line - 1]).toContain(raw);
      expect(JSON.stringify(f)).not.toContain(raw.slice(-12));
    }
    return f;
  }
  const swapped = (text: string) => text.trimEnd().split("\n").reverse().join("\n") + "\n";

  it("Braintree: merchant id + public key + private key in .env, JSON and an SDK call; lone ids are not reported", () => {
    const env = gen("BRAINTREE_MERCHANT_ID={{lowernum:16}}\nBRAINTREE_PUBLIC_KEY={{lowernum:16}}\nBRAINTREE_PRIVATE_KEY={{hex:32}}\n");
    for (const text of [env, swapped(env)]) expect(pairOf(text, ".env", "braintree-private-key", ["private key", "public key", "merchant id"]).severity).toBe("critical");
    pairOf(gen('{"braintree": {"merchantId": "{{lowernum:16}}", "publicKey": "{{lowernum:16}}", "privateKey": "{{hex:32}}"}}'), "config.json", "braintree-private-key", ["private key", "public key", "merchant id"]);
    const sdk = pairOf(gen("gateway = braintree.BraintreeGateway(braintree.Configuration(braintree.Environment.Sandbox, merchant_id='{{lowernum:16}}', public_key='{{lowernum:16}}', private_key='{{hex:32}}'))"), "pay.py", "braintree-private-key", ["private key", "public key", "merchant id"]);
    expect([sdk.environment, sdk.severity]).toEqual(["sandbox", "low"]);
    // Without its public key the private key is reported alone, as before; the ids never are.
    expect(scan(gen("BRAINTREE_MERCHANT_ID={{lowernum:16}}\nBRAINTREE_PRIVATE_KEY={{hex:32}}\n"), ".env").map((f) => [f.ruleId, f.parts])).toEqual([["braintree-private-key", undefined]]);
    expect(scan(gen("BRAINTREE_MERCHANT_ID={{lowernum:16}}\nBRAINTREE_PUBLIC_KEY={{lowernum:16}}\n"), ".env")).toEqual([]);
  });

  it("PayPal: client id + client secret in .env (both orders) and YAML; a lone client id is not reported", () => {
    const env = gen("PAYPAL_CLIENT_ID=A{{base64url:79}}\nPAYPAL_CLIENT_SECRET=E{{base64url:79}}\n");
    for (const text of [env, swapped(env)]) expect(pairOf(text, ".env", "paypal-client-secret", ["client secret", "client id"]).severity).toBe("critical");
    const yaml = pairOf(gen('paypal:\n  mode: live\n  client_id: "A{{alnum:79}}"\n  client_secret: "E{{alnum:79}}"\n'), "paypal.yaml", "paypal-client-secret", ["client secret", "client id"]);
    expect(yaml.environment).toBe("live");
    expect(scan(gen("PAYPAL_CLIENT_ID=A{{base64url:79}}\n"), ".env")).toEqual([]);
  });

  it("Square: application id + application secret, or + access token; the secret takes the id when both are there", () => {
    const env = gen("SQUARE_APPLICATION_ID=sq0idp-{{base64url:22}}\nSQUARE_APPLICATION_SECRET=sq0csp-{{base64url:43}}\n");
    for (const text of [env, swapped(env)]) pairOf(text, ".env", "square-application-secret-production", ["application secret", "application id"]);
    const sandbox = pairOf(gen('{"square": {"applicationSecret": "sandbox-sq0csb-{{alnum:43}}", "applicationId": "sandbox-sq0idb-{{alnum:22}}"}}'), "square.json", "square-application-secret-sandbox", ["application secret", "application id"]);
    expect([sandbox.environment, sandbox.severity]).toEqual(["sandbox", "low"]);
    pairOf(gen('square:\n  access_token: "EAAA{{alnum:60}}"\n  application_id: "sq0idp-{{alnum:22}}"\n'), "square.yaml", "square-access-token", ["access token", "application id"]);
    const both = scan(gen("SQUARE_APPLICATION_ID=sq0idp-{{base64url:22}}\nSQUARE_APPLICATION_SECRET=sq0csp-{{base64url:43}}\nSQUARE_ACCESS_TOKEN=EAAA{{base64url:60}}\n"), ".env");
    expect(both.map((f) => [f.ruleId, f.parts?.length])).toEqual([
      ["square-application-secret-production", 2],
      ["square-access-token", undefined],
    ]);
    expect(scan(gen("SQUARE_APPLICATION_ID=sq0idp-{{base64url:22}}\n"), ".env")).toEqual([]);
  });

  it("Adyen: API key + merchant account and/or client key; the key alone stays critical, a lone merchant account is not reported", () => {
    const env = gen("ADYEN_API_KEY=AQE{{base64:77}}=-{{base64:43}}=\nADYEN_MERCHANT_ACCOUNT=AcmeBankECOM\n");
    for (const text of [env, swapped(env)]) pairOf(text, ".env", "adyen-api-key", ["API key", "merchant account"]);
    const three = pairOf(gen('adyen:\n  apiKey: "AQE{{alnum:80}}=-{{alnum:40}}="\n  merchantAccount: AcmeBankECOM\n  clientKey: test_{{uppernum:32}}\n'), "adyen.yaml", "adyen-api-key", ["API key", "merchant account", "client key"]);
    expect(three.environment).toBe("sandbox");
    expect(scan(gen("ADYEN_API_KEY=AQE{{base64:77}}=-{{base64:43}}=\n"), ".env").map((f) => [f.ruleId, f.severity, f.parts])).toEqual([["adyen-api-key", "critical", undefined]]);
    expect(scan("ADYEN_MERCHANT_ACCOUNT=AcmeBankECOM\n", ".env")).toEqual([]);
  });

  it("TrueLayer: client id (live or sandbox) + client secret; lone client ids are not reported", () => {
    const env = gen("TRUELAYER_CLIENT_ID=acmebank-{{hex:6}}\nTRUELAYER_CLIENT_SECRET={{uuid}}\n");
    for (const text of [env, swapped(env)]) expect(pairOf(text, ".env", "truelayer-client-secret", ["client secret", "client id"]).severity).toBe("critical");
    const sandbox = pairOf(gen('{"truelayer": {"clientId": "sandbox-pay-portal-{{hex:6}}", "clientSecret": "{{uuid}}"}}'), "tl.json", "truelayer-client-secret", ["client secret", "client id"]);
    expect(sandbox.environment).toBe("sandbox");
    pairOf(gen('truelayer:\n  client_secret: "{{uuid}}"\n  client_id: "pay-portal-{{hex:6}}"\n'), "tl.yaml", "truelayer-client-secret", ["client secret", "client id"]);
    expect(scan(gen("TRUELAYER_CLIENT_ID=acmebank-{{hex:6}}\n"), ".env")).toEqual([]);
    // A lone sandbox id is its own rule's info finding, below the default report threshold.
    expect(scan(gen("TRUELAYER_CLIENT_ID=sandbox-acmebank-{{hex:6}}\n"), ".env")).toEqual([]);
  });

  it("Tink and Yapily: client id / application key + secret in .env (both orders) and YAML; lone ids are not reported", () => {
    const tink = gen("TINK_CLIENT_ID={{hex:32}}\nTINK_CLIENT_SECRET={{hex:32}}\n");
    for (const text of [tink, swapped(tink)]) expect(pairOf(text, ".env", "tink-client-secret", ["client secret", "client id"]).severity).toBe("critical");
    pairOf(gen('tink:\n  client_id: "{{hex:32}}"\n  client_secret: "{{hex:32}}"\n'), "tink.yaml", "tink-client-secret", ["client secret", "client id"]);
    expect(scan(gen("TINK_CLIENT_ID={{hex:32}}\n"), ".env")).toEqual([]);
    const yapily = gen("YAPILY_APPLICATION_KEY={{uuid}}\nYAPILY_APPLICATION_SECRET={{uuid}}\n");
    for (const text of [yapily, swapped(yapily)]) expect(pairOf(text, ".env", "yapily-application-secret", ["application secret", "application key"]).severity).toBe("critical");
    pairOf(gen('yapily:\n  application_secret: "{{uuid}}"\n  application_key: "{{uuid}}"\n'), "yapily.yaml", "yapily-application-secret", ["application secret", "application key"]);
    expect(scan(gen("YAPILY_APPLICATION_KEY={{uuid}}\n"), ".env")).toEqual([]);
  });
});

describe("every reporter names each part of a pair (role, line:column, redacted) and prints no raw part value", () => {
  const id = gen("PAYPAL_CLIENT_ID=A{{base64url:79}}").split("=")[1]!;
  const secret = gen("E{{base64url:79}}");
  const text = `# payments\nPAYPAL_MODE=live\nPAYPAL_CLIENT_SECRET=${secret}\nPAYPAL_CLIENT_ID=${id}\n`;
  const raw = [id, secret, id.slice(8, 40), secret.slice(8, 40)];
  const [pair] = scan(text, "deploy/paypal.env");
  const report: ScanReport = {
    tool: TOOL,
    root: "/work/repo",
    findings: [pair!],
    rules: scanner.rules,
    notices: [],
    failOn: "medium",
    blocking: new Set([pair!.fingerprint]),
    incomplete: false,
    stats: { files: 1, bytes: text.length, durationMs: 10 },
  };
  const GITLAB_SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/gitlab/secret-detection-report-format-15.2.1.json"), "utf8")) as object;

  it("the pair is one finding of 2 parts", () => {
    expect(pair!.parts!.map((p) => [p.role, p.line, p.column])).toEqual([
      ["client secret", 3, 22],
      ["client id", 4, 18],
    ]);
  });

  for (const format of ["gitlab", "junit", "github-annotations", "azure", "bitbucket", "github-summary", "text", "sarif", "json"]) {
    it(`${format}`, () => {
      const out = REPORTERS[format]!(report, { showSecrets: false, color: false });
      for (const p of pair!.parts!) {
        expect(out, `${format}: ${p.role}`).toContain(p.role);
        expect(out, `${format}: ${p.role} redacted`).toContain(p.redacted);
        if (!["sarif", "json"].includes(format)) expect(out, `${format}: ${p.role} line:column`).toMatch(new RegExp(`${p.line}:${p.column}\\b`));
      }
      for (const r of raw) expect(out).not.toContain(r);
      if (format === "gitlab") {
        const ajv = new Ajv({ strict: false, allErrors: true });
        const validate = ajv.compile(GITLAB_SCHEMA);
        expect(validate(JSON.parse(out)), JSON.stringify(validate.errors)).toBe(true);
      }
    });
  }

  it("the rotation report (Markdown and HTML) lists each part of the credential, no raw value", async () => {
    const repo = TempRepo.init();
    repo.commitFile("deploy/paypal.env", text, "add paypal", "2025-01-10T12:00:00Z");
    for (const format of ["markdown", "html"]) {
      const r = await cli(["report", "--as-of", "2025-03-31", "--format", format], repo.dir, repo.env);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("1 credential exposed in the repository");
      expect(r.stdout).toContain("2 parts:");
      for (const p of pair!.parts!) {
        expect(r.stdout).toContain(p.redacted);
        // HTML marks path segments up (a break point after each `/`): compare its text.
        const shown = format === "html" ? r.stdout.replace(/<[^>]*>/g, "") : r.stdout;
        expect(shown).toContain(`deploy/paypal.env:${p.line}:${p.column}`);
      }
      expect(r.stdout).toMatch(/client secret/);
      expect(r.stdout).toMatch(/client id/);
      for (const x of raw) expect(r.stdout).not.toContain(x);
    }
  });
});
