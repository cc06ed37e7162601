// The `verify` section: what --verify adds to a scan with 20 findings (ten providers, two distinct
// credentials each) against a local HTTPS server playing the providers, with the verifier's
// test-only transport injected (no user-visible override exists, so this runs through the API).
// Target (issue 15): at most 1 s added. Run alone: `node bench/lib/verify.mjs` after `npm run build`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), "../../dist");
const RULES = ["stripe-secret-key-live", "github-personal-access-token", "openai-project-key", "sendgrid-api-key", "npm-access-token", "gitlab-personal-access-token", "mollie-api-key-live", "gocardless-access-token-live", "square-access-token", "slack-bot-token"];

function certificate() {
  const dir = mkdtempSync(join(tmpdir(), "keyfence-bench-cert-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", join(dir, "k"), "-out", join(dir, "c"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  return { key: readFileSync(join(dir, "k"), "utf8"), cert: readFileSync(join(dir, "c"), "utf8") };
}

export async function verifyBench({ runs = 3 } = {}) {
  const { createScanner } = await import(join(DIST, "scanner.js"));
  const { exampleInput } = await import(join(DIST, "rules/tester.js"));
  const { verifyFindings } = await import(join(DIST, "verify/verifier.js"));
  const { PROVIDERS } = await import(join(DIST, "verify/providers/index.js"));
  const scanner = createScanner();
  const byId = new Map(scanner.rules.map((r) => [r.id, r]));
  const text = RULES.flatMap((id) => [0, 1].map((n) => exampleInput(byId.get(id), "match", 0, `bench${n}`))).join("\n");
  const cert = certificate();
  let requests = 0;
  const server = createServer(cert, (req, res) => {
    requests++;
    req.resume();
    const ok = ["api.sendgrid.com", "registry.npmjs.org"].includes(req.headers.host) ? 200 : 404;
    res.writeHead(req.headers.host === "slack.com" ? 200 : ok, { "content-type": "application/json" }).end(req.headers.host === "slack.com" ? '{"ok":true}' : "{}");
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const route = new Map(PROVIDERS.flatMap((p) => p.hosts.map((h) => [h, { host: "127.0.0.1", port: server.address().port }])));
  const rows = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const findings = [];
      for await (const f of scanner.scanStream([Buffer.from(text)], { path: "bench.env" })) findings.push(f);
      const scanned = performance.now();
      const out = await verifyFindings(findings, { route, ca: cert.cert, rules: scanner.rules });
      const verified = performance.now();
      rows.push({ findings: findings.length, requests: out.requests, scanMs: +(scanned - t0).toFixed(1), verifyMs: +(verified - scanned).toFixed(1), statuses: Object.fromEntries(["live", "revoked", "unknown", "error"].map((s) => [s, out.findings.filter((f) => f.verification?.status === s).length])) });
    }
  } finally {
    server.close();
  }
  return { target: "verification adds at most 1000 ms for 20 findings", served: requests, rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await verifyBench(), null, 2));
