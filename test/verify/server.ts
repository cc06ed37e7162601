// A local HTTPS server on 127.0.0.1 that plays providers' endpoints, with a certificate made at
// test time by openssl. Only the verifier trusts it (through the injected `ca`), and only for the
// provider hosts routed to it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROVIDERS } from "../../src/verify/providers/index.js";

export interface Seen {
  method: string;
  host: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Responder = (req: Seen, res: ServerResponse) => void;

export function makeCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "keyfence-cert-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
}

export interface ProviderServer {
  seen: Seen[];
  respond: Responder;
  port: number;
  ca: string;
  /** Every provider host routed to this server. */
  route: Map<string, { host: string; port: number }>;
  close(): Promise<void>;
}

export async function startServer(cert = makeCert()): Promise<ProviderServer> {
  const state: ProviderServer = { seen: [], respond: (_q, res) => res.writeHead(404).end(), port: 0, ca: cert.cert, route: new Map(), close: async () => {} };
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen = { method: req.method ?? "", host: req.headers.host ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      state.seen.push(seen);
      state.respond(seen, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.port = (server.address() as AddressInfo).port;
  for (const p of PROVIDERS) for (const h of p.hosts) state.route.set(h, { host: "127.0.0.1", port: state.port });
  state.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}

export function reply(status: number, body = "", headers: Record<string, string> = {}): Responder {
  return (_q, res) => res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
}
