// The transport's safety rules against real sockets: throttling and faults are errors, redirects
// are not followed, an untrusted certificate fails, a host off the allowlist is refused before any
// connection, deadlines hold, proxies are tunnelled, and no message or audit line holds the value.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer as createHttpServer, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { verifyFindings } from "../../src/verify/verifier.js";
import { send } from "../../src/verify/transport.js";
import { proxyFor } from "../../src/verify/proxy.js";
import { RequestLimiter } from "../../src/verify/limits.js";
import { scrubReason } from "../../src/verify/scrub.js";
import type { VerificationRecord } from "../../src/verify/audit.js";
import { findingOf, secretOf } from "./fixtures.js";
import { makeCert, reply, startServer, type ProviderServer } from "./server.js";

let server: ProviderServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function verifyWith(respond: ProviderServer["respond"], extra: Parameters<typeof verifyFindings>[1] = {}) {
  server.seen.length = 0;
  server.respond = respond;
  const records: VerificationRecord[] = [];
  const f = findingOf("stripe-secret-key-live");
  const out = await verifyFindings([f], { route: server.route, ca: server.ca, onRequest: (r) => records.push(r), ...extra });
  return { f, v: out.findings[0]!.verification!, severity: out.findings[0]!.severity, records, requests: out.requests };
}

describe("transport", () => {
  it("429 and 5xx are errors and leave severity alone", async () => {
    for (const [status, word] of [
      [429, "rate limited"],
      [503, "provider error"],
    ] as const) {
      const { v, severity } = await verifyWith(reply(status));
      expect(v.status).toBe("error");
      expect(v.reason).toContain(word);
      expect(severity).toBe("critical"); // the rule's own severity, unchanged
    }
  });

  it("a redirect is not followed", async () => {
    const { v } = await verifyWith(reply(302, "", { location: "https://127.0.0.1:1/elsewhere" }));
    expect(v).toEqual({ status: "error", reason: "redirected (HTTP 302); redirects are never followed" });
    expect(server.seen).toHaveLength(1);
  });

  it("times out on a server that never answers", async () => {
    const started = Date.now();
    const { v } = await verifyWith(() => {}, { timeoutMs: 300 });
    expect(v.status).toBe("error");
    expect(v.reason).toContain("timed out");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses a certificate the injected CA did not sign", async () => {
    const other = await startServer(makeCert());
    try {
      const f = findingOf("stripe-secret-key-live");
      const out = await verifyFindings([f], { route: other.route, ca: server.ca });
      expect(out.findings[0]!.verification!.status).toBe("error");
      expect(out.findings[0]!.verification!.reason).toMatch(/^TLS failed/);
      expect(other.seen).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it("refuses a host off the allowlist before any socket opens", async () => {
    let connections = 0;
    const plain: Server = createHttpServer();
    plain.on("connection", () => connections++);
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
    const port = (plain.address() as AddressInfo).port;
    const route = new Map([["evil.example", { host: "127.0.0.1", port }]]);
    await expect(send({ method: "GET", host: "evil.example", path: "/", endpoint: "GET /", headers: {} }, ["api.stripe.com"], { timeoutMs: 500, userAgent: "t", env: {}, route })).rejects.toThrow(/not on the provider's allowlist/);
    expect(connections).toBe(0);
    plain.close();
  });

  it("never puts the value in a reason or an audit line, whatever fails", async () => {
    const responders: ProviderServer["respond"][] = [reply(200), reply(401), reply(429), reply(500), reply(302, "", { location: "/x" }), () => {}];
    for (const r of responders) {
      const { f, v, records } = await verifyWith(r, { timeoutMs: 300 });
      const secret = secretOf(f);
      expect(records).toHaveLength(1);
      const line = JSON.stringify(records[0]);
      expect(line).not.toContain(secret);
      expect(v.reason).not.toContain(secret);
      expect(records[0]).toMatchObject({ type: "verification", provider: "stripe", host: "api.stripe.com", ruleId: "stripe-secret-key-live", status: v.status });
    }
  });

  it("an answer that echoes the value, or part of it, leaves no trace in the reason", async () => {
    const f = findingOf("slack-bot-token");
    const secret = secretOf(f);
    server.respond = reply(200, JSON.stringify({ ok: false, error: secret.slice(0, 40) }));
    const v = (await verifyFindings([f], { route: server.route, ca: server.ca })).findings[0]!.verification!;
    expect(v.status).toBe("unknown");
    for (let i = 0; i + 8 <= secret.length; i++) expect(v.reason).not.toContain(secret.slice(i, i + 8));
    const quoted = scrubReason(`failed for ${secret} / ${encodeURIComponent(secret)} / ${Buffer.from(secret).toString("base64")} / ${secret.slice(3, 20)}`, [secret]);
    expect(quoted).toBe("failed for [redacted] / [redacted] / [redacted] / [redacted]");
  });

  it("goes through HTTPS_PROXY with a CONNECT tunnel, and NO_PROXY bypasses it", async () => {
    const tunnels: string[] = [];
    const proxy = createHttpServer();
    proxy.on("connect", (req, client) => {
      tunnels.push(req.url ?? "");
      const [host, port] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host!, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const env = { HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` };
    try {
      const { v } = await verifyWith(reply(404), { env });
      expect(v.status).toBe("live");
      expect(tunnels).toEqual([`127.0.0.1:${server.port}`]);
      await verifyWith(reply(404), { env: { ...env, NO_PROXY: ".stripe.com" } });
      expect(tunnels).toHaveLength(1);
    } finally {
      proxy.close();
    }
  });

  it("reads NO_PROXY as curl does", () => {
    const env = { HTTPS_PROXY: "http://proxy:3128", NO_PROXY: "localhost, .internal,stripe.com" };
    expect(proxyFor("api.stripe.com", env)).toBeUndefined();
    expect(proxyFor("a.internal", env)).toBeUndefined();
    expect(proxyFor("api.github.com", env)?.host).toBe("proxy:3128");
    expect(proxyFor("api.github.com", { ...env, NO_PROXY: "*" })).toBeUndefined();
  });

  it("limits requests in flight and spaces requests to one host", async () => {
    const limiter = new RequestLimiter({ concurrency: 2, perHostIntervalMs: 50, perHostBurst: 2 });
    let active = 0;
    let peak = 0;
    const starts: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 6 }, () =>
        limiter.run("h", async () => {
          starts.push(Date.now() - t0);
          peak = Math.max(peak, ++active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBeLessThanOrEqual(2);
    // Two at once, then one every 50 ms: the sixth no sooner than 4 intervals in.
    expect(Math.max(...starts)).toBeGreaterThanOrEqual(190);
  });
});
