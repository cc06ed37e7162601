// The only way a verification request leaves the process: HTTPS to a host on the provider's
// allowlist (checked before any socket opens), one connection per request, no redirects followed,
// one deadline over connect, handshake and response, at most 64 KiB of body read, a named
// User-Agent, and HTTPS_PROXY/NO_PROXY honoured. Errors say what failed, never with headers or body.
import { request as httpsRequest } from "node:https";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { isIP, type Socket } from "node:net";
import { proxyFor, tunnel } from "./proxy.js";
import type { HttpResult, ProviderRequest } from "./types.js";

const MAX_BODY = 64 * 1024;

export interface TransportOptions {
  timeoutMs: number;
  userAgent: string;
  /** Where HTTPS_PROXY and NO_PROXY are read. */
  env: NodeJS.ProcessEnv;
  /**
   * Internal, for tests only (no flag or variable reaches it): where a provider host is really
   * reached. The allowlist is still checked against the provider's own host name.
   */
  route?: ReadonlyMap<string, { host: string; port: number }>;
  /** Internal, for tests only: the CA that routed servers' certificates are signed by. */
  ca?: string | Buffer;
}

export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: "refused" | "timeout" | "tls" | "redirected" | "network",
  ) {
    super(message);
    this.name = "TransportError";
  }
}

/** Refuses, before anything is opened, a request outside the allowlist. */
export function checkAllowed(req: ProviderRequest, allowed: readonly string[]): void {
  if (!allowed.includes(req.host)) throw new TransportError(`host ${req.host} is not on the provider's allowlist (refused)`, "refused");
  if (!req.path.startsWith("/")) throw new TransportError("request path must be absolute (refused)", "refused");
}

function tlsTo(host: string, port: number, servername: string, ca: string | Buffer | undefined, socket: Socket | undefined): Promise<TLSSocket> {
  return new Promise((resolvePromise, reject) => {
    const s = tlsConnect({ host, port, ...(socket && { socket }), ...(isIP(servername) ? {} : { servername }), ...(ca !== undefined && { ca }), ALPNProtocols: ["http/1.1"] });
    s.once("secureConnect", () => resolvePromise(s));
    s.once("error", (err: NodeJS.ErrnoException) => {
      s.destroy();
      const tls = /CERT|SSL|TLS|certificate|handshake|self.signed/i.test(`${err.code ?? ""} ${err.message}`);
      reject(new TransportError(tls ? `TLS failed: ${err.message}` : `cannot connect: ${err.code ?? err.message}`, tls ? "tls" : "network"));
    });
  });
}

export async function send(req: ProviderRequest, allowed: readonly string[], options: TransportOptions): Promise<HttpResult> {
  checkAllowed(req, allowed);
  const target = options.route?.get(req.host) ?? { host: req.host, port: 443 };
  const controller = new AbortController();
  let socket: TLSSocket | undefined;
  const timer = setTimeout(() => {
    controller.abort();
    socket?.destroy();
  }, options.timeoutMs);
  const timedOut = () => new TransportError(`no answer within ${options.timeoutMs} ms (timed out)`, "timeout");
  try {
    const proxy = proxyFor(req.host, options.env);
    const raw = proxy ? await tunnel(proxy, target.host, target.port, controller.signal) : undefined;
    if (controller.signal.aborted) throw timedOut();
    socket = await tlsTo(target.host, target.port, options.route?.has(req.host) ? target.host : req.host, options.route?.has(req.host) ? options.ca : undefined, raw);
    if (controller.signal.aborted) throw timedOut();
    const connected = socket;
    return await new Promise<HttpResult>((resolvePromise, reject) => {
      const body = req.body ?? "";
      const headers = { ...req.headers, host: req.host, "user-agent": options.userAgent, connection: "close", ...(req.method === "POST" && { "content-length": String(Buffer.byteLength(body)) }) };
      const r = httpsRequest({ method: req.method, host: req.host, path: req.path, headers, createConnection: () => connected, signal: controller.signal });
      r.once("response", (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.destroy();
          return reject(new TransportError(`redirected (HTTP ${status}); redirects are never followed`, "redirected"));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          if (size >= MAX_BODY) return;
          chunks.push(c);
          size += c.length;
          if (size >= MAX_BODY) res.destroy();
        });
        const done = () => resolvePromise({ status, headers: res.headers, body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString("utf8") });
        res.once("end", done);
        res.once("close", done);
        res.once("error", () => (size >= MAX_BODY ? done() : reject(controller.signal.aborted ? timedOut() : new TransportError("connection lost while reading the answer", "network"))));
      });
      r.once("error", (err: NodeJS.ErrnoException) => reject(controller.signal.aborted ? timedOut() : new TransportError(`request failed: ${err.code ?? "network error"}`, "network")));
      r.end(body);
    });
  } catch (err) {
    if (err instanceof TransportError) throw err;
    if (controller.signal.aborted) throw timedOut();
    throw new TransportError(err instanceof Error ? err.message : String(err), "network");
  } finally {
    clearTimeout(timer);
    socket?.destroy();
  }
}
