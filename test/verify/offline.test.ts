// What is settled without the network, and never sent: documented examples, failed checksums,
// honeytoken AWS accounts, values two rules claim, credentials lacking their companion part.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyFindings } from "../../src/verify/verifier.js";
import { awsAccountOf, CANARY_ACCOUNTS } from "../../src/verify/aws-account.js";
import { signV4 } from "../../src/verify/sigv4.js";
import { deriveFinding, attachSecret } from "../../src/finding/secret-store.js";
import { BUILTIN } from "../helpers/secrets.js";
import { findingOf, withParts } from "./fixtures.js";
import { reply, startServer, type ProviderServer } from "./server.js";
import type { Finding } from "../../src/types.js";

let server: ProviderServer;
beforeAll(async () => {
  server = await startServer();
  server.respond = reply(404);
});
afterAll(() => server.close());

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** A key id whose body encodes `account` (the inverse of awsAccountOf), padded with random-looking letters. */
function keyIdFor(account: string): string {
  let bits = (BigInt(account) << 7n) << 2n;
  let body = "";
  for (let i = 0; i < 10; i++) body = BASE32[Number(bits & 31n)] + body, (bits >>= 5n);
  return `AKIA${body}QRSTUV`;
}

function withValue(f: Finding, value: string): Finding {
  const out = deriveFinding(f, {});
  attachSecret(out, value);
  return out;
}

async function run(findings: Finding[]) {
  server.seen.length = 0;
  const out = await verifyFindings(findings, { route: server.route, ca: server.ca, rules: BUILTIN });
  return { verdicts: out.findings.map((f) => f.verification!), requests: out.requests, seen: server.seen.length };
}

describe("offline checks", () => {
  it("decodes the account from a key id, and knows the canary accounts", () => {
    for (const account of ["052310077262", "000000000001", "999999999999"]) expect(awsAccountOf(keyIdFor(account))).toBe(account);
    expect(awsAccountOf("not-a-key")).toBeUndefined();
    expect(CANARY_ACCOUNTS.get("052310077262")).toBe("Thinkst Canarytokens");
  });

  it("a canary key is never sent", async () => {
    const f = withParts(findingOf("aws-secret-access-key"), { "aws-key-id": keyIdFor("052310077262") });
    const { verdicts, seen } = await run([f]);
    expect(verdicts[0]!.status).toBe("unknown");
    expect(verdicts[0]!.reason).toContain("honeytoken");
    expect(seen).toBe(0);
  });

  it("a documented example value is never sent", async () => {
    const f = findingOf("stripe-secret-key-test");
    const { verdicts, seen } = await run([withValue(f, `sk_test_${"EXAMPLE".padEnd(24, "x")}`)]);
    expect(verdicts[0]).toEqual({ status: "revoked", reason: "a documented example value, not a credential (not sent)" });
    expect(seen).toBe(0);
  });

  it("a value that fails its checksum is never sent", async () => {
    const f = findingOf("github-personal-access-token");
    const { verdicts, seen } = await run([withValue(f, `ghp_${"a1B2c3D4e5".repeat(3)}abcdef`)]);
    expect(verdicts[0]!.reason).toContain("crc32-base62 checksum");
    expect(seen).toBe(0);
  });

  it("a value two rules claim is never sent", async () => {
    const a = findingOf("stripe-secret-key-live");
    const b = deriveFinding(a, { ruleId: "custom-stripe-like" });
    const { verdicts, seen } = await run([a, b]);
    expect(verdicts.map((v) => v.status)).toEqual(["unknown", "unknown"]);
    expect(verdicts[0]!.reason).toContain("claimed by 2 rules");
    expect(seen).toBe(0);
  });

  it("a part alone says it needs its companion, and is verified once the finding carries it", async () => {
    const lone = findingOf("aws-secret-access-key");
    const first = await run([lone]);
    expect(first.verdicts[0]).toEqual({ status: "unknown", reason: "needs its companion part (aws-key-id) (not sent)" });
    expect(first.seen).toBe(0);
    server.respond = reply(200, "<ok/>");
    const paired = await run([withParts(lone, { "aws-key-id": keyIdFor("123456789012") })]);
    expect(paired.verdicts[0]!.status).toBe("live");
    expect(paired.seen).toBe(1);
    server.respond = reply(404);
  });

  it("the same credential found twice is asked about once", async () => {
    const f = findingOf("openai-project-key");
    const again = deriveFinding(f, { path: "other.env", line: 9 });
    const { verdicts, requests } = await run([f, again]);
    expect(verdicts.map((v) => v.status)).toEqual(["live", "live"]);
    expect(requests).toBe(1);
  });

  it("rules without a live check are not sent", async () => {
    const f = findingOf("square-application-secret-production");
    const { verdicts, seen } = await run([f]);
    expect(verdicts[0]).toEqual({ status: "unknown", reason: "no live check for this rule (not sent)" });
    expect(seen).toBe(0);
  });
});

describe("SigV4", () => {
  it("matches AWS's published get-vanilla test vector", () => {
    // aws-sig-v4-test-suite/get-vanilla: the documentation's example credentials.
    const headers = signV4({ method: "GET", host: "example.amazonaws.com", path: "/", body: "", headers: {}, region: "us-east-1", service: "service", keyId: "AKIDEXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", now: new Date("2015-08-30T12:36:00Z") });
    expect(headers.authorization).toBe("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  });
});
