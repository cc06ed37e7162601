// Each provider's one request against a local server playing its endpoint: where it goes, that the
// credential travels in a header or the body (never the URL, except a webhook whose URL it is), and
// how the live and the dead answers are read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyFindings } from "../../src/verify/verifier.js";
import { PROVIDERS } from "../../src/verify/providers/index.js";
import { BUILTIN } from "../helpers/secrets.js";
import { alnum, findingOf, hex, secretOf, withParts } from "./fixtures.js";
import { reply, startServer, type ProviderServer, type Responder, type Seen } from "./server.js";
import type { Finding } from "../../src/types.js";
import { createScanner } from "../../src/scanner.js";
import { expandExample } from "../../src/rules/example-template.js";

let server: ProviderServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

interface Case {
  rule: string;
  host: string;
  method: string;
  path: string | RegExp;
  live: Responder;
  revoked: Responder;
  make?: () => Finding;
}

const status = (n: number) => reply(n, "{}");
const notFound = { live: status(404), revoked: status(401) };
const sid = `AC${hex(32)}`;

const CASES: Case[] = [
  { rule: "stripe-secret-key-live", host: "api.stripe.com", method: "GET", path: "/v1/customers/cus_keyfenceverifyprobe0", ...notFound },
  { rule: "stripe-secret-key-test", host: "api.stripe.com", method: "GET", path: "/v1/customers/cus_keyfenceverifyprobe0", ...notFound },
  { rule: "square-access-token", host: "connect.squareup.com", method: "GET", path: "/v2/locations/KEYFENCEVERIFYPROBE", ...notFound },
  { rule: "paypal-access-token", host: "api-m.paypal.com", method: "GET", path: "/v2/checkout/orders/KEYFENCEVERIFYPROBE0", ...notFound },
  { rule: "paypal-client-secret", host: "api-m.paypal.com", method: "POST", path: "/v1/oauth2/token", live: status(200), revoked: status(401), make: () => withParts(findingOf("paypal-client-secret"), { "client-id": `A${alnum(79)}` }) },
  { rule: "adyen-api-key", host: "management-live.adyen.com", method: "GET", path: "/v3/companies/KEYFENCEVERIFYPROBE", ...notFound },
  { rule: "checkout-secret-key-live", host: "api.checkout.com", method: "GET", path: /^\/payments\/pay_/, ...notFound },
  { rule: "checkout-secret-key-sandbox", host: "api.sandbox.checkout.com", method: "GET", path: /^\/payments\/pay_/, ...notFound },
  { rule: "gocardless-access-token-live", host: "api.gocardless.com", method: "GET", path: "/mandates/MD000KEYFENCEPROBE", ...notFound },
  { rule: "gocardless-access-token-sandbox", host: "api-sandbox.gocardless.com", method: "GET", path: "/mandates/MD000KEYFENCEPROBE", ...notFound },
  { rule: "mollie-api-key-live", host: "api.mollie.com", method: "GET", path: "/v2/payments/tr_keyfenceprobe", ...notFound },
  {
    rule: "plaid-secret",
    host: "production.plaid.com",
    method: "POST",
    path: "/item/get",
    live: reply(400, JSON.stringify({ error_code: "INVALID_ACCESS_TOKEN" })),
    revoked: reply(400, JSON.stringify({ error_code: "INVALID_API_KEYS" })),
    make: () => withParts(findingOf("plaid-secret"), { "client-id": hex(24) }, { environment: "unknown" }),
  },
  {
    rule: "truelayer-client-secret",
    host: "auth.truelayer-sandbox.com",
    method: "POST",
    path: "/connect/token",
    live: status(200),
    revoked: reply(400, JSON.stringify({ error: "invalid_client" })),
    make: () => withParts(findingOf("truelayer-client-secret"), { "client-id": `sandbox-keyfence-${hex(6)}` }),
  },
  { rule: "marqeta-admin-access-token", host: "sandbox-api.marqeta.com", method: "GET", path: "/v3/users/keyfence-verify-probe", ...notFound, make: () => withParts(findingOf("marqeta-admin-access-token"), { "application-token": hex(36) }, { environment: "sandbox" }) },
  { rule: "coinbase-commerce-api-key", host: "api.commerce.coinbase.com", method: "GET", path: "/charges/keyfence-verify-probe", ...notFound },
  {
    rule: "aws-secret-access-key",
    host: "sts.amazonaws.com",
    method: "POST",
    path: "/",
    live: reply(200, "<GetCallerIdentityResponse/>"),
    revoked: reply(403, "<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error></ErrorResponse>"),
    // A key id of an ordinary (non-canary) account: the body of AKIA + base32 decodes to account 0…
    make: () => withParts(findingOf("aws-secret-access-key"), { "aws-key-id": `AKIA${"Q".repeat(16)}` }),
  },
  { rule: "github-personal-access-token", host: "api.github.com", method: "GET", path: "/repos/-keyfence-verify-probe-/none", ...notFound },
  { rule: "gitlab-personal-access-token", host: "gitlab.com", method: "GET", path: "/api/v4/projects/0", ...notFound },
  { rule: "slack-bot-token", host: "slack.com", method: "POST", path: "/api/auth.test", live: reply(200, JSON.stringify({ ok: true })), revoked: reply(200, JSON.stringify({ ok: false, error: "invalid_auth" })) },
  { rule: "slack-webhook-url", host: "hooks.slack.com", method: "POST", path: /^\/services\//, live: reply(400, "invalid_payload", { "content-type": "text/html" }), revoked: reply(404, "no_service", { "content-type": "text/html" }) },
  { rule: "twilio-auth-token", host: "api.twilio.com", method: "GET", path: `/2010-04-01/Accounts/${sid}/Calls/CA${"0".repeat(32)}.json`, ...notFound, make: () => withParts(findingOf("twilio-auth-token"), { "account-sid": sid }) },
  { rule: "sendgrid-api-key", host: "api.sendgrid.com", method: "GET", path: "/v3/scopes", live: status(200), revoked: status(401) },
  { rule: "npm-access-token", host: "registry.npmjs.org", method: "GET", path: "/-/whoami", live: status(200), revoked: status(401) },
  { rule: "openai-project-key", host: "api.openai.com", method: "GET", path: "/v1/models/keyfence-verify-probe", ...notFound },
];

function carries(seen: Seen, secret: string): boolean {
  const headers = Object.values(seen.headers).join("\n");
  const basic = [...headers.matchAll(/Basic ([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1]!, "base64").toString());
  return headers.includes(secret) || seen.body.includes(secret) || basic.some((b) => b.includes(secret)) || /AWS4-HMAC-SHA256/.test(headers);
}

describe("providers against a local server", () => {
  for (const c of CASES) {
    it(`${c.rule}: ${c.method} ${c.host}, live then revoked`, async () => {
      const f = c.make ? c.make() : findingOf(c.rule);
      const secret = secretOf(f);
      for (const [responder, expected] of [
        [c.live, "live"],
        [c.revoked, "revoked"],
      ] as const) {
        server.seen.length = 0;
        server.respond = responder;
        const { findings, requests } = await verifyFindings([f], { route: server.route, ca: server.ca, rules: BUILTIN });
        expect(findings[0]!.verification?.status, findings[0]!.verification?.reason).toBe(expected);
        expect(requests).toBe(1);
        const seen = server.seen[0]!;
        expect(seen.method).toBe(c.method);
        expect(seen.host).toBe(c.host);
        if (typeof c.path === "string") expect(seen.url).toBe(c.path);
        else expect(seen.url).toMatch(c.path);
        expect(seen.headers["user-agent"]).toMatch(/^keyfence\/\S+ \(\+verification; read-only\)$/);
        // A webhook's URL is the credential; everything else travels in a header or the body.
        if (c.rule === "slack-webhook-url") expect(seen.url).toBe(`/${secret}`);
        else expect([carries(seen, secret), seen.url.includes(secret)]).toEqual([true, false]);
        expect(findings[0]!.verification!.reason).not.toContain(secret);
      }
    });
  }

  it("covers every provider the issue names, each host on its own allowlist", () => {
    const ids = new Set(CASES.map((c) => PROVIDERS.find((p) => p.rules.includes(c.rule))!.id));
    for (const p of ["stripe", "square", "paypal", "adyen", "checkout", "gocardless", "mollie", "plaid", "truelayer", "marqeta", "coinbase", "aws", "github", "gitlab", "slack", "slack-webhook", "twilio", "sendgrid", "npm", "openai"]) expect(ids.has(p), p).toBe(true);
    for (const c of CASES) expect(PROVIDERS.find((p) => p.rules.includes(c.rule))!.hosts).toContain(c.host);
    const known = new Set(BUILTIN.map((r) => r.id));
    for (const p of PROVIDERS) for (const r of p.rules) expect(known.has(r), r).toBe(true);
  });

  it("a live credential becomes critical with the 30-day window; a revoked one keeps its severity", async () => {
    const f = findingOf("sendgrid-api-key");
    expect(f.severity).toBe("medium");
    server.respond = status(200);
    const live = (await verifyFindings([f], { route: server.route, ca: server.ca })).findings[0]!;
    expect([live.severity, live.rotateDays]).toEqual(["critical", 30]);
    server.respond = status(401);
    expect((await verifyFindings([f], { route: server.route, ca: server.ca })).findings[0]!.severity).toBe("medium");
  });

  it("a pair the scanner found (key id + secret on adjacent lines) is verified with both parts", async () => {
    const id = expandExample("{{aws-key-id:AKIA}}", "verify-pair/id");
    const secret = expandExample("{{base64:40}}", "verify-pair/secret");
    const [pair, ...rest] = createScanner().scanBuffer(`aws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`, { path: "config/aws.ini" });
    expect(rest).toEqual([]);
    expect([pair!.ruleId, pair!.parts?.map((p) => p.role)]).toEqual(["aws-access-key-id", ["key id", "secret"]]);
    server.respond = reply(200, "<GetCallerIdentityResponse/>");
    const before = server.seen.length;
    const out = await verifyFindings([pair!], { route: server.route, ca: server.ca });
    expect(out.findings[0]!.verification?.status).toBe("live");
    const seen = server.seen.slice(before);
    expect(seen.map((x) => x.host)).toEqual(["sts.amazonaws.com"]);
    // Signed with the secret, never sending it: SigV4 puts only the key id in the Authorization header.
    expect(Object.values(seen[0]!.headers).join("\n")).toContain(id);
    expect(JSON.stringify(seen[0])).not.toContain(secret);
  });

  it("a PayPal pair the scanner found (client id + secret) is verified with its client id as the Basic user", async () => {
    const id = expandExample("A{{base64url:79}}", "verify-pair/paypal-id");
    const secret = expandExample("E{{base64url:79}}", "verify-pair/paypal-secret");
    const [pair, ...rest] = createScanner().scanBuffer(`PAYPAL_MODE=live\nPAYPAL_CLIENT_SECRET=${secret}\nPAYPAL_CLIENT_ID=${id}\n`, { path: "config/paypal.env" });
    expect(rest).toEqual([]);
    expect([pair!.ruleId, pair!.parts?.map((p) => [p.role, p.ruleId])]).toEqual(["paypal-client-secret", [["client secret", "paypal-client-secret"], ["client id", "paypal-client-id"]]]);
    server.respond = status(200);
    const before = server.seen.length;
    const out = await verifyFindings([pair!], { route: server.route, ca: server.ca });
    expect(out.findings[0]!.verification?.status, out.findings[0]!.verification?.reason).toBe("live");
    const seen = server.seen.slice(before);
    expect(seen.map((x) => [x.host, x.method, x.url])).toEqual([["api-m.paypal.com", "POST", "/v1/oauth2/token"]]);
    const basic = Buffer.from(String(seen[0]!.headers.authorization).replace(/^Basic /, ""), "base64").toString();
    expect(basic).toBe(`${id}:${secret}`);
    expect(seen[0]!.url).not.toContain(secret);
  });

  it("a TrueLayer pair the scanner found (sandbox client id + secret) is verified against the sandbox with its client id", async () => {
    const id = expandExample("sandbox-acmebank-{{hex:6}}", "verify-pair/tl-id");
    const secret = expandExample("{{uuid}}", "verify-pair/tl-secret");
    const [pair, ...rest] = createScanner().scanBuffer(`truelayer:\n  client_id: "${id}"\n  client_secret: "${secret}"\n`, { path: "config/truelayer.yaml" });
    expect(rest).toEqual([]);
    expect([pair!.ruleId, pair!.environment, pair!.parts?.map((p) => p.ruleId)]).toEqual(["truelayer-client-secret", "sandbox", ["truelayer-client-secret", "truelayer-client-id-sandbox"]]);
    server.respond = status(200);
    const before = server.seen.length;
    const out = await verifyFindings([pair!], { route: server.route, ca: server.ca });
    expect(out.findings[0]!.verification?.status, out.findings[0]!.verification?.reason).toBe("live");
    const seen = server.seen.slice(before);
    expect(seen.map((x) => [x.host, x.url])).toEqual([["auth.truelayer-sandbox.com", "/connect/token"]]);
    expect(new URLSearchParams(seen[0]!.body).get("client_id")).toBe(id);
    expect(seen[0]!.url).not.toContain(secret);
  });
});
